"""Rate limits per client address on the certificate check and the admin login: the 429 page.

Real requests through Django's client and the whole middleware stack. django-ratelimit counts in
fixed windows; the ``clock`` fixture stops its clock so a window never ends in the middle of a
test and the wait the page names is known in advance.
"""

import datetime
import logging
import zlib

import pytest
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import timezone, translation

from bandung_iso import ratelimit
from bandung_iso.roles import Role
from bandung_iso.settings import base
from bandung_iso.settings.base import axes_ipware_settings
from tests.accounts.test_lockout import FORGERIES, nginx
from tests.factories import RoleUserFactory
from tests.ports import free_port
from tests.redis import settings_entry

pytestmark = pytest.mark.django_db

CHECK = "/verifikasi/?nomor=ISO-123%2F2012&per=2013-12-31"
CHECK_EN = "/en/verifikasi/?nomor=ISO-123%2F2012"
LOGIN = "/admin/login/"
HERE, ELSEWHERE = "192.0.2.10", "198.51.100.7"  # documentation addresses (RFC 5737)
PROXY, OUTER_PROXY = "10.0.0.2", "10.0.0.1"
NEVER_CACHED = "max-age=0, no-cache, no-store, must-revalidate, private"
TITLE = "Terlalu banyak permintaan"
TEXT = "Alamat Anda mengirim terlalu banyak permintaan ke halaman ini dalam waktu singkat."
HOUR = 60 * 60
LIMIT = 3
SMALL_LIMITS = override_settings(RATELIMIT_CERTIFICATE_CHECK=f"{LIMIT}/h", RATELIMIT_ADMIN_LOGIN=f"{LIMIT}/h")
BEHIND_ONE_PROXY = override_settings(**axes_ipware_settings(1))
BEHIND_TWO_PROXIES = override_settings(**axes_ipware_settings(2))


