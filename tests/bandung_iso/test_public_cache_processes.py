"""Two application processes sharing one database and one Redis, as on two hosts.

Two gunicorn processes (production settings, one worker each) serve a scratch database (an
SQLite file, or a scratch PostgreSQL database beside pytest-django's) loaded with the initial
data, and share the Redis on loopback under a key prefix of this test's own. An edit made in
the admin of one is seen at once through the other; so is a rerun of the loader, a third
process that neither server hears from.
"""

import csv
import http.client
import re
import signal
import subprocess
import time
import uuid
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

from tests.bandung_iso.test_serve import manage, production_env, start_gunicorn
from tests.ports import free_port
from tests.redis import REDIS_URL, forget, redis_or_skip

pytestmark = [pytest.mark.django_db, pytest.mark.serve]

ROOT = Path(settings.BASE_DIR)
PORTS = range(8130, 8140)
PASSWORD = "uji-" + "Qm7z" * 6


def first_shipped_agency() -> dict:
    with (ROOT / "data" / "initial" / "agencies.csv").open(encoding="utf-8") as rows:
        return next(csv.DictReader(rows))


@pytest.fixture(scope="module")
def scratch_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """A database of its own: the servers and the loader write to it outside any test transaction."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path_factory.mktemp('processes') / 'portal.sqlite3'}"
        return
    import psycopg2

    name = f"{db['NAME']}_processes"
    server = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    admin = psycopg2.connect(f"{server}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


class Browser:
    """Plain HTTP to one server, keeping cookies as a browser would."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: list | None = None):
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode()
        finally:
            conn.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response, content

    def get(self, path: str):
        return self.request("GET", path)


class FormFields(HTMLParser):
    """The fields a browser would send for the form with ``form_id``, as (name, value) pairs."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self.select = self.textarea = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((attrs["name"], attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea, self.text = attrs["name"], []

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            # A browser drops the one newline that follows <textarea>.
            self.fields.append((self.textarea, "".join(self.text).removeprefix("\n")))
            self.textarea = None


def form_fields(html: str, form_id: str) -> list:
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


@pytest.fixture(scope="module")
def two_servers(scratch_database, tmp_path_factory):
    client = redis_or_skip()
    prefix = f"test-processes-{uuid.uuid4().hex}"
    tmp = tmp_path_factory.mktemp("two")
    env = production_env(
        DATABASE_URL=scratch_database,
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        CACHE_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        GUNICORN_WORKERS="1",
        AXES_PROXY_COUNT="0",  # no proxy in front: the client is REMOTE_ADDR
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    manage("migrate", "--noinput", env=env)
    manage("load_initial_agencies", env=env)
    manage("createsuperuser", "--noinput", "--username", "staf", "--email", "staf@example.org", env=env)
    manage("collectstatic", "--noinput", env=env)

    processes = []
    try:
        for number in (1, 2):
            port = free_port(PORTS)
            logs = (tmp / f"gunicorn-{number}.out", tmp / f"gunicorn-{number}.err")
            processes.append((port, start_gunicorn(port, env, *logs)))
            wait_until_ready(port, processes[-1][1], logs)
        yield env, [port for port, _process in processes]
    finally:
        for _port, process in processes:
            process.send_signal(signal.SIGTERM)
        for _port, process in processes:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
        forget(client, prefix)


def wait_until_ready(port: int, process: subprocess.Popen, logs: tuple[Path, Path]) -> None:
    def log() -> str:
        return "\n".join(path.read_text() for path in logs)

    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log()}")
        try:
            if Browser(port).get("/healthz")[0].status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"gunicorn did not answer on {port}:\n{log()}")
        time.sleep(0.2)


def page(server: Browser, path: str) -> tuple[str, str]:
    response, html = server.get(path)
    assert response.status == 200, (path, html[:500])
    return response.getheader("X-Public-Cache"), html


def kind_totals(dashboard_html: str) -> dict[str, int]:
    """The dashboard's agencies-by-kind table: label -> number of agencies (stored figures)."""
    return {
        label: int(total)
        for label, total in re.findall(
            r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td><td>\d+</td></tr>', dashboard_html
        )
    }


def test_an_edit_through_one_process_is_seen_at_once_through_the_other(two_servers):
    env, (port_a, port_b) = two_servers
    shipped = first_shipped_agency()
    url = f"/skpd/{shipped['slug']}/"
    renamed = shipped["name"] + " (uji dua proses)"
    a, b = Browser(port_a), Browser(port_b)

    # One cache for both: what A rendered, B serves.
    assert page(a, url)[0] == "miss"
    status, html = page(b, url)
    assert status == "hit" and shipped["name"] in html and renamed not in html
    kinds_before = kind_totals(page(b, "/")[1])
    assert kinds_before["Dinas"] >= 1 and "Lainnya" not in kinds_before, kinds_before

    # A member of staff renames the agency in A's admin, through the change form.
    staff = Browser(port_a)
    _response, login = staff.get("/admin/login/?next=/admin/")
    fields = dict(form_fields(login, "login-form"))
    response, _html = staff.request(
        "POST",
        "/admin/login/?next=/admin/",
        [("csrfmiddlewaretoken", fields["csrfmiddlewaretoken"]), ("username", "staf"), ("password", PASSWORD)],
    )
    assert response.status == 302, _html[:2000]
    _response, changelist = staff.get("/admin/agencies/agency/?" + urlencode({"q": shipped["name"]}))
    change_url = re.search(r'href="(/admin/agencies/agency/\d+/change/)[^"]*"', changelist).group(1)
    _response, form_page = staff.get(change_url)
    # Renamed, and moved to another kind: the dashboard's stored figures (agencies by kind)
    # must follow as the page does.
    assert shipped["kind"] == "department"
    fields = [(name, value) for name, value in form_fields(form_page, "agency_form") if name not in ("name", "kind")]
    response, html = staff.request(
        "POST", change_url, [*fields, ("name", renamed), ("kind", "other"), ("address", "keep"), ("_save", "Simpan")]
    )
    assert response.status == 302, re.findall(r'<ul class="errorlist.*?</ul>', html, re.S) or html[:2000]

    # The very next request through B shows it; so does A's.
    status, html = page(b, url)
    assert status == "miss" and renamed in html
    status, html = page(a, url)
    assert status == "hit" and renamed in html
    kinds_after = kind_totals(page(b, "/")[1])
    assert kinds_after["Lainnya"] == 1 and kinds_after.get("Dinas", 0) == kinds_before["Dinas"] - 1, kinds_after

    # The loader, run as a third process with --reset, gives the record the shipped file's values: seen by both.
    manage("load_initial_agencies", "--reset", env=env)
    for server in (a, b):
        _status, html = page(server, url)
        assert renamed not in html and shipped["name"] in html
        assert kind_totals(page(server, "/")[1]) == kinds_before
