"""Rate limits per client address on the certificate check and the admin login, with a 429 page.

Every request (GET, HEAD, POST, anything) to a limited view counts against the client's address
for that view; over the limit the view does not run and the visitor gets the 429 page, in their
language, saying when to try again (``Retry-After`` too), never cached and rendered without the
database. The limits are settings (``RATELIMIT_CERTIFICATE_CHECK``, ``RATELIMIT_ADMIN_LOGIN``,
"requests/period", read from the environment in settings/base.py).

The client's address is the one django-axes counts for the login lockout: the same function, with
the same AXES_PROXY_COUNT / ipware settings, so behind the proxy the limit follows the client, not
the proxy, and a forged X-Forwarded-For prefix changes nothing. An IPv6 client is counted by its
/64 network, as one host usually owns a whole /64 and could otherwise step through it.

The counts are django-ratelimit's fixed windows in the default cache: Redis in production, so
every worker and host counts together. A cache that cannot be reached lets the request through
(logged): the certificate check stays available and the login keeps django-axes' lockout.

``RateLimitConfig`` installs django-ratelimit with this module's system checks instead of its own
(see ``check_cache``).
"""

import functools
import ipaddress
import logging
import math
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django_ratelimit import ALL
from django_ratelimit.apps import DjangoRatelimitConfig
from django_ratelimit.core import get_usage

from bandung_iso.cache import CACHE_ERRORS  # what an unreachable cache raises

logger = logging.getLogger("bandung_iso.ratelimit")

# The settings that hold a limit, each for one view.
CERTIFICATE_CHECK = "RATELIMIT_CERTIFICATE_CHECK"
ADMIN_LOGIN = "RATELIMIT_ADMIN_LOGIN"
LIMIT_SETTINGS = (CERTIFICATE_CHECK, ADMIN_LOGIN)

# The page names the time in WIB, so it is computed in Bandung's zone whatever TIME_ZONE says.
BANDUNG = ZoneInfo("Asia/Jakarta")
IPV6_PREFIX = 64
UNKNOWN_CLIENT = "unknown"

_PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
_RATE = re.compile(r"(?P<count>[0-9]+)/(?P<multiplier>[0-9]*)(?P<unit>[smhd])")


def parse_rate(setting: str) -> tuple[int, int]:
    """``settings.<setting>`` as (requests, seconds); a value that is not "N/period" names the setting."""
    value = getattr(settings, setting, None)
    match = _RATE.fullmatch(value.strip()) if isinstance(value, str) else None
    count = int(match["count"]) if match else 0
    multiplier = int(match["multiplier"] or 1) if match else 0
    if not match or count < 1 or multiplier < 1:
        raise ImproperlyConfigured(
            f"{setting}={value!r} is not a rate limit: write requests/period with a period of s, m, h or d "
            f"and whole numbers from 1, e.g. '30/m' (30 a minute) or '100/5m' (100 in five minutes)."
        )
    return count, multiplier * _PERIODS[match["unit"]]


def client_address(request) -> str | None:
    """The client's address as django-axes resolves it (AXES_PROXY_COUNT, ipware): one rule for both."""
    # Imported here: this module is loaded with the app registry (RateLimitConfig), axes' models are not yet.
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


def client_key(group: str, request) -> str:
    """django-ratelimit's key: the client's address, an IPv6 one by its /64 network."""
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        # No usable address at all (a misconfigured socket in front): one shared count, never a free pass.
        return UNKNOWN_CLIENT
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False).network_address)
    return str(ip)


def seconds_to_wait(request, setting: str) -> int | None:
    """Count this request; the seconds until the window ends when it is over the limit, else None."""
    rate = parse_rate(setting)
    try:
        usage = get_usage(request, group=setting, key=client_key, rate=rate, method=ALL, increment=True)
    except CACHE_ERRORS as error:
        logger.warning("rate limit %s not applied, the cache is unreachable: %s", setting, type(error).__name__)
        return None
    if usage is None or not usage["should_limit"]:  # None: RATELIMIT_FAIL_OPEN, or RATELIMIT_ENABLE off
        return None
    # django-ratelimit's window still holds at its last second (time_left 0): the first second
    # that is free is one after it.
    return max(0, usage["time_left"]) + 1


