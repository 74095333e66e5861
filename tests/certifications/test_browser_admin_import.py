"""The agency import in a real browser (Debian's Chromium through Playwright): upload, preview, confirm.

Programme staff log in through the login form, upload a CSV naming one of the shipped
placeholders and a new agency, read the preview, confirm; the placeholder's old public
address then leads to its new page.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from agencies.models import Agency
from bandung_iso.roles import Role
from tests.factories import RoleUserFactory
from tests.spreadsheets import CHANGELIST, csv_bytes, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "kata-sandi-uji-12345"
PLACEHOLDER = "skpd-belum-teridentifikasi-25"


@pytest.fixture
def staff_page(live_server, page):
    call_command("setup_roles", verbosity=0)
    call_command("load_initial_agencies", verbosity=0)
    RoleUserFactory(username="staf", role=Role.STAFF, password=PASSWORD)
    page.goto(live_server.url + reverse("admin:login"))
    page.locator("#id_username").fill("staf")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(live_server.url + reverse("admin:index"))
    return page


def test_upload_preview_and_confirm_an_import(staff_page, live_server):
    page = staff_page
    placeholder = Agency.objects.get(slug=PLACEHOLDER)
    content = csv_bytes(
        [
            row(slug="dinas-perhubungan", nama="Dinas Perhubungan", menggantikan=PLACEHOLDER),
            row(slug="dinas-pendidikan", nama="Dinas Pendidikan", singkatan="Disdik"),
        ]
    )

    page.goto(live_server.url + CHANGELIST)
    page.get_by_role("link", name="Impor dari spreadsheet").click()
    page.locator("#id_import_file").set_input_files(
        files=[{"name": "daftar-skpd.csv", "mimeType": "text/csv", "buffer": content}]
    )
    assert page.locator("#id_format").input_value() == "0"  # guess_format.js read the extension
    page.get_by_role("button", name="Pratinjau").click()

    preview = page.locator("#import-preview tbody tr")
    expect(preview).to_have_count(2)  # waits for the preview page
    assert preview.nth(0).get_attribute("data-action") == "merge"
    assert "digabung ke SKPD sementara #25" in preview.nth(0).inner_text()
    assert preview.nth(1).get_attribute("data-action") == "new"
    assert page.locator("#import-totals").inner_text().startswith("1 baru, 0 diperbarui, 1 digabung")
    assert not Agency.objects.filter(slug="dinas-pendidikan").exists()  # only a preview so far

    page.get_by_role("button", name="Konfirmasi impor").click()
    page.wait_for_url(live_server.url + CHANGELIST)
    assert page.locator(".messagelist .success").inner_text().startswith("Impor dari daftar-skpd.csv selesai: 1 baru")
    assert Agency.objects.get(slug="dinas-perhubungan").pk == placeholder.pk
    assert Agency.objects.filter(slug="dinas-pendidikan").exists()

    response = page.goto(f"{live_server.url}/skpd/{PLACEHOLDER}/")
    assert response.url == f"{live_server.url}/skpd/dinas-perhubungan/"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Dinas Perhubungan")
