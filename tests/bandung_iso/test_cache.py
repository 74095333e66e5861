"""The shared cache (bandung_iso/cache.py): CACHE_URL=redis:// is django-redis, with timeouts.

What the portal relies on, checked on the Redis of REDIS_TEST_URL: one client per process and
thread and one pool per process (no client built per cache call), ``get_many`` in one round
trip, ``incr`` atomic and in one round trip, and an unreachable Redis failing fast with an
error the callers catch (CACHE_ERRORS).
"""

import threading
import time
import uuid

import django_ratelimit
import pytest
import redis
from django.core.cache import caches
from django.test import RequestFactory
from django_ratelimit.core import is_ratelimited
from django_redis import get_redis_connection

from bandung_iso.cache import CACHE_ERRORS, REDIS_TIMEOUTS, cache_entry
from tests.redis import REDIS_URL, commands_seen, forget, redis_or_skip, settings_entry, silent_server

ALIAS = "redis-test"


@pytest.fixture
def redis_cache(settings):
    """The cache the settings build for CACHE_URL=REDIS_URL, as alias ALIAS, under a prefix of its own."""
    client = redis_or_skip()
    prefix = f"test-cache-{uuid.uuid4().hex}"
    settings.CACHES = {**settings.CACHES, ALIAS: settings_entry(REDIS_URL, prefix)}
    yield caches[ALIAS]
    forget(client, prefix)


def raw_key(cache, key: str) -> str:
    return cache.make_key(key)


# The entry CACHE_URL gives ---------------------------------------------------------------------


def test_a_redis_cache_url_is_django_redis_with_timeouts_and_the_prefix():
    entry = settings_entry("redis://127.0.0.1:6379/1", "portal-a")
    assert entry == {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
        "KEY_PREFIX": "portal-a",
        "OPTIONS": REDIS_TIMEOUTS,
    }
    assert 0 < REDIS_TIMEOUTS["SOCKET_CONNECT_TIMEOUT"] <= 1 and 0 < REDIS_TIMEOUTS["SOCKET_TIMEOUT"] <= 1


def test_the_url_s_options_override_the_timeouts():
    entry = settings_entry("rediss://cache.internal:6380/2?socket_timeout=2")
    assert entry["BACKEND"] == "django_redis.cache.RedisCache"
    assert entry["OPTIONS"] == {**REDIS_TIMEOUTS, "SOCKET_TIMEOUT": 2}


def test_django_s_own_redis_backend_is_read_as_django_redis():
    """What django-environ names for redis:// when it cannot find django-redis: never used unseen."""
    django_s = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://h:6379/1",
        "OPTIONS": {"socket_timeout": 3},
    }
    entry = cache_entry(django_s, key_prefix="")
    assert entry["BACKEND"] == "django_redis.cache.RedisCache"
    assert entry["OPTIONS"] == {**REDIS_TIMEOUTS, "SOCKET_TIMEOUT": 3}


def test_other_caches_keep_their_entry_with_the_prefix():
    assert settings_entry("locmemcache://", "p") == {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "",
        "KEY_PREFIX": "p",
    }


# Django's cache behaviour, with one client and one pool ---------------------------------------


def test_django_s_cache_behaviour(redis_cache):
    assert redis_cache.add("k", {"a": 1}, 30) is True
    assert redis_cache.add("k", {"a": 2}, 30) is False
    assert redis_cache.get("k") == {"a": 1}
    redis_cache.set_many({"x": 1, "y": b"\x00"}, 30)
    assert redis_cache.get_many(["x", "y", "z"]) == {"x": 1, "y": b"\x00"}
    redis_cache.delete("x")
    assert redis_cache.get("x") is None
    # The prefix is Django's: prefix:version:key.
    assert redis_or_skip().exists(f"{redis_cache.key_prefix}:1:k")


def test_no_client_is_built_per_cache_call_and_threads_share_one_pool(redis_cache, monkeypatch):
    """Django's own backend built a redis.Redis per call (0.15 ms each with redis-py 8)."""
    redis_cache.get("warm")  # the thread's client, built once
    built = []
    original = redis.Redis.__init__

    def counted(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counted)
    for number in range(20):
        redis_cache.set(f"n{number}", number, 30)
        redis_cache.get_many([f"n{number}", "absent"])
        redis_cache.add(f"a{number}", 0, 30)
        redis_cache.incr(f"a{number}")
    assert built == []

    # Another thread (gunicorn's gthread workers) has a cache object of its own, over the same pool.
    elsewhere = {}
    thread = threading.Thread(target=lambda: elsewhere.update(client=get_redis_connection(ALIAS)))
    thread.start()
    thread.join()
    here = get_redis_connection(ALIAS)
    assert elsewhere["client"] is not here
    assert elsewhere["client"].connection_pool is here.connection_pool


