"""The Redis cache backend (bandung_iso/cache.py): Django's, with a client per pool and a one-trip incr."""

import threading
import uuid

import django_ratelimit
import pytest
from django.test import RequestFactory
from django_ratelimit.core import is_ratelimited

from bandung_iso.cache import RedisCache, with_our_redis
from tests.redis import REDIS_URL, forget, redis_or_skip


@pytest.fixture
def redis_cache():
    client = redis_or_skip()
    prefix = f"test-cache-{uuid.uuid4().hex}"
    yield RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    forget(client, prefix)


def test_cache_url_selects_this_backend_for_redis_only():
    django_redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://h:6379/1"}
    assert with_our_redis(django_redis) == {**django_redis, "BACKEND": "bandung_iso.cache.RedisCache"}
    locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": ""}
    assert with_our_redis(locmem) == locmem


def test_a_redis_cache_url_reads_as_django_s_backend_which_the_settings_replace():
    # The test settings force local memory; this is the line base.py and production.py run.
    import environ

    entry = with_our_redis(environ.Env.cache_url_config("redis://127.0.0.1:6379/1"))
    assert entry["BACKEND"] == "bandung_iso.cache.RedisCache"


def test_one_client_per_pool_and_django_s_behaviour_otherwise(redis_cache):
    assert redis_cache._cache.get_client() is redis_cache._cache.get_client(write=True)
    assert redis_cache.add("k", {"a": 1}, 30) is True
    assert redis_cache.add("k", {"a": 2}, 30) is False
    assert redis_cache.get("k") == {"a": 1}
    redis_cache.set_many({"x": 1, "y": b"\x00"}, 30)
    assert redis_cache.get_many(["x", "y", "z"]) == {"x": 1, "y": b"\x00"}
    redis_cache.delete("x")
    assert redis_cache.get("x") is None


def test_incr_counts_an_existing_key_and_keeps_its_expiry(redis_cache):
    redis_cache.set("n", 1, 60)
    assert redis_cache.incr("n") == 2
    assert redis_cache.incr("n", 5) == 7
    assert redis_cache.get("n") == 7
    client = redis_cache._cache.get_client()
    assert 0 < client.ttl(redis_cache.make_key("n")) <= 60


def test_incr_of_a_missing_key_is_a_value_error_and_creates_nothing(redis_cache):
    with pytest.raises(ValueError, match="not found"):
        redis_cache.incr("missing")
    assert redis_cache.get("missing") is None
    assert not redis_cache._cache.get_client().exists(redis_cache.make_key("missing"))


def test_incr_from_many_threads_through_one_client_loses_no_count(redis_cache):
    redis_cache.set("shared", 0, 60)

    def count():
        for _ in range(200):
            redis_cache.incr("shared")

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert redis_cache.get("shared") == 1600


def test_django_ratelimit_counts_and_limits_through_it(redis_cache, settings):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit-test": {
            "BACKEND": "bandung_iso.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": redis_cache.key_prefix,
        },
    }
    settings.RATELIMIT_USE_CACHE = "ratelimit-test"
    request = RequestFactory().get("/verifikasi/", REMOTE_ADDR="203.0.113.9")
    seen = [
        is_ratelimited(request, group="test-cache", key="ip", rate="3/m", method=django_ratelimit.ALL, increment=True)
        for _ in range(5)
    ]
    assert seen == [False, False, False, True, True]
