"""The Content-Security-Policy in a real browser: Debian's Chromium reports no violation on any page.

Every public page in both languages, and the admin's main pages as a superuser who logs in through
the login form. Two detectors: Chromium's console ("Refused to ... Content Security Policy") and
the page's own securitypolicyviolation events, recorded by an init script (Playwright runs it
outside the page's policy).
"""

import time
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from agencies.models import Agency
from tests.factories import UserFactory
from tests.pages import public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    const where = `${event.sourceFile}:${event.lineNumber}`;
    window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""
PASSWORD = "kata-sandi-uji-12345"


class Watch:
    """Opens pages and collects what Chromium says about the policies."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.console = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self.heard)

    def heard(self, message):
        if "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            self.console.append(f"{self.page.url}: {message.text}")

    def violations(self) -> list[str]:
        self.page.wait_for_load_state("networkidle")
        return self.console + [f"{self.page.url}: {v}" for v in self.page.evaluate("window.__cspViolations")]

    def open(self, path: str) -> list[str]:
        response = self.page.goto(self.base_url + path)
        assert response.status < 400, (path, response.status)
        assert "content-security-policy" in response.all_headers(), path
        return self.violations()


@pytest.fixture
def watch(live_server, page):
    call_command("load_initial_agencies", verbosity=0)
    return Watch(page, live_server.url)


def test_no_public_page_violates_the_policy(watch):
    violations = []
    for path in public_pages():
        violations += watch.open(path)
    assert violations == []


def test_the_404_page_violates_nothing(watch):
    response = watch.page.goto(watch.base_url + "/skpd/tidak-ada/")
    assert response.status == 404
    assert watch.violations() == []


def test_the_429_page_violates_nothing(watch, settings, monkeypatch):
    settings.RATELIMIT_CERTIFICATE_CHECK = "1/m"
    # django-ratelimit's windows are fixed: its clock stopped, no window ends between the two requests.
    stopped = time.time()
    monkeypatch.setattr("django_ratelimit.core.time", SimpleNamespace(time=lambda: stopped))
    assert watch.open("/verifikasi/") == []
    response = watch.page.goto(watch.base_url + "/en/verifikasi/")
    assert response.status == 429
    assert "Too many requests" in watch.page.content()
    assert watch.violations() == []


def test_the_detector_sees_an_inline_style_on_a_public_page(watch):
    """The test above can fail: a style attribute put into a public page is reported."""
    assert watch.open("/") == []
    watch.page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    assert any("style-src" in line for line in watch.violations())
    assert any("style-src" in line for line in watch.page.evaluate("window.__cspViolations"))


def admin_pages() -> list[str]:
    agency = Agency.objects.order_by("slug").first()
    pages = [
        reverse("admin:index"),
        reverse("admin:certifications_certificate_schedule"),
        reverse("admin:agencies_agency_change", args=[agency.pk]),
        reverse("admin:agencies_agency_history", args=[agency.pk]),
        reverse("admin:agencies_agency_simple_history", args=[agency.pk, agency.history.latest().pk]),
        reverse("admin:agencies_agency_import"),
        reverse("admin:agencies_agency_export"),
    ]
    for model in admin.site._registry:
        opts = model._meta
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if model._meta.model_name in ("certificate", "audit", "finding"):
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    return pages


def test_the_admins_main_pages_violate_nothing(watch):
    UserFactory(username="admin", password=PASSWORD, is_staff=True, is_superuser=True)
    violations = watch.open(reverse("admin:login"))
    watch.page.locator("#id_username").fill("admin")
    watch.page.locator("#id_password").fill(PASSWORD)
    watch.page.locator("#login-form [type=submit]").click()
    watch.page.wait_for_url(watch.base_url + reverse("admin:index"))
    violations += watch.violations()
    for path in admin_pages():
        violations += watch.open(path)
    assert violations == []
