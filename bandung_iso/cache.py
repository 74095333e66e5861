"""The shared cache: the CACHES entry CACHE_URL describes, and what the cache raises when unreachable.

``CACHE_URL=redis://...`` selects django-redis (``django_redis.cache.RedisCache``): one
``redis.Redis`` client per backend over a connection pool per URL shared by the whole process,
``get_many`` as one MGET, and ``incr`` (what the rate limits count with) as one atomic script,
INCRBY only if the key exists. What is left here is what django-redis cannot know: how long the
portal waits for a Redis that does not answer, and the errors the callers treat as "unreachable".
"""

from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

REDIS_BACKEND = "django_redis.cache.RedisCache"
# django-environ reads redis:// as django-redis when it is installed, as Django's own backend
# otherwise: read as django-redis here either way, never switched to another backend unseen.
DJANGO_REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"

# Seconds. Redis answers in well under a millisecond on loopback or the LAN. Without these a
# host that drops packets, or a Redis that hangs, holds each request for the kernel's TCP
# timeout (minutes): every page and every rate limit waits on the cache. A query string in
# CACHE_URL overrides them (redis://host:6379/1?socket_timeout=2).
REDIS_TIMEOUTS = {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}

# What a cache that cannot be reached raises. django-redis re-raises redis-py's own error from
# every cache method (unless IGNORE_EXCEPTIONS, which the portal leaves off: the rate limits and
# /readyz must know); its ConnectionInterrupted wrapper escapes only from its lower-level client.
# OSError: a socket error redis-py does not wrap. The local-memory cache raises none of these.
CACHE_ERRORS = (RedisError, ConnectionInterrupted, OSError)


def cache_entry(entry: dict, *, key_prefix: str) -> dict:
    """A CACHES entry as django-environ reads it from CACHE_URL: django-redis for Redis, with timeouts."""
    entry = {**entry, "KEY_PREFIX": key_prefix}
    if entry["BACKEND"] not in (REDIS_BACKEND, DJANGO_REDIS_BACKEND):
        return entry
    # django-environ upper-cases the URL's options for django-redis, lower-cases them for Django's.
    options = {key.upper(): value for key, value in entry.get("OPTIONS", {}).items()}
    return {**entry, "BACKEND": REDIS_BACKEND, "OPTIONS": {**REDIS_TIMEOUTS, **options}}
