"""The certificate check and the ceremony pages in a real browser (Debian's Chromium, Playwright)."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from certifications.models import Certificate
from tests.factories import AgencyFactory, CertificationBodyFactory, CurrentCertificateFactory

# Debian's Chromium, never a downloaded browser: the launch arguments live with the portal's
# browser tests; importing the fixture makes it this module's too.

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CEREMONY = "/upacara/penyerahan-sertifikat-hotel-grand-pasundan/"


@pytest.fixture
def shipped():
    call_command("load_initial_agencies", verbosity=0)


@pytest.fixture
def certificates(shipped):
    body = CertificationBodyFactory(name="Lembaga Sertifikasi Uji")
    valid = CurrentCertificateFactory(
        number="QMS-123", body=body, scope="Pelayanan perizinan", agency=AgencyFactory(name="Dinas Uji Coba")
    )
    CurrentCertificateFactory(
        number="QMS-900",
        body=body,
        status=Certificate.Status.SUSPENDED,
        status_changed_on=valid.issued_on + datetime.timedelta(days=30),
        status_reason="Ketidaksesuaian mayor belum ditutup.",
    )
    return body


def assert_no_violations(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def assert_fits_360(page):
    page.set_viewport_size({"width": 360, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_checking_a_certificate(live_server, page, certificates):
    page.goto(live_server.url + "/verifikasi/")
    page.get_by_label("Nomor sertifikat").fill("  qms-123 ")
    page.get_by_role("button", name="Cek").click()
    page.wait_for_url("**/verifikasi/?nomor=*")
    assert page.get_by_test_id("state").inner_text() == "Berlaku"
    assert page.get_by_role("heading", level=3).inner_text().startswith("Sertifikat QMS-123")
    assert page.get_by_role("link", name="Dinas Uji Coba").get_attribute("href").startswith("/skpd/")
    # The form keeps what was typed, and the address is the shareable answer.
    assert page.get_by_label("Nomor sertifikat").input_value() == "  qms-123 "
    shared = page.url
    page.goto(shared)
    assert page.get_by_test_id("state").inner_text() == "Berlaku"


def test_checking_with_a_body_and_a_suspended_certificate(live_server, page, certificates):
    page.goto(live_server.url + "/verifikasi/")
    page.get_by_label("Nomor sertifikat").fill("QMS-900")
    page.get_by_label("Lembaga sertifikasi (pilihan)").select_option(label="Lembaga Sertifikasi Uji")
    page.get_by_role("button", name="Cek").click()
    page.wait_for_url("**lembaga=*")
    assert page.get_by_test_id("state").inner_text() == "Dibekukan"
    assert page.get_by_text("Ketidaksesuaian mayor belum ditutup.").is_visible()


def test_a_number_not_found_and_a_missing_number(live_server, page, certificates):
    page.goto(live_server.url + "/verifikasi/?nomor=QMS-12")
    assert page.get_by_test_id("state").inner_text() == "Tidak ditemukan"
    assert page.get_by_text("QMS-123").count() == 0
    page.get_by_label("Nomor sertifikat").fill("")
    page.get_by_role("button", name="Cek").click()
    page.wait_for_url("**nomor=&*")
    assert page.get_by_role("heading", name="Isian belum benar").is_visible()
    page.get_by_role("link", name="Nomor sertifikat").click()
    assert page.evaluate("document.activeElement.id") == "id_nomor"


def test_the_check_page_fits_360_pixels(live_server, page, certificates):
    for query in ("", "?nomor=QMS-123", "?nomor=QMS-900", "?nomor=" + "X" * 100, "?nomor=&per=x"):
        page.goto(live_server.url + "/verifikasi/" + query)
        assert_fits_360(page)


@pytest.mark.parametrize(
    "query",
    ["", "?nomor=QMS-123", "?nomor=QMS-900", "?nomor=QMS-12", "?nomor=&lembaga=abc&per=2013-02-30"],
    ids=["empty", "valid", "suspended", "not-found", "errors"],
)
def test_the_check_page_has_no_accessibility_violations(live_server, page, certificates, query):
    page.goto(live_server.url + "/verifikasi/" + query)
    assert_no_violations(page)


def test_the_ceremony_pages(live_server, page, shipped):
    page.goto(live_server.url + "/upacara/")
    assert page.get_by_text("sekitar 2012").is_visible()
    page.get_by_role("link", name="Penyerahan sertifikat SMM ISO 9001:2008 kepada 9 SKPD").click()
    page.wait_for_url("**" + CEREMONY)
    assert page.get_by_role("heading", level=1).inner_text() == "Penyerahan sertifikat SMM ISO 9001:2008 kepada 9 SKPD"
    assert page.get_by_test_id("held").inner_text() == "sekitar 2012"
    assert page.get_by_test_id("recipients").get_by_role("link").count() == 9
    assert page.get_by_role("link", name="Kecamatan Sukasari").get_attribute("href") == "/skpd/kecamatan-sukasari/"
    assert "Kec. Sukasari" in page.get_by_test_id("notes").inner_text()


@pytest.mark.parametrize("path", ["/upacara/", CEREMONY])
def test_the_ceremony_pages_fit_360_pixels_without_accessibility_violations(live_server, page, shipped, path):
    page.goto(live_server.url + path)
    assert_no_violations(page)
    assert_fits_360(page)
    assert_no_violations(page)


def test_the_pages_need_no_other_host(live_server, page, certificates):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ("/verifikasi/?nomor=QMS-123", "/upacara/"):
        page.goto(live_server.url + path)
    assert requested
    assert all(url.startswith(live_server.url) for url in requested), requested
