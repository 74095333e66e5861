"""The public page in a real browser: Debian's Chromium driven by Playwright against the live server."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def home(live_server, page):
    call_command("load_initial_agencies", verbosity=0)
    page.goto(live_server.url + "/")
    return page


def test_home_shows_44_of_83_at_the_deadline(home):
    assert home.get_by_test_id("deadline-figure").inner_text().split() == ["44", "dari", "83", "SKPD", "bersertifikat"]
    assert home.get_by_test_id("today-figure").inner_text().split() == ["0", "dari", "83", "SKPD", "bersertifikat"]
    assert home.get_by_role("heading", level=1).inner_text().startswith("Sertifikasi SMM ISO 9001:2008")
    assert home.get_by_role("heading", name="Mengapa angka hari ini").is_visible()


def test_home_fits_a_360_pixel_screen(home):
    home.set_viewport_size({"width": 360, "height": 800})
    home.reload()
    assert home.evaluate("document.documentElement.scrollWidth") <= 360
    assert home.get_by_test_id("deadline-figure").is_visible()


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
