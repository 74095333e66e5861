"""/healthz (the process answers, no database) and /readyz (the database and the cache answer)."""

import asyncio
import contextlib
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db.utils import OperationalError
from django.urls import reverse
from django.utils import translation

from tests.bandung_iso.test_outage import database_unreachable
from tests.redis import settings_entry, silent_server

pytestmark = pytest.mark.django_db

NEVER_CACHED = "max-age=0, no-cache, no-store, must-revalidate, private"


# /healthz ---------------------------------------------------------------------------------------


def test_healthz_answers_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == NEVER_CACHED


def test_healthz_answers_with_the_database_unreachable(client, tmp_path):
    from agencies.models import Agency

    with database_unreachable(tmp_path):
        with pytest.raises(OperationalError):
            Agency.objects.exists()
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503  # the same moment, the other probe


def test_healthz_answers_with_the_database_blocked(client, django_db_blocker):
    with django_db_blocker.block():
        response = client.get("/healthz")
    assert response.status_code == 200


# /readyz ----------------------------------------------------------------------------------------


def test_readyz_answers_200_when_the_database_and_the_cache_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert response["Cache-Control"] == NEVER_CACHED


@pytest.mark.parametrize("accept", ["text/html", "text/plain", "application/atom+xml"])
def test_readyz_is_json_whatever_the_client_accepts(client, accept):
    response = client.get("/readyz", HTTP_ACCEPT=accept)
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["status"] == "ok"


def test_readyz_names_the_database_when_it_does_not_answer(client, tmp_path):
    with database_unreachable(tmp_path):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "status": "unavailable",
        "failed": ["database"],
        "checks": {"database": "unavailable", "cache": "ok"},
    }
    assert response["Cache-Control"] == NEVER_CACHED
    # The reason (host, port, file) is for the log, not for whoever asks.
    assert b"127.0.0.1" not in response.content
    assert b"no-such-directory" not in response.content
    assert client.get("/readyz").status_code == 200  # and ready again once it answers


@pytest.fixture
def broken_cache(settings, tmp_path):
    """A real file cache whose directory cannot exist (its parent is a file): every write fails."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(blocker / "c")}
    }
    from django.core.cache import cache

    with pytest.raises(OSError):
        cache.set("probe", 1)


def test_readyz_names_the_cache_when_it_does_not_answer(client, broken_cache):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "failed": ["cache"],
        "checks": {"database": "ok", "cache": "unavailable"},
    }


@pytest.mark.parametrize("redis", ["refused", "silent"])
def test_readyz_names_a_redis_that_does_not_answer(client, settings, caplog, redis):
    """The cache CACHE_URL=redis:// makes (django-redis): its errors are the check's, never a page's hang."""
    with contextlib.ExitStack() as stack:
        url = "redis://127.0.0.1:9/0" if redis == "refused" else stack.enter_context(silent_server())
        settings.CACHES = {"default": settings_entry(url)}
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="health_check"):
            response = client.get("/readyz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "failed": ["cache"],
        "checks": {"database": "ok", "cache": "unavailable"},
    }
    assert elapsed < 3, elapsed  # SOCKET_TIMEOUT, well before the check's own 5 s budget
    # django-health-check knew the error for a cache's (Redis's), not an unexpected one.
    assert "Unexpected exception" not in caplog.text
    assert "Health check Cache" in caplog.text and "failed" in caplog.text


def test_readyz_names_both_when_neither_answers(client, broken_cache, tmp_path):
    with database_unreachable(tmp_path):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["failed"] == ["database", "cache"]


# Both -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_head_answers_without_a_body(client, url):
    response = client.head(url)
    assert response.status_code == 200
    assert response.content == b""
    assert response["Cache-Control"] == NEVER_CACHED


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_only_get_and_head(client, url, method):
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_they_stand_outside_the_language_prefix(client):
    with translation.override("en"):
        assert (reverse("healthz"), reverse("readyz")) == ("/healthz", "/readyz")
    assert client.get("/en/healthz").status_code == 404


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_the_https_redirect_leaves_them_alone(client, settings, url):
    """Production redirects http to https; the load balancer asks over plain http inside the network."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get(url).status_code == 200


def test_readyz_answers_while_an_event_loop_runs_in_the_thread(client):
    """As after a Playwright test, or under an async server: the checks get a loop of their own.

    The request is made from inside a running loop, in a thread of its own so that the test
    does not depend on whether an earlier test left a loop running in this one.
    """

    async def ask():
        return client.get("/readyz")

    with ThreadPoolExecutor(max_workers=1) as pool:
        response = pool.submit(asyncio.run, ask()).result()
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
