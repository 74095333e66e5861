"""Logs: one line per event on stdout with the request id; the 500 and 503 pages show that id.

The lines are read from the handler the settings configure (its stream swapped for a buffer), so
the filter and the formatter under test are the project's own; one test runs a real process and
reads its stdout. This module is also the URLconf of the tests that need a crashing view.
"""

import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import path

from bandung_iso import urls as site_urls
from bandung_iso.middleware import server_error
from tests.bandung_iso.test_outage import database_unreachable
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
NEW_ID = re.compile(r"[0-9a-f]{32}")
# "time level logger request_id message": a line that does not start so was forged or broken off.
LINE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+ [\w-]+ \S")
CRASH = "rusak di sini\nFAKE 2026-01-01T00:00:00+0700 ERROR palsu"


def probe_crash(request):
    raise RuntimeError(CRASH)


def probe_ok(request):
    return HttpResponse("ok")


urlpatterns = [
    path("uji/rusak/", probe_crash),
    path("uji/baik/", probe_ok),
    *site_urls.urlpatterns,
]
handler500 = site_urls.handler500


@pytest.fixture
def log_lines():
    """The lines the configured stdout handler writes during the test."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "stdout")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield lambda: stream.getvalue().splitlines()
    finally:
        handler.setStream(previous)


def assert_all_well_formed(lines: list[str]) -> None:
    assert lines
    for line in lines:
        assert LINE.match(line), line


# The id ------------------------------------------------------------------------------------------


def test_every_response_carries_a_new_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert NEW_ID.fullmatch(first)
    assert NEW_ID.fullmatch(second)
    assert first != second


@pytest.mark.parametrize("incoming", ["6b1f0c9e2d7a4c3b8e5f1a2b3c4d5e6f", "abcd-1234", "A" * 64])
def test_a_token_from_the_proxy_is_kept(client, incoming):
    assert client.get("/healthz", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["abcd1234\nFAKE", "abcd1234\r", "A" * 65, "short", "with spaces in it", "<script>1</script>", "abcd_1234", ""],
)
def test_anything_else_from_outside_is_replaced(client, incoming):
    answered = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"]
    assert answered != incoming
    assert NEW_ID.fullmatch(answered)


# 500 and 503 -------------------------------------------------------------------------------------


@pytest.mark.urls("tests.bandung_iso.test_logging")
def test_a_500_is_one_line_with_the_id_and_the_page_shows_it(log_lines):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "kue-sesi-rahasia"
    posted = {"password": "sandi-rahasia", "nama": "Budi"}
    response = client.post("/uji/rusak/", posted, HTTP_X_REQUEST_ID="kejadian-500")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "kejadian-500"
    html = response.content.decode()
    assert "<p>Kode kejadian: <code>kejadian-500</code></p>" in html
    assert CRASH not in html
    lines = log_lines()
    assert_all_well_formed(lines)  # the line break in the exception forged nothing
    mine = [line for line in lines if " kejadian-500 " in line]
    assert len(mine) == 1, lines
    line = mine[0]
    assert " ERROR django.request kejadian-500 Internal Server Error: /uji/rusak/ | Traceback" in line
    assert "RuntimeError: rusak di sini\\nFAKE 2026-01-01T00:00:00+0700 ERROR palsu" in line
    output = "\n".join(lines)
    for secret in ("sandi-rahasia", "kue-sesi-rahasia", "Budi", "WSGIRequest", "HTTP_COOKIE"):
        assert secret not in output


@pytest.mark.parametrize(("url", "language"), [("/skpd/", "id"), ("/en/skpd/", "en")])
def test_a_503_is_one_line_with_the_id_and_the_page_shows_it(client, tmp_path, log_lines, url, language):
    with database_unreachable(tmp_path):
        response = client.get(url, HTTP_X_REQUEST_ID="kejadian-503")
    assert response.status_code == 503
    assert response["X-Request-ID"] == "kejadian-503"
    assert f'<html lang="{language}">' in response.content.decode()
    assert ": <code>kejadian-503</code></p>" in response.content.decode()
    lines = log_lines()
    assert_all_well_formed(lines)
    mine = [line for line in lines if " kejadian-503 " in line]
    assert len(mine) == 1, lines  # the outage warning, not Django's "Service Unavailable" as well
    assert " WARNING bandung_iso.outage kejadian-503 database unavailable, answered 503: OperationalError " in mine[0]


def test_the_503_page_names_the_id_in_indonesian(client, tmp_path):
    with database_unreachable(tmp_path):
        html = client.get("/skpd/", HTTP_X_REQUEST_ID="kejadian-503").content.decode()
    assert "<p>Kode kejadian: <code>kejadian-503</code></p>" in html


def test_handler500_passes_the_id_to_the_page():
    request = RequestFactory().get("/")
    request.request_id = "dari-handler-500"
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = server_error(request)
    assert response.status_code == 500
    assert "<p>Kode kejadian: <code>dari-handler-500</code></p>" in response.content.decode()


# Escaping and what is never logged ---------------------------------------------------------------


def test_user_text_cannot_forge_a_line(log_lines):
    logging.getLogger("portal.search").warning("pencarian: %s", "a\nFAKE LINE\r\x1b[31m\u2028\t")
    lines = log_lines()
    assert len(lines) == 1
    assert lines[0].endswith(" WARNING portal.search - pencarian: a\\nFAKE LINE\\r\\x1b[31m\\u2028\\t")


def test_a_line_break_in_the_address_is_escaped(client, log_lines):
    response = client.get("/x%0AFAKE%1B[2J", HTTP_X_REQUEST_ID="alamat-aneh")
    assert response.status_code == 404
    lines = log_lines()
    assert_all_well_formed(lines)
    expected = " WARNING django.request alamat-aneh Not Found: /x\\nFAKE\\x1b[2J"
    assert any(line.endswith(expected) for line in lines), lines


def test_a_staff_login_logs_neither_password_nor_username_nor_session(client, log_lines):
    UserFactory(username="staf-bernama", is_staff=True, password="sandi-benar-123")  # noqa: S106
    failed = client.post("/admin/login/?next=/admin/", {"username": "staf-bernama", "password": "sandi-salah-456"})
    assert failed.status_code == 200
    done = client.post("/admin/login/?next=/admin/", {"username": "staf-bernama", "password": "sandi-benar-123"})
    assert done.status_code == 302
    lines = log_lines()
    assert_all_well_formed(lines)
    ids = {failed["X-Request-ID"], done["X-Request-ID"]}
    # django-axes did log both attempts, each under its request's id ...
    assert {line.split(" ")[3] for line in lines if "AXES:" in line} >= ids
    output = "\n".join(lines)
    # ... and nothing of who, from where, or with what.
    session = client.cookies["sessionid"].value
    for secret in ("sandi-salah-456", "sandi-benar-123", "staf-bernama", "127.0.0.1", session):
        assert secret not in output


# The real process --------------------------------------------------------------------------------


def test_a_process_writes_one_line_per_event_to_stdout_at_the_configured_level():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_LOG_LEVEL"}
    env.update(DJANGO_SETTINGS_MODULE=settings.SETTINGS_MODULE, DJANGO_LOG_LEVEL="warning")
    code = (
        "import django, logging; django.setup(); log = logging.getLogger('portal.uji'); "
        "log.info('tidak tampil'); log.warning('%s', 'baris\\nkedua'); log.error('galat')"
    )
    result = subprocess.run(  # noqa: S603 - our own settings, fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert_all_well_formed(lines)
    assert [line.split(" ", 1)[1] for line in lines] == [
        "WARNING portal.uji - baris\\nkedua",
        "ERROR portal.uji - galat",
    ]
