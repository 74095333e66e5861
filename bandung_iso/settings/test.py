"""The test suite: the database comes from DATABASE_URL (SQLite by default)."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-not-for-production"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
# Static files come from the finders (static/), as collectstatic is a deployment step.
WHITENOISE_USE_FINDERS = True
