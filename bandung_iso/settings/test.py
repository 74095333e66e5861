"""The test suite: the database comes from DATABASE_URL (SQLite by default)."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-not-for-production"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
# Static files come from the finders (static/), as collectstatic is a deployment step.
WHITENOISE_USE_FINDERS = True
# The suite runs with the public page cache on (so a page left stale by a write fails the test
# that made it), in this process's memory: the live server's thread shares it, and a test never
# touches a Redis that someone else uses. The shared-cache tests bring their own Redis
# (tests/bandung_iso/test_public_cache.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
