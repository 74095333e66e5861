"""A database outage: the 503 page in the visitor's language, without the database, and recovery.

In-process (SQLite and PostgreSQL): the request's connection is swapped for one that cannot
connect (an SQLite file in a directory that does not exist, a PostgreSQL port nobody listens
on), so every query raises Django's OperationalError as in a real outage.

For real (PostgreSQL only): gunicorn runs the portal in a process of its own, with persistent
connections checked before reuse as in production, talking to PostgreSQL through a TCP proxy
written here. The test cuts the proxy (the listening socket and every open connection), asks,
restores it and asks again, the same gunicorn process throughout.
"""

import contextlib
import http.client
import os
import re
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.utils import InterfaceError, OperationalError, ProgrammingError
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import translation

from bandung_iso.middleware import DatabaseOutageMiddleware, server_error
from tests.factories import AgencyFactory, UserFactory
from tests.ports import free_port

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
POSTGRESQL = connection.vendor == "postgresql"
NOBODY_LISTENS = 8129  # one of this test file's ports, never bound
SERVER_PORTS = range(8120, 8124)
PROXY_PORTS = range(8124, 8128)

TITLE_ID = "Data sedang tidak tersedia"
TEXT_ID = "Data portal untuk sementara tidak dapat dibaca. Silakan coba lagi sebentar lagi."
TITLE_EN = "Data temporarily unavailable"
TEXT_EN = "The portal cannot read its data at the moment. Please try again shortly."


# The database unreachable, in this process ------------------------------------------------------


def unreachable_settings(tmp_path: Path) -> dict:
    if connection.vendor == "sqlite":
        return {"NAME": str(tmp_path / "no-such-directory" / "db.sqlite3")}
    return {"HOST": "127.0.0.1", "PORT": str(NOBODY_LISTENS)}


@contextlib.contextmanager
def database_unreachable(tmp_path: Path):
    """Every new connection to "default" fails, and this thread's connection is one of them.

    The test's own connection (inside the test's transaction) is put aside, not closed, and
    comes back afterwards. Other threads (django-health-check runs its check in one) share the
    settings dict, so they connect to the unreachable place too until it is restored.
    """
    unreachable = unreachable_settings(tmp_path)
    original = connections["default"]
    shared = original.settings_dict
    saved = {key: shared[key] for key in unreachable}
    broken = type(original)({**shared, **unreachable}, "default")
    shared.update(unreachable)
    connections._connections.default = broken
    try:
        yield
    finally:
        connections._connections.default = original
        shared.update(saved)
        broken.close()


def test_the_unreachable_database_really_is_unreachable(tmp_path):
    """The fixture above is what the tests below stand on: prove a query fails in it, and only in it."""
    from agencies.models import Agency

    AgencyFactory()
    with database_unreachable(tmp_path), pytest.raises(OperationalError):
        Agency.objects.count()
    assert Agency.objects.count() == 1


# The 503 page -----------------------------------------------------------------------------------


def assert_503_page(response, language: str) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.DATABASE_OUTAGE_RETRY_AFTER)
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert '<link rel="stylesheet" href="/static/css/portal.css">' in html
    assert '<header class="site-header">' in html
    assert '<main id="content"' in html
    title, text = (TITLE_EN, TEXT_EN) if language == "en" else (TITLE_ID, TEXT_ID)
    assert f"<h1>{title}</h1>" in html
    assert f"<p>{text}</p>" in html
    home = "/en/" if language == "en" else "/"
    assert f'<a class="brand" href="{home}">' in html
    # Nothing of the failure reaches the visitor. The random request id is left out of the
    # search: its hex digits may spell the port number by chance.
    shown = re.sub(r"<code>[A-Za-z0-9-]+</code>", "", html)
    for leak in ("Traceback", "OperationalError", "unable to open", "connection to server", f":{NOBODY_LISTENS}"):
        assert leak not in shown
    assert f"port {NOBODY_LISTENS}" not in shown and f"{NOBODY_LISTENS}" not in shown
    return html


@pytest.mark.parametrize(("language", "home"), [("id", "/"), ("en", "/en/")])
def test_the_503_template_renders_without_the_database(django_db_blocker, language, home):
    with django_db_blocker.block():
        from agencies.models import Agency

        with pytest.raises(RuntimeError, match="Database access not allowed"):
            Agency.objects.exists()
        with translation.override(language):
            html = render_to_string("503.html", {"home_url": home, "retry_url": "/skpd/?q=a&b=<x>"})
    assert f'<html lang="{language}">' in html
    assert f"<h1>{TITLE_EN if language == 'en' else TITLE_ID}</h1>" in html
    assert 'href="/skpd/?q=a&amp;b=&lt;x&gt;"' in html  # the address is escaped


