"""The load test's own settings and URLconf (scripts/loadtest.py); the load test itself is not a test."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def loadtest_urls(settings):
    settings.ROOT_URLCONF = "bandung_iso.urls_loadtest"


def test_the_floor_answers_ok_through_every_middleware(client, loadtest_urls):
    response = client.get("/_floor")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "Content-Security-Policy" in response  # the middleware ran, as for any page
    assert client.post("/_floor").status_code == 405


def test_the_loadtest_urlconf_keeps_every_portal_url(client, loadtest_urls):
    assert client.get("/healthz").status_code == 200
    assert resolve("/skpd/", urlconf="bandung_iso.urls_loadtest").url_name == "list"


def test_the_floor_is_not_in_the_production_urlconf():
    with pytest.raises(Resolver404):
        resolve("/_floor", urlconf="bandung_iso.urls")
    assert importlib.import_module("bandung_iso.urls_loadtest").handler500 == "bandung_iso.middleware.server_error"


def test_the_loadtest_settings_are_production_with_the_floor():
    """Imported in a fresh interpreter: the production settings refuse to load without a secret key."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.ROOT_URLCONF, s.DEBUG, s.RATELIMIT_CERTIFICATE_CHECK, s.STORAGES['staticfiles']['BACKEND'])"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "bandung_iso.settings.loadtest",
        "DJANGO_SECRET_KEY": "loadtest-test-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "CACHE_URL": "locmemcache://",
    }
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "bandung_iso.urls_loadtest",
        "False",
        "1000000/s",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]