def test_get_many_is_one_round_trip(redis_cache):
    redis_cache.set_many({"version": "v1", "page": {"content": b"<html>"}}, 30)
    with commands_seen(redis_cache.key_prefix) as seen:
        assert redis_cache.get_many(["version", "page"]) == {"version": "v1", "page": {"content": b"<html>"}}
    assert len(seen) == 1 and seen[0].startswith("MGET ")


# incr: what django-ratelimit counts with --------------------------------------------------------


def test_incr_counts_an_existing_key_in_one_round_trip_and_keeps_its_expiry(redis_cache):
    redis_cache.set("n", 1, 60)
    with commands_seen(redis_cache.key_prefix) as seen:
        assert redis_cache.incr("n") == 2
    # One script: EXISTS and INCRBY run by Redis at once, so a key cannot expire between them
    # and come back as a counter without an expiry.
    assert len(seen) == 1 and seen[0].startswith("EVAL ")
    assert redis_cache.incr("n", 5) == 7
    assert redis_cache.get("n") == 7
    assert 0 < redis_or_skip().ttl(raw_key(redis_cache, "n")) <= 60


def test_incr_of_a_missing_key_is_a_value_error_and_creates_nothing(redis_cache):
    with pytest.raises(ValueError, match="not found"):
        redis_cache.incr("missing")
    assert redis_cache.get("missing") is None
    assert not redis_or_skip().exists(raw_key(redis_cache, "missing"))


def test_incr_from_many_threads_loses_no_count(redis_cache):
    redis_cache.set("shared", 0, 60)

    def count():
        for _ in range(200):
            caches[ALIAS].incr("shared")  # each thread's own cache object, as in gunicorn's threads

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert redis_cache.get("shared") == 1600


def test_django_ratelimit_counts_and_limits_through_it_in_at_most_two_round_trips(redis_cache, settings):
    settings.RATELIMIT_USE_CACHE = ALIAS
    request = RequestFactory().get("/verifikasi/", REMOTE_ADDR="203.0.113.9")
    trips = []
    seen = []
    for _ in range(5):
        with commands_seen(redis_cache.key_prefix) as commands:
            seen.append(
                is_ratelimited(
                    request, group="test-cache", key="ip", rate="3/m", method=django_ratelimit.ALL, increment=True
                )
            )
        trips.append(len(commands))
    assert seen == [False, False, False, True, True]
    assert trips == [1, 2, 2, 2, 2]  # SET NX creates the count; after that SET NX, then the EVAL


# A Redis that does not answer ------------------------------------------------------------------


@pytest.fixture
def silent_redis():
    with silent_server() as url:
        yield url


@pytest.mark.parametrize("layer", ["cache", "django-redis client"])
def test_a_redis_that_does_not_answer_fails_fast_with_a_cache_error(settings, silent_redis, layer):
    settings.CACHES = {**settings.CACHES, ALIAS: settings_entry(silent_redis)}
    cache = caches[ALIAS]
    raised = []

    def read():
        try:
            (cache if layer == "cache" else cache.client).get_many(["version", "page"])
        except Exception as error:  # noqa: BLE001 - which one is asserted below
            raised.append(error)

    # In a thread of its own: without a timeout the read would wait for ever, failing nothing.
    reader = threading.Thread(target=read, daemon=True)
    started = time.monotonic()
    reader.start()
    reader.join(timeout=5)
    assert not reader.is_alive(), "a silent Redis held the read for 5 s"
    assert time.monotonic() - started < 2  # SOCKET_TIMEOUT, not the kernel's minutes
    assert len(raised) == 1 and isinstance(raised[0], CACHE_ERRORS), raised


@pytest.mark.parametrize("layer", ["cache", "django-redis client"])
def test_a_refused_connection_is_a_cache_error(settings, layer):
    settings.CACHES = {**settings.CACHES, ALIAS: settings_entry("redis://127.0.0.1:9/0")}  # discard: nobody answers
    cache = caches[ALIAS]
    with pytest.raises(CACHE_ERRORS):
        (cache if layer == "cache" else cache.client).incr("count")