@pytest.fixture
def agency():
    return AgencyFactory(name="Dinas Uji Gangguan", slug="dinas-uji-gangguan")


PAGES = ["/", "/skpd/", "/skpd/dinas-uji-gangguan/", "/verifikasi/?nomor=ISO-1", "/upacara/", "/tentang-data/"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", ["id", "en"])
def test_every_public_page_answers_503_in_the_visitors_language_and_recovers(
    client, agency, tmp_path, page, language, settings
):
    settings.PUBLIC_CACHE_TIMEOUT = 0  # nothing kept: every request needs the database
    url = "/en" + page if language == "en" else page
    assert client.get(url).status_code == 200
    with database_unreachable(tmp_path):
        response = client.get(url)
        html = assert_503_page(response, language)
        assert f'<a href="{url.replace("&", "&amp;")}">' in html  # "try again" is this very page
        assert client.head(url).status_code == 503
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", ["id", "en"])
def test_a_page_in_the_cache_is_served_during_an_outage(client, agency, tmp_path, page, language):
    """What the cache holds is still served; a page it does not hold is the 503 page; then recovery."""
    url = "/en" + page if language == "en" else page
    kept = client.get(url)
    assert kept["X-Public-Cache"] == "miss"
    elsewhere = url + ("&" if "?" in url else "?") + "halaman=2"  # another address: not in the cache
    with database_unreachable(tmp_path):
        served = client.get(url)
        assert served.status_code == 200
        assert served["X-Public-Cache"] == "hit"
        assert served.content == kept.content
        assert client.head(url).status_code == 200
        assert_503_page(client.get(elsewhere), language)
    assert client.get(elsewhere).status_code == 200


def test_staff_get_the_503_page_even_for_a_page_in_the_cache(staff_client, agency, tmp_path):
    """Staff are never served from the cache: during an outage they learn that the data is unavailable."""
    visitor = Client()
    assert visitor.get("/skpd/")["X-Public-Cache"] == "miss"
    with database_unreachable(tmp_path):
        assert visitor.get("/skpd/").status_code == 200
        assert_503_page(staff_client.get("/skpd/"), "id")


@pytest.mark.parametrize("page", ["/admin/", "/admin/agencies/agency/", "/admin/certifications/certificate/"])
def test_the_admin_answers_503_in_indonesian_and_recovers(staff_client, agency, tmp_path, page):
    assert staff_client.get(page).status_code == 200
    with database_unreachable(tmp_path):
        assert_503_page(staff_client.get(page), "id")
        # A form sent during the outage: the page offers no link that would send it again.
        response = staff_client.post("/admin/agencies/agency/add/", {"name": "x"})
        html = assert_503_page(response, "id")
        assert "Coba lagi" not in html
    assert staff_client.get(page).status_code == 200


def test_the_admin_login_answers_503_when_it_cannot_check_the_password(client, tmp_path):
    UserFactory(username="staf", is_staff=True)
    with database_unreachable(tmp_path):
        response = client.post("/admin/login/?next=/admin/", {"username": "staf", "password": "salah"})
    assert_503_page(response, "id")


def test_other_database_errors_are_not_an_outage():
    """Only "cannot reach the database" is a 503: a broken query stays a 500, to be fixed, not waited out."""
    middleware = DatabaseOutageMiddleware(lambda request: None)
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, ProgrammingError("relation does not exist")) is None
    assert middleware.process_exception(request, RuntimeError("boom")) is None
    assert middleware.process_exception(request, OperationalError("could not connect")).status_code == 503


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), InterfaceError("closed")])
def test_an_outage_outside_a_view_is_the_503_page_too(error):
    """handler500 sees the exception being handled: an outage there (a session saved on the way out) is a 503."""
    request = RequestFactory().get("/en/skpd/")
    with translation.override("en"):
        try:
            raise error
        except type(error):
            response = server_error(request)
    assert_503_page(response, "en")


def test_anything_else_outside_a_view_is_the_500_page():
    request = RequestFactory().get("/")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = server_error(request)
    assert response.status_code == 500
    assert "<h1>Terjadi kesalahan di server</h1>" in response.content.decode()


# The real thing: gunicorn, a TCP proxy, PostgreSQL ---------------------------------------------


class Proxy:
    """A TCP proxy on 127.0.0.1:port to target; cut() closes the listener and every connection."""

    def __init__(self, port: int, target: tuple[str, int]):
        self.port, self.target = port, target
        self.listener: socket.socket | None = None
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.connections = 0

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                ready, _, _ = select.select([listener], [], [], 0.1)
                if not ready:
                    continue
                client, _ = listener.accept()
            except (OSError, ValueError):  # closed by cut()
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets |= {client, upstream}
                self.connections += 1
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.listener.close()
        with self.lock:
            for end in self.sockets:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
            self.sockets.clear()

    def restore(self) -> None:
        self.start()


