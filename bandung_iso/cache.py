"""Django's own Redis cache backend, with two of its costs removed.

Measured under gunicorn (docs/benchmarks.md): a page served from the cache spent more time
building redis-py clients than talking to Redis.

- Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every call, and
  redis-py 8 fills some 170 response callbacks into each one: about 0.15 ms per cache call,
  several per request. A client only borrows a connection from its pool for each command and
  may be shared between threads (redis-py's documentation), so one client per pool is kept.
- Django's ``incr`` is EXISTS then INCRBY: two round trips, and a key that expires between
  them comes back without an expiry. django-ratelimit counts every request with ``incr``; here
  it is one script run by Redis at once, with the same ValueError for a missing key.

Everything else is Django's backend as is. ``CACHE_URL=redis://...`` selects it (settings).
"""

from django.core.cache.backends import redis as django_redis

# INCRBY only a key that exists; nil otherwise. One round trip, atomic in Redis.
INCR_EXISTING = "if redis.call('exists', KEYS[1]) == 1 then return redis.call('incrby', KEYS[1], ARGV[1]) end"


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client

    def incr(self, key, delta):
        value = self.get_client(key, write=True).eval(INCR_EXISTING, 1, key, delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


def with_our_redis(entry: dict) -> dict:
    """A CACHES entry as django-environ reads it from CACHE_URL, with this backend for Django's Redis one."""
    if entry["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        return {**entry, "BACKEND": "bandung_iso.cache.RedisCache"}
    return entry
