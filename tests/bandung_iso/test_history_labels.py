"""The edit history reads as people speak: labels, "ya"/"tidak", names, dates (``LabelledChangesHelper``).

Over Django's client as a logged-in role; the admin speaks Indonesian whatever the browser asks,
so the English page is the same admin view rendered with English active.
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains
from simple_history.models import DeletedObject, ModelChange

from agencies.models import Agency
from bandung_iso.admin_base import LabelledChangesHelper
from bandung_iso.roles import Role
from tests.factories import AgencyFactory, RoleUserFactory, closed_finding

pytestmark = pytest.mark.django_db


def history_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])


@pytest.fixture
def renamed_agency():
    """An agency entered as unknown and unconfirmed, then given its kind, a parent and a note."""
    agency = AgencyFactory(name="Dinas Baru", kind=Agency.Kind.UNKNOWN, name_confirmed=False, notes="")
    agency.kind, agency.name_confirmed = Agency.Kind.DEPARTMENT, True
    agency.parent = AgencyFactory(name="Sekretariat Daerah")
    agency.notes = "Perda 5/2016"
    agency.save()
    return agency


def test_an_agencys_history_shows_labels_not_codes(client, roles, renamed_agency):
    client.force_login(RoleUserFactory(role=Role.STAFF))
    response = client.get(history_url(renamed_agency))

    assert response.status_code == 200
    assertContains(response, "<strong>Jenis:</strong> Belum diketahui &rarr; Dinas", html=False)
    assertContains(response, "<strong>Nama terkonfirmasi:</strong> tidak &rarr; ya", html=False)
    assertContains(response, "<strong>Induk:</strong> (kosong) &rarr; Sekretariat Daerah", html=False)
    assertContains(response, "<strong>Catatan:</strong> (kosong) &rarr; Perda 5/2016", html=False)
    for code in ("unknown &rarr;", "&rarr; department", "False", "True", "None"):
        assertNotContains(response, code)


def test_an_agencys_history_in_english_shows_the_english_labels(roles, renamed_agency):
    request = RequestFactory().get(history_url(renamed_agency))
    request.user = RoleUserFactory(role=Role.STAFF)
    with translation.override("en"):
        page = admin.site._registry[Agency].history_view(request, str(renamed_agency.pk)).content.decode()

    assert "<strong>Type:</strong> Not yet known &rarr; Dinas (department)" in page
    assert "<strong>Parent:</strong> (empty) &rarr; Sekretariat Daerah" in page
    assert "Belum diketahui" not in page


def test_a_findings_history_names_the_verifier_and_dates_the_closing(client, roles):
    auditor = RoleUserFactory(username="bsantoso", first_name="Budi", last_name="Santoso", role=Role.AUDITOR)
    finding = closed_finding(auditor=auditor, username="rina", first_name="Rina", last_name="Lestari")

    client.force_login(auditor)
    response = client.get(history_url(finding))

    assert response.status_code == 200
    assertContains(response, "<strong>Diverifikasi oleh:</strong> (kosong) &rarr; Budi Santoso", html=False)
    assertContains(response, "<strong>Tanggal ditutup:</strong> (kosong) &rarr; 2 April 2012", html=False)
    assertContains(response, "<strong>Status:</strong> tindakan diusulkan &rarr; ditutup", html=False)
    # Who made each change: by name in the "Oleh" column too.
    assertContains(response, "Rina Lestari")
    assertNotContains(response, "bsantoso")
    assertNotContains(response, "action_proposed")


def test_the_history_names_a_user_without_a_full_name_by_username(client, roles):
    nameless = RoleUserFactory(username="staf01", first_name="", last_name="", role=Role.STAFF)
    agency = AgencyFactory()
    agency.notes, agency._history_user = "diperiksa", nameless
    agency.save()

    client.force_login(nameless)
    response = client.get(history_url(agency))

    assertContains(response, "staf01")


def test_a_row_deleted_since_reads_as_deleted_and_an_empty_key_as_empty(renamed_agency):
    helper = LabelledChangesHelper(Agency, renamed_agency.history.first())
    change = ModelChange("parent", DeletedObject(Agency, None), DeletedObject(Agency, 7))
    assert helper.format_delta_change(change).old == "(kosong)"
    assert helper.format_delta_change(change).new == "SKPD #7 (sudah dihapus)"
