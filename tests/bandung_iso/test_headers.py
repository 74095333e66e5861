"""Security headers on every public page and the admin's pages, through real requests.

The Content-Security-Policy is compared directive by directive (django-csp does not keep
their order); the browser test (tests/portal/test_csp_browser.py) shows Chromium is content with it.
"""

import json
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from agencies.models import Agency
from tests import pages
from tests.bandung_iso.test_settings import production_env
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'none'"],
}
# The one relaxation: inline styles (Django's, simple-history's and our admin templates' own).
ADMIN_POLICY = {**PUBLIC_POLICY, "style-src": ["'self'", "'unsafe-inline'"]}

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), "
    "usb=(), xr-spatial-tracking=()"
)


def policy(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split(";")]
    parsed = {name: sources for name, *sources in directives}
    assert len(parsed) == len(directives), "a directive appears twice"
    return parsed


def assert_common_headers(response):
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def public_pages():
    call_command("load_initial_agencies", verbosity=0)
    return pages.public_pages()


def test_every_public_page_carries_the_strict_policy_and_the_other_headers(client, public_pages):
    for url in public_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response) == PUBLIC_POLICY, url
        assert_common_headers(response)


def test_public_pages_have_no_inline_style_or_script(client, public_pages):
    """What the strict policy would block: style attributes, <style> blocks, inline or event-handler scripts."""
    for url in public_pages:
        html = client.get(url).content.decode()
        assert not re.search(r"<style\b|\sstyle\s*=", html, re.IGNORECASE), url
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html, re.IGNORECASE), url
        assert not re.search(r"<[^>]*\son[a-z]+\s*=|javascript:", html, re.IGNORECASE), url


def test_error_pages_carry_the_strict_policy(client):
    response = client.get("/skpd/tidak-ada/")
    assert response.status_code == 404
    assert policy(response) == PUBLIC_POLICY
    assert_common_headers(response)


def test_the_admin_login_carries_the_admin_policy(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert policy(response) == ADMIN_POLICY
    assert_common_headers(response)


def test_every_admin_page_carries_the_admin_policy(client):
    call_command("load_initial_agencies", verbosity=0)
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    agency = Agency.objects.order_by("slug").first()
    urls = [
        reverse("admin:index"),
        reverse("admin:certifications_certificate_schedule"),
        reverse("admin:agencies_agency_change", args=[agency.pk]),
        reverse("admin:agencies_agency_history", args=[agency.pk]),
        reverse("admin:agencies_agency_simple_history", args=[agency.pk, agency.history.latest().pk]),
        reverse("admin:jsi18n"),
    ]
    for model in admin.site._registry:
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403), url  # an add page may be refused, the header stays
        assert policy(response) == ADMIN_POLICY, url
        assert_common_headers(response)


def test_the_session_and_csrf_cookies_are_httponly(client):
    UserFactory(username="petugas", password="kata-sandi-uji-12345", is_staff=True)
    client.get(reverse("admin:login"))
    response = client.post(
        reverse("admin:login"), {"username": "petugas", "password": "kata-sandi-uji-12345"}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"]
    assert client.cookies[settings.CSRF_COOKIE_NAME]["httponly"]


PRODUCTION_REQUEST = """
import json
from django.conf import settings
from django.test import Client, override_settings
# Only the static files storage differs: the manifest exists after collectstatic, not here.
storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    response = Client(HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https").get("/admin/login/")
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "session": {name: getattr(settings, name) for name in ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY")},
    "hsts_preload": settings.SECURE_HSTS_PRELOAD,
    "csrf": {k: response.cookies["csrftoken"][k] for k in ("secure", "httponly", "samesite")},
}))
"""


def test_production_adds_hsts_without_preload_and_secure_cookies():
    """A request as nginx passes it (https), through the production settings' middleware, in its own process."""
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "shell", "-c", PRODUCTION_REQUEST],
        cwd=settings.BASE_DIR,
        # One process, one request: its own memory is a cache enough here.
        env=production_env(DJANGO_SECRET_KEY="x" * 60, CACHE_URL="locmemcache://"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 200
    headers = answer["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Content-Security-Policy" in headers and "Permissions-Policy" in headers
    assert headers["Referrer-Policy"] == "same-origin"
    assert answer["csrf"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert answer["session"] == {"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True}
    assert answer["hsts_preload"] is False
