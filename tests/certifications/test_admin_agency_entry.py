"""Agencies entered by staff look right in public (issue 16, point 3), over HTTP.

A new agency's source names it: its name starts confirmed, on the add form and in an import.
A renamed agency is offered the address of its new name, and its old address answers a 301.
"""

import pytest
from pytest_django.asserts import assertContains, assertRedirects

from agencies.models import Agency
from tests.admin_forms import as_posted, change_form_data
from tests.factories import AgencyFactory
from tests.spreadsheets import CHANGELIST, confirm, csv_bytes, row, upload

from .test_admin_agencies import ADD, agency_form, change_url

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


# --- a renamed agency is offered a new address ---------------------------------------------------


def test_a_rename_asks_for_the_address_then_moves_it_and_the_old_one_answers_301(staff_client, client):
    agency = AgencyFactory(name="Dinas Pertanian", slug="dinas-pertanian")
    page = staff_client.get(change_url(agency))
    assert "address" not in page.context["adminform"].form.fields  # the name gives its slug: nothing to offer
    data = change_form_data(page)
    data["name"] = "Dinas Pangan dan Pertanian"

    asked = staff_client.post(change_url(agency), data)
    assert asked.status_code == 200
    form = asked.context["adminform"].form
    assert form.errors["address"] == ["Nama SKPD berubah: pilih apakah alamat publiknya tetap atau ikut berganti."]
    assert dict(form.fields["address"].choices)["new"].startswith("ganti menjadi /skpd/dinas-pangan-dan-pertanian/")
    agency.refresh_from_db()
    assert agency.name == "Dinas Pertanian"

    assertRedirects(staff_client.post(change_url(agency), {**data, "address": "new"}), CHANGELIST)
    agency.refresh_from_db()
    assert (agency.name, agency.slug) == ("Dinas Pangan dan Pertanian", "dinas-pangan-dan-pertanian")
    old = client.get("/skpd/dinas-pertanian/")
    assert old.status_code == 301
    assert old["Location"] == "/skpd/dinas-pangan-dan-pertanian/"
    assert client.get(old["Location"]).status_code == 200


def test_a_rename_may_keep_its_address(staff_client):
    agency = AgencyFactory(name="Dinas Pertanian", slug="dinas-pertanian")
    data = {**change_form_data(staff_client.get(change_url(agency))), "name": "Dinas Pangan", "address": "keep"}
    assertRedirects(staff_client.post(change_url(agency), data), CHANGELIST)
    agency.refresh_from_db()
    assert (agency.name, agency.slug) == ("Dinas Pangan", "dinas-pertanian")
    assert not agency.former_slugs.exists()


def test_a_slug_typed_with_the_rename_is_taken_as_it_is(staff_client):
    agency = AgencyFactory(name="Dinas Pertanian", slug="dinas-pertanian")
    data = {**change_form_data(staff_client.get(change_url(agency))), "name": "Dinas Pangan", "slug": "dispangan"}
    assertRedirects(staff_client.post(change_url(agency), data), CHANGELIST)
    agency.refresh_from_db()
    assert agency.slug == "dispangan"
    assert list(agency.former_slugs.values_list("slug", flat=True)) == ["dinas-pertanian"]


def test_a_renamed_placeholder_is_offered_a_real_address(staff_client, client):
    placeholder = AgencyFactory(
        slug="skpd-belum-teridentifikasi-01", name="Dinas Perhubungan", name_confirmed=False, source="Perda 8/2016"
    )
    page = staff_client.get(change_url(placeholder))
    assertContains(page, "ganti menjadi /skpd/dinas-perhubungan/")
    assertRedirects(
        staff_client.post(change_url(placeholder), {**change_form_data(page), "address": "new"}), CHANGELIST
    )
    placeholder.refresh_from_db()
    assert placeholder.slug == "dinas-perhubungan"
    assert client.get("/skpd/skpd-belum-teridentifikasi-01/")["Location"] == "/skpd/dinas-perhubungan/"


def test_the_offered_address_of_another_agency_is_refused(staff_client):
    AgencyFactory(name="Dinas Pangan", slug="dinas-pangan")
    agency = AgencyFactory(name="Dinas Pertanian", slug="dinas-pertanian")
    data = {**change_form_data(staff_client.get(change_url(agency))), "name": "Dinas Pangan!", "address": "new"}
    response = staff_client.post(change_url(agency), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"slug": ["Sudah ada SKPD dengan slug ini."]}
    agency.refresh_from_db()
    assert agency.slug == "dinas-pertanian"