def too_many_requests(request, retry_after: int) -> HttpResponse:
    """The 429 page. Rendered without the request, so no context processor runs: no query, no session."""
    retry_at = (timezone.now() + timedelta(seconds=retry_after)).astimezone(BANDUNG)
    html = render_to_string(
        "429.html",
        {
            "retry_after": retry_after,
            "retry_minutes": math.ceil(retry_after / 60),
            "retry_at": retry_at.strftime("%H:%M:%S"),
            "home_url": reverse("portal:home"),  # /en/ while English is active
            # A link opens the page again (a GET): the check with its number, the login form.
            "retry_url": request.get_full_path(),
        },
    )
    response = HttpResponse(html, status=429)
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)  # never kept by the page cache, a browser or the proxy
    return response


def rate_limited(setting: str):
    """Limit every request to the view, per client address, to the rate in ``settings.<setting>``.

    Put it outermost, above ``@require_safe`` and any cache decorator: a refused method and a
    page served from the cache count too.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            retry_after = seconds_to_wait(request, setting)
            if retry_after is not None:
                return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        wrapped.rate_limit_setting = setting
        return wrapped

    return decorator


def limit_admin_login(site) -> None:
    """Wrap ``site.login`` in the admin login limit; call it before ``site.urls`` is read.

    The admin's URLs route ``login/`` to ``site.login``, so the page keeps its URL name, namespace
    (the admin's CSP) and django-axes' lockout; the other admin pages are not limited.
    """
    if getattr(site.login, "rate_limit_setting", None) != ADMIN_LOGIN:  # once, however often urls is imported
        site.login = rate_limited(ADMIN_LOGIN)(site.login)


# System checks ---------------------------------------------------------------------------------

# Backends whose add and incr are shared by every process and atomic, so a count holds across
# workers and hosts. django-redis, what CACHE_URL=redis:// selects, is one (SET NX; EXISTS and
# INCRBY in one script). Django's own Redis backend (SET NX; EXISTS, then INCRBY) is shared
# too; django-ratelimit 4.1.0 predates it and would warn that it is "not officially supported".
SHARED_ATOMIC_BACKENDS = {
    "django_redis.cache.RedisCache",
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
}
NOT_SHARED_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache": "counts in each process apart",
    "django.core.cache.backends.dummy.DummyCache": "keeps no count at all",
    "django.core.cache.backends.filebased.FileBasedCache": "cannot count atomically",
    "django.core.cache.backends.db.DatabaseCache": "cannot count atomically",
}


def check_rates(app_configs=None, **kwargs) -> list:
    """Each limit setting is a rate: a typo is named before the first request meets it."""
    errors = []
    for setting in LIMIT_SETTINGS:
        try:
            parse_rate(setting)
        except ImproperlyConfigured as error:
            errors.append(checks.Error(str(error), id="bandung_iso.ratelimit.E001"))
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    if alias not in settings.CACHES:
        errors.append(
            checks.Error(
                f"RATELIMIT_USE_CACHE={alias!r} is not a cache in CACHES ({', '.join(settings.CACHES)}).",
                id="bandung_iso.ratelimit.E002",
            )
        )
    return errors


def check_cache(app_configs=None, **kwargs) -> list:
    """Deployment: the counts are shared by every worker and host, or a limit is worth little.

    Only under ``check --deploy``: on a developer's machine and in the tests one process with the
    local-memory cache is right, where django-ratelimit's own check calls it an error.
    """
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    if alias not in settings.CACHES:
        return []  # check_rates names it
    backend = settings.CACHES[alias]["BACKEND"]
    if backend in SHARED_ATOMIC_BACKENDS:
        return []
    reason = NOT_SHARED_BACKENDS.get(backend, "is not known to count atomically across processes")
    return [
        checks.Warning(
            f"The rate limits' cache {alias!r} ({backend}) {reason}: with several workers or hosts a "
            f"client gets the limit once per process.",
            hint="Set CACHE_URL to the shared Redis, e.g. redis://127.0.0.1:6379/1.",
            id="bandung_iso.ratelimit.W001",
        )
    ]


class RateLimitConfig(DjangoRatelimitConfig):
    """django-ratelimit as an installed app, with the checks above instead of its own."""

    def ready(self):
        checks.register(check_rates, checks.Tags.caches)
        checks.register(check_cache, checks.Tags.caches, deploy=True)
