"""Development on one machine: `make run`."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Only for the developer's own machine; production refuses to start without a real key.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-local-development-only")