class Server:
    def __init__(self, port: int, process: subprocess.Popen):
        self.port, self.process = port, process

    def get(self, path: str, cookie: str = "") -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            conn.close()


@pytest.fixture
def proxied_server(transactional_db, tmp_path):
    """gunicorn (one sync worker, persistent connections) reaching the test database through the proxy."""
    db = connection.settings_dict
    proxy = Proxy(free_port(PROXY_PORTS), (db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    proxy.start()
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    url = f"postgres://{auth}@127.0.0.1:{proxy.port}/{db['NAME']}?CONN_MAX_AGE=600&CONN_HEALTH_CHECKS=True"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_")) and k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE=settings.SETTINGS_MODULE, DATABASE_URL=url)  # the tests' own settings
    port = free_port(SERVER_PORTS)
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - our own application, fixed arguments
            [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1", "bandung_iso.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(port, process)
    try:
        for _ in range(300):  # up to 30 s for gunicorn to start
            assert process.poll() is None, log.read_text()
            with contextlib.suppress(OSError):
                if server.get("/healthz")[0] == 200:
                    break
            time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start:\n" + log.read_text())
        yield server, proxy
    finally:
        process.terminate()
        process.wait(timeout=30)
        with contextlib.suppress(OSError):
            proxy.cut()


@pytest.mark.skipif(not POSTGRESQL, reason="the proxy stands between Django and PostgreSQL")
def test_cut_the_database_off_and_bring_it_back(proxied_server, client):
    server, proxy = proxied_server
    AgencyFactory(name="Dinas Uji Gangguan", slug="dinas-uji-gangguan")
    client.force_login(UserFactory(username="staf", is_staff=True, is_superuser=True))
    staff = f"sessionid={client.cookies['sessionid'].value}"
    pages = [
        ("/", "", "id"),
        ("/skpd/dinas-uji-gangguan/", "", "id"),
        ("/en/skpd/", "", "en"),
        ("/admin/", staff, "id"),
        ("/admin/agencies/agency/", staff, "id"),
    ]

    def ask_everything() -> dict:
        return {path: server.get(path, cookie) for path, cookie, _language in pages}

    answers = ask_everything()
    assert {path: answer[0] for path, answer in answers.items()} == {path: 200 for path, _c, _l in pages}
    assert "Dinas Uji Gangguan" in answers["/skpd/dinas-uji-gangguan/"][2]
    assert proxy.connections == 1  # every page on one persistent connection, as in production
    assert server.get("/readyz")[0] == 200  # its check opens a connection of its own
    opened = proxy.connections

    kept = {path: answers[path][2] for path, cookie, _language in pages if not cookie}  # anonymous: in the cache
    never_asked = [("/tentang-data/", "", "id"), ("/en/tentang-data/", "", "en")]

    proxy.cut()
    for _round in range(2):  # the first request finds the persistent connection dead, the next finds none
        answers = ask_everything()
        # The public pages in the cache are still served, unchanged, without the database.
        for path, html in kept.items():
            status, headers, body = answers[path]
            assert (status, headers["X-Public-Cache"], body) == (200, "hit", html), path
        # Everything else is the 503 page: staff pages, and public pages the cache does not hold.
        for path, cookie, language in [*[page for page in pages if page[1]], *never_asked]:
            status, headers, html = answers[path] if cookie else server.get(path)
            assert status == 503, (path, html)
            assert headers["Retry-After"] == str(settings.DATABASE_OUTAGE_RETRY_AFTER)
            assert "no-store" in headers["Cache-Control"]
            assert f'<html lang="{language}">' in html
            assert f"<h1>{TITLE_EN if language == 'en' else TITLE_ID}</h1>" in html
            assert "Traceback" not in html
            assert "connection" not in html.lower()
    assert server.get("/healthz")[0] == 200  # alive: nothing restarts it
    status, _headers, body = server.get("/readyz")
    assert (status, body) == (
        503,
        '{"status": "unavailable", "failed": ["database"], "checks": {"database": "unavailable", "cache": "ok"}}',
    )

    proxy.restore()
    answers = ask_everything()
    assert proxy.connections == opened + 1  # the dead persistent connection replaced by one new one
    assert {path: answer[0] for path, answer in answers.items()} == {path: 200 for path, _c, _l in pages}
    assert "Dinas Uji Gangguan" in answers["/skpd/dinas-uji-gangguan/"][2]
    assert server.get("/readyz")[0] == 200
    assert server.process.poll() is None  # the same process, never restarted
