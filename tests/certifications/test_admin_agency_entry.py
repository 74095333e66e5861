"""Agencies entered by staff look right in public (issue 16, point 3), over HTTP.

A new agency's source names it: its name starts confirmed, on the add form and in an import.
A renamed agency is offered the address of its new name, and its old address answers a 301.
"""

import pytest
from pytest_django.asserts import assertRedirects

from agencies.models import Agency
from tests.admin_forms import as_posted
from tests.factories import AgencyFactory
from tests.spreadsheets import CHANGELIST, confirm, csv_bytes, row, upload

from .test_admin_agencies import ADD, agency_form

pytestmark = pytest.mark.django_db


# --- a new agency's name is confirmed by its source ----------------------------------------------


def test_the_add_form_starts_with_the_name_confirmed_and_a_perda_names_the_agency(staff_client, client):
    form = staff_client.get(ADD).context["adminform"].form
    data = {**agency_form(), **as_posted(form)}
    data.update(name="Dinas Pangan dan Pertanian", slug="dinas-pangan-dan-pertanian", source="Perda 8/2016")
    assertRedirects(staff_client.post(ADD, data), CHANGELIST)
    agency = Agency.objects.get(slug="dinas-pangan-dan-pertanian")
    assert agency.name_confirmed
    page = client.get(agency.get_absolute_url()).content.decode()
    assert "ya, nama ini tertulis dalam sumber" in page
    assert "belum dikonfirmasi" not in page


def test_staff_may_still_untick_it(staff_client):
    data = agency_form()
    del data["name_confirmed"]  # an unticked box is not posted
    assertRedirects(staff_client.post(ADD, data), CHANGELIST)
    assert not Agency.objects.get().name_confirmed


@pytest.mark.parametrize(("cell", "confirmed"), [("", True), ("ya", True), ("tidak", False)])
def test_an_imported_new_agency_is_confirmed_unless_its_row_says_no(importer, cell, confirmed):
    content = csv_bytes([row(slug="dinas-pangan", nama="Dinas Pangan", nama_terkonfirmasi=cell)])
    assertRedirects(confirm(importer, upload(importer, content)), CHANGELIST, fetch_redirect_response=False)
    assert Agency.objects.get(slug="dinas-pangan").name_confirmed is confirmed


def test_an_import_without_the_column_confirms_new_agencies_and_leaves_others(importer):
    unconfirmed = AgencyFactory(slug="dinas-lama", name="Dinas Lama", name_confirmed=False, source="Sumber uji")
    headers = ["slug", "nama", "jenis", "sumber"]
    content = csv_bytes(
        [
            {"slug": "dinas-pangan", "nama": "Dinas Pangan", "jenis": "department", "sumber": "Perda 8/2016"},
            {"slug": "dinas-lama", "nama": "Dinas Lama", "jenis": "department", "sumber": "Sumber uji"},
        ],
        headers=headers,
    )
    confirm(importer, upload(importer, content))
    assert Agency.objects.get(slug="dinas-pangan").name_confirmed
    unconfirmed.refresh_from_db()
    assert not unconfirmed.name_confirmed


def test_an_empty_cell_on_an_agency_already_stored_still_means_no(importer):
    agency = AgencyFactory(slug="dinas-pangan", name="Dinas Pangan", source=row()["sumber"])
    content = csv_bytes([row(slug="dinas-pangan", nama="Dinas Pangan", nama_terkonfirmasi="")])
    confirm(importer, upload(importer, content))
    agency.refresh_from_db()
    assert not agency.name_confirmed
