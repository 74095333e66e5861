"""The production settings plus a trivial view, for `make loadtest` (scripts/loadtest.py) only.

Never deployed: the floor view lives in its own URLconf, so the production URLconf stays as it
is. Everything else is production's, read from the same environment.
"""

from .production import *  # noqa: F403

# The real URLs and /_floor, a view that answers "ok": Django's floor under the same gunicorn.
ROOT_URLCONF = "bandung_iso.urls_loadtest"

# The load comes from one loopback address, which the per-address limits (meant for one
# visitor) would answer with 429 after a few dozen requests. High enough never to trigger,
# while the limiter still runs and its cache round trip is still measured.
RATELIMIT_CERTIFICATE_CHECK = "1000000/s"
RATELIMIT_ADMIN_LOGIN = "1000000/s"
