"""The public page in a real browser: Debian's Chromium driven by Playwright against the live server."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def home(live_server, page):
    call_command("load_initial_agencies", verbosity=0)
    page.goto(live_server.url + "/")
    return page


def test_home_shows_today_beside_44_of_83_at_the_deadline(home):
    assert home.get_by_test_id("deadline-figure").inner_text().split() == ["44", "dari", "83", "SKPD", "bersertifikat"]
    assert home.get_by_test_id("lead-figure").inner_text().split() == ["0", "dari", "83", "SKPD", "bersertifikat"]
    assert home.get_by_role("heading", level=1).inner_text().startswith("Sertifikasi SMM ISO 9001:2008")
    assert home.get_by_role("heading", name="Mengapa angka hari ini").is_visible()


def test_the_deadline_is_one_click_away(home):
    home.get_by_role("link", name="Lihat keadaan pada batas waktu, 31 Desember 2013").click()
    assert home.url.endswith("/?per=2013-12-31")
    assert home.get_by_test_id("lead-figure").inner_text().split() == ["44", "dari", "83", "SKPD", "bersertifikat"]
    assert home.get_by_test_id("today-figure").inner_text().split() == ["0", "dari", "83", "SKPD", "bersertifikat"]
    assert home.get_by_role("heading", name="Sertifikat dibekukan atau dicabut per 31 Desember 2013").is_visible()


def test_home_fits_a_360_pixel_screen(home):
    home.set_viewport_size({"width": 360, "height": 800})
    home.reload()
    assert home.evaluate("document.documentElement.scrollWidth") <= 360
    assert home.get_by_test_id("lead-figure").is_visible()


def test_home_has_no_accessibility_violations(home):
    results = Axe().run(home)
    assert results.violations_count == 0, results.generate_report()


def test_home_needs_no_other_host(live_server, page):
    """Nothing is fetched from another host: no CDN, no font service, no script."""
    call_command("load_initial_agencies", verbosity=0)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/")
    assert requested
    assert all(url.startswith(live_server.url) for url in requested), requested


def test_switching_language_keeps_the_page(home):
    home.goto(home.url + "?per=2013-12-31")
    home.get_by_role("link", name="English").click()
    assert home.url.endswith("/en/?per=2013-12-31")
    assert home.locator("html").get_attribute("lang") == "en"
    home.get_by_role("link", name="Bahasa Indonesia").click()
    assert home.locator("html").get_attribute("lang") == "id"
    assert "/en/" not in home.url


def test_choosing_a_day_without_javascript(live_server, browser):
    """The as-of form is a plain GET form: it works with JavaScript switched off."""
    call_command("load_initial_agencies", verbosity=0)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/?per=2016-06-01")
    assert page.get_by_test_id("lead-figure").inner_text().split() == ["0", "dari", "83", "SKPD", "bersertifikat"]
    assert "1 Juni 2016" in page.get_by_test_id("which-day").inner_text()
    context.close()


def test_the_dashboard_prints_on_one_page(home):
    """The print stylesheet makes the dashboard a one-page A4 report, without navigation or form."""
    pdf = home.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    home.emulate_media(media="print")
    assert not home.locator("form.as-of").is_visible()
    assert not home.locator("nav.main-nav").is_visible()
    assert not home.get_by_test_id("deadline-link").is_visible()  # a link means nothing on paper
    assert home.get_by_test_id("lead-figure").is_visible()
