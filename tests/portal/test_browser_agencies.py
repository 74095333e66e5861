"""The agency register and an agency's page in a real browser: Debian's Chromium driven by Playwright."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from agencies.models import Agency
from certifications.models import Audit, Finding
from tests.factories import AuditFactory, CertificationBodyFactory, FindingFactory

# Debian's Chromium (never a downloaded one) and the async-unsafe allowance, shared with the portal's browser tests.

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SATPOL = "satuan-polisi-pamong-praja"


@pytest.fixture
def loaded(live_server):
    call_command("load_initial_agencies", verbosity=0)
    return live_server.url


@pytest.fixture
def audited(loaded):
    """Satpol PP with audits and findings, so the agency page shows every table."""
    agency = Agency.objects.get(slug=SATPOL)
    body = CertificationBodyFactory(name="Lembaga Uji Mutu")
    audit = AuditFactory(agency=agency, body=body, status=Audit.Status.COMPLETED)
    AuditFactory(agency=agency, kind=Audit.Kind.INTERNAL, starts_on=datetime.date(2013, 2, 1), ends_on=None)
    FindingFactory(audit=audit, grade=Finding.Grade.MAJOR, description="Teks temuan yang tidak publik")
    FindingFactory(audit=audit, closed=True, closed_on=datetime.date(2012, 4, 1))
    return loaded


def rows(page) -> list[str]:
    return [name.strip() for name in page.locator("table.register tbody th a").all_inner_texts()]


def test_search_the_register(page, loaded):
    page.goto(loaded + "/skpd/")
    page.get_by_label("Nama atau singkatan").fill("satpol")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url("**/skpd/?q=satpol&*")
    assert rows(page) == ["Satuan Polisi Pamong Praja"]
    assert page.get_by_test_id("result-count").inner_text().split()[:3] == ["1", "SKPD", "ditemukan."]
    assert page.get_by_label("Nama atau singkatan").input_value() == "satpol"
    page.get_by_role("link", name="Satuan Polisi Pamong Praja").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Satuan Polisi Pamong Praja (Satpol PP)"


def test_filter_the_register_by_status_on_a_day(page, loaded):
    page.goto(loaded + "/skpd/")
    page.get_by_label("Status", exact=True).select_option(label="tidak berlaku lagi")
    page.get_by_role("button", name="Tampilkan").click()
    assert page.get_by_test_id("result-count").inner_text().startswith("44 SKPD ditemukan.")
    assert set(page.locator("table.register tbody .status").all_inner_texts()) == {"tidak berlaku lagi"}

    page.get_by_label("Status", exact=True).select_option(label="bersertifikat")
    page.get_by_label("Per tanggal").fill("2013-12-31")
    page.get_by_role("button", name="Tampilkan").click()
    assert page.get_by_test_id("as-of").inner_text().startswith("Keadaan per 31 Desember 2013.")
    assert page.get_by_test_id("result-count").inner_text().startswith("44 SKPD ditemukan.")
    assert len(rows(page)) == 25
    page.get_by_role("link", name="Berikutnya").click()
    assert len(rows(page)) == 19
    assert page.get_by_label("Status", exact=True).input_value() == "certified"
    assert page.get_by_label("Per tanggal").input_value() == "2013-12-31"

    page.get_by_role("link", name="Lihat keadaan hari ini").click()
    assert page.get_by_test_id("result-count").inner_text().startswith("0 SKPD ditemukan.")
    assert page.get_by_test_id("empty").is_visible()


def test_sort_by_a_column_header(page, loaded):
    page.goto(loaded + "/skpd/?per=2013-12-31")
    page.get_by_role("link", name="Status", exact=True).click()
    assert rows(page)[0] != "Dinas Kesehatan"
    page.get_by_role("link", name="Status", exact=True).click()
    assert rows(page)[0] == "Dinas Kesehatan"  # the one agency not yet certified comes first in reverse
    assert page.locator('th[aria-sort="descending"]').inner_text().startswith("Status")


@pytest.mark.parametrize("path", ["/skpd/?per=2013-12-31", f"/skpd/{SATPOL}/?per=2013-12-31", "/skpd/dinas-kesehatan/"])
def test_pages_fit_a_360_pixel_screen(page, audited, path):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(audited + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.get_by_role("heading", level=1).is_visible()


def test_the_register_table_needs_no_sideways_scrolling_at_360_pixels(page, loaded):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(loaded + "/skpd/")
    scroller = page.locator(".register-results .table-scroll")
    assert scroller.evaluate("element => element.scrollWidth <= element.clientWidth")


@pytest.mark.parametrize(
    "path",
    ["/skpd/", "/skpd/?per=2013-12-31&status=certified&halaman=2", f"/skpd/{SATPOL}/", "/skpd/dinas-kesehatan/"],
)
def test_pages_have_no_accessibility_violations(page, audited, path):
    page.goto(audited + path)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_agency_page_shows_finding_counts_not_their_text(page, audited):
    page.goto(audited + f"/skpd/{SATPOL}/")
    assert "Teks temuan yang tidak publik" not in page.content()
    last_row = page.get_by_test_id("findings").locator("tfoot tr").inner_text().split()
    # open, action proposed, closed, noted, total
    assert last_row == ["Jumlah", "1", "0", "1", "0", "2"]


def test_pages_need_no_other_host_and_no_script(page, audited):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ("/skpd/", f"/skpd/{SATPOL}/"):
        page.goto(audited + path)
        assert page.locator("script").count() == 0
        assert page.locator("[style]").count() == 0
    assert all(url.startswith(audited) for url in requested), requested
