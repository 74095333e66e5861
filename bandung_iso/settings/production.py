"""Production: gunicorn behind a TLS-terminating proxy, PostgreSQL from DATABASE_URL."""

from .base import *  # noqa: F403
from .base import axes_ipware_settings, cache_entry, env

# No default: without DJANGO_SECRET_KEY in the environment, startup fails with
# ImproperlyConfigured instead of running with a guessable key.
SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = False

# No default either: with several workers and hosts, a cache per process would show an edit on
# one and a stale page on the next, and count rate limits apart. Redis, e.g.
# CACHE_URL=redis://127.0.0.1:6379/1 (see docs/operations.md, "The page cache").
CACHES = {"default": cache_entry(env.cache("CACHE_URL"), key_prefix=env("CACHE_KEY_PREFIX", default=""))}

DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# HSTS preload is a commitment the city has not taken yet (it is hard to undo), so the
# check that recommends it is silenced on purpose rather than by accident.
SECURE_HSTS_PRELOAD = False
SILENCED_SYSTEM_CHECKS = ["security.W021"]
X_FRAME_OPTIONS = "DENY"
# Referrer-Policy, Cross-Origin-Opener-Policy, CSP and HttpOnly cookies: base.py, "Security headers".

# The documented deployment: one nginx in front, appending to X-Forwarded-For. Wrong here
# means one lock for every client (count too low) or a forgeable address (count too high).
vars().update(axes_ipware_settings(env.int("AXES_PROXY_COUNT", default=1)))