class Clock:
    """django-ratelimit's clock, stopped: ``left`` puts it that many seconds before a window's last second."""

    def __init__(self):
        self.now = float(int(timezone.now().timestamp()))

    def time(self) -> float:
        return self.now

    def left(self, seconds: int, *, key: str, period: int = HOUR) -> None:
        # django-ratelimit ends each key's windows at a fixed offset: crc32(key) % period.
        offset = zlib.crc32(key.encode()) % period
        self.now = float((int(self.now) // period + 1) * period + offset - seconds)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("django_ratelimit.core.time", clock)
    return clock


@pytest.fixture(autouse=True)
def _small_limits():
    with SMALL_LIMITS:
        yield


def get(client, url=CHECK, address=HERE, **extra):
    return client.get(url, REMOTE_ADDR=address, **extra)


def use_up(client, url=CHECK, address=HERE, times=LIMIT, **extra):
    responses = [client.get(url, REMOTE_ADDR=address, **extra) for _ in range(times)]
    assert [r.status_code for r in responses] == [200] * times, "below the limit the view answers"
    return responses


def is_429(response) -> bool:
    return response.status_code == 429 and TITLE in response.content.decode()


def jakarta_clock(after_seconds: int) -> set[str]:
    """The wall-clock time in Bandung ``after_seconds`` from now, and a second before (the render is earlier)."""
    now = timezone.now().astimezone(datetime.timezone(datetime.timedelta(hours=7)))
    return {(now + datetime.timedelta(seconds=after_seconds - d)).strftime("%H:%M:%S") for d in (0, 1)}


# The certificate check -----------------------------------------------------------------------------


def test_the_limits_are_settings_with_sane_defaults():
    # What settings/base.py reads when the environment sets nothing (the tests' own limits are smaller).
    assert (base.RATELIMIT_CERTIFICATE_CHECK, base.RATELIMIT_ADMIN_LOGIN) == ("30/m", "10/m")
    with override_settings(RATELIMIT_CERTIFICATE_CHECK="30/m", RATELIMIT_ADMIN_LOGIN="10/m"):
        assert ratelimit.parse_rate(ratelimit.CERTIFICATE_CHECK) == (30, 60)
        assert ratelimit.parse_rate(ratelimit.ADMIN_LOGIN) == (10, 60)


@pytest.mark.parametrize(
    "value, expected", [("30/m", (30, 60)), ("100/5m", (100, 300)), ("1/h", (1, 3600)), (" 2/d ", (2, 86400))]
)
def test_a_rate_is_requests_per_period(value, expected):
    with override_settings(RATELIMIT_CERTIFICATE_CHECK=value):
        assert ratelimit.parse_rate(ratelimit.CERTIFICATE_CHECK) == expected


def test_over_the_limit_the_certificate_check_answers_the_429_page(client, clock):
    clock.left(29, key=HERE)  # the window's last second is 29 s from now: free again in 30
    use_up(client)
    with override_settings(DEBUG=False):
        response = get(client)
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == NEVER_CACHED
    assert "X-Public-Cache" not in response  # refused before the page cache and the view
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert f"<title>{TITLE} · Portal Sertifikasi ISO 9001 Kota Bandung</title>" in html
    assert f"<h1>{TITLE}</h1>" in html
    assert TEXT in html
    assert any(f"Silakan coba lagi dalam 30 detik, pukul {t} WIB." in html for t in jakarta_clock(30))
    # The portal's look (header, menu, footer) and the ways on: the same check again, the dashboard.
    assert '<link rel="stylesheet" href="/static/css/portal.css">' in html
    assert '<nav class="main-nav"' in html
    assert '<footer class="site-footer">' in html
    assert '<a href="/verifikasi/?nomor=ISO-123%2F2012&amp;per=2013-12-31">Coba lagi</a>' in html
    assert '<a href="/">Kembali ke dasbor</a>' in html
    # The public CSP allows no inline style: the page has none.
    assert "style=" not in html
    assert "<style" not in html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_a_long_wait_is_named_in_minutes(client, clock):
    clock.left(1789, key=HERE)
    use_up(client)
    response = get(client)
    assert response["Retry-After"] == "1790"
    html = response.content.decode()
    assert any(f"Silakan coba lagi dalam 30 menit, pukul {t} WIB." in html for t in jakarta_clock(1790))


def test_cached_answers_and_refused_methods_count_too(client):
    first, second = get(client), get(client)
    assert second.get("X-Public-Cache") == "hit", "the same check again comes from the page cache"
    assert first.status_code == second.status_code == 200
    assert client.post(CHECK, REMOTE_ADDR=HERE).status_code == 405  # the third request: refused, counted
    head = client.head(CHECK, REMOTE_ADDR=HERE)
    assert (head.status_code, head.content) == (429, b"")  # a HEAD answer has no body
    assert head["Retry-After"]
    assert is_429(client.post(CHECK, REMOTE_ADDR=HERE))  # over the limit, even a POST gets the 429 page
    assert is_429(get(client, "/verifikasi/"))  # the empty form counts for the same view


def test_another_address_is_not_limited(client):
    use_up(client)
    assert is_429(get(client))
    assert get(client, address=ELSEWHERE).status_code == 200


def test_other_pages_are_not_limited(client):
    use_up(client)
    assert is_429(get(client))
    assert get(client, "/").status_code == 200
    assert get(client, "/upacara/").status_code == 200


def test_the_page_answers_again_when_the_period_ends(client, clock):
    clock.left(44, key=HERE)
    use_up(client)
    assert get(client)["Retry-After"] == "45"
    clock.now += 44
    assert get(client)["Retry-After"] == "1"  # the window's last second
    clock.now += 1  # as Retry-After said
    assert get(client).status_code == 200


@pytest.mark.parametrize("limit", [1, 5])
def test_the_limit_comes_from_the_settings(client, limit):
    with override_settings(RATELIMIT_CERTIFICATE_CHECK=f"{limit}/h"):
        use_up(client, times=limit)
        assert is_429(get(client))


def test_an_ipv6_client_is_counted_by_its_network(client):
    # One host usually owns a whole /64: stepping through it must not reset the count.
    use_up(client, address="2001:db8:1:2::1")
    assert is_429(get(client, address="2001:db8:1:2:ffff:ffff:ffff:ffff"))
    assert get(client, address="2001:db8:1:3::1").status_code == 200


def test_in_english_under_en(client):
    use_up(client, CHECK_EN)
    response = get(client, CHECK_EN)
    assert response.status_code == 429
    html = response.content.decode()
    assert '<html lang="en">' in html
    with translation.override("en"):
        assert f"<h1>{translation.gettext(TITLE)}</h1>" in html
    assert '<a href="/en/">' in html  # the ways on stay in English
    assert 'href="/en/verifikasi/"' in html
    assert '<a href="/en/verifikasi/?nomor=ISO-123%2F2012">' in html


def test_the_429_page_renders_with_the_database_unreachable(client, django_db_blocker):
    use_up(client)
    client.post(LOGIN, {"username": "x", "password": "y"}, REMOTE_ADDR=HERE)
    use_up(client, LOGIN, times=LIMIT - 1)
    with django_db_blocker.block():
        # Any query here would raise: prove that first, so the answers below prove something.
        from agencies.models import Agency

        with pytest.raises(RuntimeError, match="Database access not allowed"):
            Agency.objects.exists()
        for response in (
            get(client),
            get(client, CHECK_EN),  # the English count is the same view's: over the limit too
            client.post(LOGIN, {"username": "x", "password": "y"}, REMOTE_ADDR=HERE),
        ):
            assert response.status_code == 429
            assert response["Retry-After"]
            assert '<link rel="stylesheet" href="/static/css/portal.css">' in response.content.decode()


def test_an_unreachable_cache_lets_the_request_through(client, settings, caplog):
    port = free_port(range(6390, 6400))  # nothing listens there
    settings.CACHES = {"default": settings_entry(f"redis://127.0.0.1:{port}/12")}  # what CACHE_URL makes
    with caplog.at_level(logging.WARNING, logger="bandung_iso.ratelimit"):
        for _ in range(LIMIT + 1):
            assert get(client).status_code == 200
    assert "rate limit RATELIMIT_CERTIFICATE_CHECK not applied, the cache is unreachable: ConnectionError" in (
        caplog.text
    )


# Behind the proxy ---------------------------------------------------------------------------------


def through_proxy(client, forwarded, url=CHECK):
    return client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


@BEHIND_ONE_PROXY
def test_behind_one_proxy_two_clients_are_counted_apart(client):
    for _ in range(LIMIT):
        assert through_proxy(client, nginx(None, HERE)).status_code == 200
    assert is_429(through_proxy(client, nginx(None, HERE)))
    assert through_proxy(client, nginx(None, ELSEWHERE)).status_code == 200
    assert get(client, address=PROXY).status_code == 200  # nor is the proxy's own address counted


@BEHIND_ONE_PROXY
@pytest.mark.parametrize("forgery", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_forged_forwarded_address_does_not_escape_the_limit(client, forgery):
    for i in range(1, LIMIT + 1):
        assert through_proxy(client, nginx(forgery.format(i=i), HERE)).status_code == 200
    assert is_429(through_proxy(client, nginx(forgery.format(i=LIMIT + 1), HERE)))
    # Nor does the forger use up the limit of another client coming through the same proxy.
    assert through_proxy(client, nginx(None, ELSEWHERE)).status_code == 200


@BEHIND_TWO_PROXIES
def test_behind_two_proxies_the_client_is_what_the_outer_proxy_wrote(client):
    for i in range(1, LIMIT + 1):
        through_proxy(client, nginx(nginx(f"203.0.113.{i}", HERE), OUTER_PROXY))
    assert is_429(through_proxy(client, nginx(HERE, OUTER_PROXY)))
    assert through_proxy(client, nginx(ELSEWHERE, OUTER_PROXY)).status_code == 200


def test_without_a_proxy_the_forwarded_header_is_ignored(client):
    assert settings.AXES_IPWARE_META_PRECEDENCE_ORDER == ("REMOTE_ADDR",)  # AXES_PROXY_COUNT=0, the default
    for i in range(1, LIMIT + 1):
        get(client, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert is_429(get(client, HTTP_X_FORWARDED_FOR="203.0.113.99"))


@BEHIND_ONE_PROXY
def test_the_limit_counts_the_address_django_axes_counts(rf):
    request = rf.get(CHECK, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=nginx("203.0.113.9", HERE))
    from axes.helpers import get_client_ip_address

    assert ratelimit.client_address(request) == get_client_ip_address(request) == HERE
    assert ratelimit.client_key("group", request) == HERE


def test_a_request_without_a_usable_address_shares_one_count(rf):
    assert ratelimit.client_key("group", rf.get(CHECK, REMOTE_ADDR="")) == ratelimit.UNKNOWN_CLIENT


# The admin login ------------------------------------------------------------------------------------


def test_the_admin_login_is_limited_on_get_and_post(client):
    assert client.get(LOGIN, REMOTE_ADDR=HERE).status_code == 200
    for _ in range(LIMIT - 1):
        response = client.post(LOGIN, {"username": "staf", "password": "salah"}, REMOTE_ADDR=HERE)
        assert response.status_code == 200  # the form again, with the admin's own error
    response = client.post(LOGIN + "?next=/admin/", {"username": "staf", "password": "salah"}, REMOTE_ADDR=HERE)
    assert is_429(response)
    assert response["Cache-Control"] == NEVER_CACHED
    assert 0 < int(response["Retry-After"]) <= HOUR
    html = response.content.decode()
    assert TEXT in html
    assert '<a href="/admin/login/?next=/admin/">Coba lagi</a>' in html
    assert is_429(client.get(LOGIN, REMOTE_ADDR=HERE))
    assert client.get(LOGIN, REMOTE_ADDR=ELSEWHERE).status_code == 200


@pytest.mark.usefixtures("roles")
def test_the_right_password_is_refused_too_over_the_limit(client):
    staff = RoleUserFactory(role=Role.STAFF, username="staf.program")
    use_up(client, LOGIN)
    response = client.post(
        LOGIN, {"username": staff.username, "password": "correct horse battery staple"}, REMOTE_ADDR=HERE
    )
    assert is_429(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("roles")
def test_staff_already_signed_in_are_not_limited_on_other_admin_pages(client):
    use_up(client, LOGIN)
    assert is_429(get(client, LOGIN))
    client.force_login(RoleUserFactory(role=Role.STAFF))
    for url in ["/admin/", "/admin/certifications/certificate/", "/admin/agencies/agency/"] * 2:
        assert get(client, url).status_code == 200, url


@BEHIND_ONE_PROXY
def test_behind_the_proxy_the_login_limit_follows_the_client(client):
    for _ in range(LIMIT):
        assert through_proxy(client, nginx("203.0.113.1", HERE), url=LOGIN).status_code == 200
    assert is_429(through_proxy(client, nginx("203.0.113.2", HERE), url=LOGIN))
    assert through_proxy(client, nginx(None, ELSEWHERE), url=LOGIN).status_code == 200


def test_the_admin_login_keeps_its_name_and_the_admins_policy(client):
    from django.urls import resolve, reverse

    assert reverse("admin:login") == LOGIN
    assert resolve(LOGIN).func.rate_limit_setting == ratelimit.ADMIN_LOGIN
    response = get(client, LOGIN)
    assert "'unsafe-inline'" in response["Content-Security-Policy"]  # the admin's relaxation still applies


def test_the_admin_login_is_wrapped_once_however_often_urls_is_read():
    from django.contrib import admin

    login = admin.site.login
    ratelimit.limit_admin_login(admin.site)
    assert admin.site.login is login


# Bad settings and the system checks --------------------------------------------------------------


BAD_RATES = ["30", "30/", "abc", "0/m", "30/0m", "30/x", "-1/m", "30 / m", "", None]


@pytest.mark.parametrize("value", BAD_RATES)
def test_a_bad_rate_is_named_by_the_check_and_at_the_request(client, value):
    with override_settings(RATELIMIT_CERTIFICATE_CHECK=value):
        errors = ratelimit.check_rates()
        assert [e.id for e in errors] == ["bandung_iso.ratelimit.E001"]
        assert errors[0].msg.startswith(f"RATELIMIT_CERTIFICATE_CHECK={value!r} is not a rate limit")
        assert "'30/m'" in errors[0].msg  # an example of a good one
        with pytest.raises(ImproperlyConfigured, match="RATELIMIT_CERTIFICATE_CHECK"):
            ratelimit.parse_rate(ratelimit.CERTIFICATE_CHECK)


def test_an_unknown_cache_alias_is_named():
    with override_settings(RATELIMIT_USE_CACHE="limits"):
        errors = ratelimit.check_rates()
    assert [e.id for e in errors] == ["bandung_iso.ratelimit.E002"]
    assert "RATELIMIT_USE_CACHE='limits'" in errors[0].msg


def test_the_checks_are_registered_and_the_cache_one_only_for_deployment():
    ids = {message.id for message in checks.run_checks(tags=[checks.Tags.caches])}
    assert "bandung_iso.ratelimit.W001" not in ids  # local memory is right for one process
    assert not any(i.startswith("django_ratelimit.") for i in ids)  # its own checks are replaced
    deploy = checks.run_checks(tags=[checks.Tags.caches], include_deployment_checks=True)
    assert "bandung_iso.ratelimit.W001" in {message.id for message in deploy}  # the test settings: local memory
    with override_settings(RATELIMIT_CERTIFICATE_CHECK="x"):
        assert "bandung_iso.ratelimit.E001" in {message.id for message in checks.run_checks(tags=["caches"])}


@pytest.mark.parametrize(
    "backend, warned",
    [
        ("django.core.cache.backends.redis.RedisCache", False),
        ("django_redis.cache.RedisCache", False),
        ("django.core.cache.backends.memcached.PyMemcacheCache", False),
        ("django.core.cache.backends.locmem.LocMemCache", True),
        ("django.core.cache.backends.dummy.DummyCache", True),
        ("django.core.cache.backends.db.DatabaseCache", True),
        ("example.cache.Unknown", True),
    ],
)
def test_deployment_wants_a_shared_atomic_cache(backend, warned):
    with override_settings(CACHES={"default": {"BACKEND": backend}}):
        warnings = ratelimit.check_cache()
    assert bool(warnings) is warned
    if warned:
        assert warnings[0].id == "bandung_iso.ratelimit.W001"
        assert backend in warnings[0].msg
        assert "redis://" in warnings[0].hint
