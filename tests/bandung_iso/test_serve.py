"""`make serve`'s stack for real: gunicorn with deploy/gunicorn.conf.py and the production settings.

gunicorn runs as a subprocess on a free port in 8110-8119 against a migrated database (a
scratch SQLite file, or pytest-django's PostgreSQL test database when DATABASE_URL names
PostgreSQL) and collected static files in a scratch STATIC_ROOT; the test speaks plain HTTP
to it (DJANGO_SECURE_SSL_REDIRECT=false, as no TLS proxy stands in front).
"""

import gzip
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tests.ports import free_port
from tests.redis import REDIS_URL

ROOT = Path(settings.BASE_DIR)
PORTS = range(8110, 8120)
# The server reads the test database; pytest-django creates it only for marked modules.
pytestmark = [pytest.mark.django_db, pytest.mark.serve]

SECRET = "serve-test-" + "k7Pq2" * 10
RUN_PREFIX = f"test-serve-{uuid.uuid4().hex}"


def database_url(tmp_path: Path) -> str:
    """A migrated database the server process can reach, outside the test's transaction."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.postgresql":
        # pytest-django's test database, migrated already; the tests here write nothing to it.
        auth = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"], safe="")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    # SQLite tests run in memory, which another process cannot see: a scratch file instead.
    return f"sqlite:///{tmp_path / 'serve.sqlite3'}"


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_")) and k != "DATABASE_URL"}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "bandung_iso.settings.production",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "GUNICORN_WORKERS": "2",
        # The shared cache production requires, under a prefix of this run: a page kept by an
        # earlier run (another scratch database) is never read.
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": RUN_PREFIX,
        **extra,
    }


def manage(*args: str, env: dict) -> None:
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


class Server:
    def __init__(self, port: int, process: subprocess.Popen, stdout: Path, stderr: Path, static_root: Path):
        self.port, self.process, self.stdout, self.stderr, self.static_root = port, process, stdout, stderr, static_root

    def get(self, path: str, headers: dict | None = None) -> tuple[http.client.HTTPResponse, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()

    def logs(self) -> str:
        return self.stdout.read_text() + "\n--- stderr ---\n" + self.stderr.read_text()


def start_gunicorn(port: int, env: dict, stdout: Path, stderr: Path) -> subprocess.Popen:
    """gunicorn as `make serve` runs it (deploy/gunicorn.conf.py), on 127.0.0.1:port."""
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        "deploy/gunicorn.conf.py",
        "-b",
        f"127.0.0.1:{port}",
        "bandung_iso.wsgi:application",
    ]
    with stdout.open("wb") as out, stderr.open("wb") as err:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)  # noqa: S603


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    static_root = tmp / "static"
    env = production_env(DATABASE_URL=database_url(tmp), DJANGO_STATIC_ROOT=str(static_root))
    if env["DATABASE_URL"].startswith("sqlite"):
        manage("migrate", "--noinput", env=env)
    manage("collectstatic", "--noinput", env=env)

    port = free_port(PORTS)
    stdout, stderr = tmp / "stdout.log", tmp / "stderr.log"
    process = start_gunicorn(port, env, stdout, stderr)
    served = Server(port, process, stdout, stderr, static_root)
    try:
        # Wait until the port answers, or the process dies (bad config, bad settings).
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}:\n{served.logs()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not listen on {port}:\n{served.logs()}")
                time.sleep(0.2)
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_dashboard_is_served_in_indonesian(server):
    response, body = server.get("/")
    assert response.status == 200, server.logs()
    page = body.decode()
    assert '<html lang="id">' in page
    assert "SKPD" in page
    # Production settings: the security headers are there, DEBUG is off (no debug page).
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("X-Content-Type-Options") == "nosniff"


def test_a_hashed_static_file_is_served_compressed_with_a_long_cache(server):
    manifest = json.loads((server.static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/portal.css"]
    assert hashed != "css/portal.css"
    original = (ROOT / "static" / "css" / "portal.css").read_bytes()

    response, body = server.get(f"/static/{hashed}")
    assert response.status == 200
    assert body == original
    assert "max-age=315360000" in response.getheader("Cache-Control")
    assert "immutable" in response.getheader("Cache-Control")

    response, body = server.get(f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in response.getheader("Vary")
    assert gzip.decompress(body) == original

    # The unhashed name is not served with the long cache (it would never change).
    response, _ = server.get("/static/css/portal.css")
    assert "immutable" not in (response.getheader("Cache-Control") or "")


def test_the_admin_asks_for_a_login(server):
    response, _ = server.get("/admin/")
    assert response.status == 302
    assert response.getheader("Location").startswith("/admin/login/")


def test_each_request_reaches_the_access_log_on_stdout(server):
    marker = "/skpd/?q=access-log-" + str(server.port)
    response, _ = server.get(marker, headers={"X-Forwarded-For": "203.0.113.7"})
    assert response.status == 200
    # gunicorn writes the access line after the response; give the worker a moment to flush.
    deadline = time.monotonic() + 10
    while f'"GET {marker} HTTP/1.1" 200' not in server.stdout.read_text():
        assert time.monotonic() < deadline, server.logs()
        time.sleep(0.1)
    line = next(line for line in server.stdout.read_text().splitlines() if marker in line)
    assert 'xff="203.0.113.7"' in line
    assert f"rid={response.headers['X-Request-ID']}" in line  # the id on the portal's own log lines
    # Access lines go to stdout only; stderr holds gunicorn's own messages.
    assert marker not in server.stderr.read_text()
    assert "Booting worker" in server.stderr.read_text()
    # deploy/gunicorn.conf.py keeps gunicorn's per-user control socket off (see there).
    assert "Control socket" not in server.stderr.read_text()
