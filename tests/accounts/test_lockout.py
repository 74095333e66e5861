"""Password guessing on the staff login (django-axes), by real POSTs to /admin/login/."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.test import override_settings

from bandung_iso.roles import Role
from bandung_iso.settings.base import axes_ipware_settings
from tests.factories import RoleUserFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

LOGIN = "/admin/login/"
PASSWORD = "correct horse battery staple"  # tests/factories.py
LIMIT = settings.AXES_FAILURE_LIMIT
LOCKED_TITLE = "Terlalu banyak percobaan masuk"
LOCKED_TEXT = "Akun ini sementara dikunci dari alamat Anda setelah beberapa kali salah sandi."
WRONG_PASSWORD = "sandi yang benar untuk akun staf"  # the admin's own form error, in Indonesian
HERE, ELSEWHERE = "192.0.2.10", "198.51.100.7"  # documentation addresses (RFC 5737)


@pytest.fixture
def staff():
    return RoleUserFactory(role=Role.STAFF, username="staf.program")


def attempt(client, username, password, address=HERE):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address)


def fail(client, username, times, address=HERE):
    return [attempt(client, username, "salah-sandi", address) for _ in range(times)]


def is_lockout_page(response) -> bool:
    return response.status_code == 429 and LOCKED_TITLE in response.content.decode()


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def age_attempts(by: datetime.timedelta) -> None:
    """As if the failures happened ``by`` earlier: the cool-off runs from the last failure."""
    for model in (AccessAttempt, AccessFailureLog):
        for row in model.objects.all():
            model.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - by)


def test_the_settings_are_a_cool_off_per_username_and_address():
    assert LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert settings.AXES_HTTP_RESPONSE_CODE == 429


def test_a_wrong_password_below_the_limit_shows_the_login_form_again(client, staff):
    for response in fail(client, staff.username, LIMIT - 1):
        assert response.status_code == 200
        assert WRONG_PASSWORD in response.content.decode()
    assert AccessAttempt.objects.get().failures_since_start == LIMIT - 1
    assert logged_in(attempt(client, staff.username, PASSWORD))


def test_after_the_limit_even_the_right_password_gets_the_lockout_page(client, staff):
    responses = fail(client, staff.username, LIMIT)
    assert not any(is_lockout_page(r) for r in responses[:-1])
    assert is_lockout_page(responses[-1])  # the failure that reaches the limit locks at once

    response = attempt(client, staff.username, PASSWORD)
    assert is_lockout_page(response)
    page = response.content.decode()
    assert LOCKED_TEXT in page
    assert "Coba lagi dalam 30 menit." in page
    assert "hubungi pengelola portal" in page
    assert '<html lang="id"' in page
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still not logged in


def test_the_lockout_page_names_the_cool_off_in_whole_minutes(client, staff):
    with override_settings(AXES_COOLOFF_TIME=datetime.timedelta(seconds=90)):
        response = fail(client, staff.username, LIMIT)[-1]
    assert "Coba lagi dalam 2 menit." in response.content.decode()


def test_the_lock_holds_for_that_username_and_address_only(client, staff):
    other = RoleUserFactory(role=Role.AUDITOR, username="auditor.satu")
    fail(client, staff.username, LIMIT)
    assert logged_in(attempt(client, other.username, PASSWORD))  # another username, same address
    client.logout()
    assert logged_in(attempt(client, staff.username, PASSWORD, address=ELSEWHERE))  # same username, elsewhere
    client.logout()
    assert is_lockout_page(attempt(client, staff.username, PASSWORD))


def test_the_right_password_works_after_the_cool_off(client, staff):
    fail(client, staff.username, LIMIT)
    age_attempts(datetime.timedelta(minutes=29))
    assert is_lockout_page(attempt(client, staff.username, PASSWORD))  # refreshes the cool-off

    age_attempts(datetime.timedelta(minutes=31))
    assert logged_in(attempt(client, staff.username, PASSWORD))
    assert not AccessAttempt.objects.exists()


def test_a_failure_during_the_lockout_starts_the_cool_off_again(client, staff):
    fail(client, staff.username, LIMIT)
    age_attempts(datetime.timedelta(minutes=20))
    assert is_lockout_page(attempt(client, staff.username, "salah-sandi"))
    age_attempts(datetime.timedelta(minutes=20))  # 40 minutes after the fifth failure, 20 after the last try
    assert is_lockout_page(attempt(client, staff.username, PASSWORD))


@override_settings(AXES_COOLOFF_TIME=datetime.timedelta(minutes=2))
def test_a_shorter_cool_off_from_the_settings_is_honoured(client, staff):
    fail(client, staff.username, LIMIT)
    age_attempts(datetime.timedelta(minutes=1))
    assert is_lockout_page(attempt(client, staff.username, PASSWORD))
    age_attempts(datetime.timedelta(minutes=3))
    assert logged_in(attempt(client, staff.username, PASSWORD))


def test_a_success_resets_the_failure_count(client, staff):
    fail(client, staff.username, LIMIT - 1)
    assert logged_in(attempt(client, staff.username, PASSWORD))
    client.logout()
    assert not AccessAttempt.objects.exists()
    responses = fail(client, staff.username, LIMIT - 1)
    assert not any(is_lockout_page(r) for r in responses)
    assert logged_in(attempt(client, staff.username, PASSWORD))


def test_an_unknown_username_is_locked_the_same_way(client):
    responses = fail(client, "tidak.ada", LIMIT)
    assert is_lockout_page(responses[-1])  # the page does not tell whether the account exists


def test_the_password_is_never_stored_in_the_attempt_records(client, staff):
    fail(client, staff.username, 2)
    attempt(client, staff.username, PASSWORD)
    for row in AccessAttempt.objects.all():
        assert "salah-sandi" not in row.post_data
        assert PASSWORD not in row.post_data
    assert AccessLog.objects.filter(username=staff.username).exists()


# django-axes' own records in the admin ----------------------------------------------------------

AXES_PAGES = ["/admin/axes/accessattempt/", "/admin/axes/accessfailurelog/", "/admin/axes/accesslog/"]


@pytest.mark.parametrize("url", AXES_PAGES)
def test_a_superuser_reads_the_login_records(client, staff, url):
    fail(client, staff.username, LIMIT)
    attempt(client, "auditor.lain", PASSWORD)  # unknown account: a failure, logged by name
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(url)
    assert response.status_code == 200
    if url == "/admin/axes/accessattempt/":
        assert staff.username in response.content.decode()


def test_failures_are_counted_per_username_and_address_without_a_failure_log(client, staff):
    # AXES_ENABLE_ACCESS_FAILURE_LOG is off: one AccessAttempt row per username and address
    # holds the count that locks; a success deletes it (AXES_RESET_ON_SUCCESS).
    fail(client, staff.username, 2)
    fail(client, staff.username, 1, address=ELSEWHERE)
    counts = {(a.username, a.ip_address): a.failures_since_start for a in AccessAttempt.objects.all()}
    assert counts == {(staff.username, HERE): 2, (staff.username, ELSEWHERE): 1}
    assert not AccessFailureLog.objects.exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.AUDITOR, Role.REPRESENTATIVE])
@pytest.mark.parametrize("url", AXES_PAGES)
def test_roles_do_not_see_the_login_records(client, role, url):
    client.force_login(RoleUserFactory(role=role))
    assert client.get(url).status_code == 403
    assert "/admin/axes/" not in client.get("/admin/").content.decode()


def test_a_superuser_unlocks_by_deleting_the_attempt(client, staff):
    fail(client, staff.username, LIMIT)
    admin = UserFactory(is_staff=True, is_superuser=True)
    admin_client = client.__class__()
    admin_client.force_login(admin)
    record = AccessAttempt.objects.get(username=staff.username)
    response = admin_client.post(f"/admin/axes/accessattempt/{record.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert logged_in(attempt(client, staff.username, PASSWORD))


# Behind the proxy ------------------------------------------------------------------------------

PROXY, OUTER_PROXY = "10.0.0.2", "10.0.0.1"
BEHIND_ONE_PROXY = override_settings(**axes_ipware_settings(1))
BEHIND_TWO_PROXIES = override_settings(**axes_ipware_settings(2))


def through_proxy(client, username, password, forwarded):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def nginx(sent: str | None, address: str) -> str:
    """X-Forwarded-For as nginx's $proxy_add_x_forwarded_for passes it on."""
    return f"{sent}, {address}" if sent else address


@BEHIND_ONE_PROXY
def test_behind_one_proxy_the_lock_follows_the_client_not_the_proxy(client, staff):
    for _ in range(LIMIT):
        through_proxy(client, staff.username, "salah-sandi", nginx(None, HERE))
    assert AccessAttempt.objects.get().ip_address == HERE
    assert is_lockout_page(through_proxy(client, staff.username, PASSWORD, nginx(None, HERE)))
    # The staff member, from another address through the same proxy, still logs in.
    assert logged_in(through_proxy(client, staff.username, PASSWORD, nginx(None, ELSEWHERE)))


# What a client may send in its own X-Forwarded-For, a different value on each try. The last
# two are quoting tricks that ipware's modern algorithm reads as the client's own address.
FORGERIES = {
    "an address": "203.0.113.{i}",
    "several addresses": "203.0.113.{i}, 198.51.100.{i}",
    "not an address": "bukan-alamat-{i}, 203.0.113.{i}",
    "an RFC 7239 element with an open quote": 'for=203.0.113.{i};x="',
    "an open quote": '"203.0.113.{i}',
}


@BEHIND_ONE_PROXY
@pytest.mark.parametrize("forgery", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_forged_forwarded_address_does_not_escape_the_lock(client, staff, forgery):
    for i in range(1, LIMIT + 1):
        through_proxy(client, staff.username, "salah-sandi", nginx(forgery.format(i=i), HERE))
    assert list(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [(HERE, LIMIT)]
    forged = nginx(forgery.format(i=LIMIT + 1), HERE)
    assert is_lockout_page(through_proxy(client, staff.username, PASSWORD, forged))
    # Nor does the forger lock out the staff member coming through the same proxy.
    assert logged_in(through_proxy(client, staff.username, PASSWORD, nginx(None, ELSEWHERE)))


@BEHIND_TWO_PROXIES
def test_behind_two_proxies_the_client_is_what_the_outer_proxy_wrote(client, staff):
    for i in range(1, LIMIT + 1):
        # The outer proxy appends the client; the inner one appends the outer proxy.
        through_proxy(client, staff.username, "salah-sandi", nginx(nginx(f"203.0.113.{i}", HERE), OUTER_PROXY))
    assert AccessAttempt.objects.get().ip_address == HERE
    assert is_lockout_page(through_proxy(client, staff.username, PASSWORD, nginx(HERE, OUTER_PROXY)))
    assert logged_in(through_proxy(client, staff.username, PASSWORD, nginx(ELSEWHERE, OUTER_PROXY)))


@BEHIND_ONE_PROXY
@pytest.mark.parametrize("forwarded", ["", "bukan-alamat"])
def test_a_missing_or_garbled_forwarded_header_falls_back_to_the_peer(client, staff, forwarded):
    for _ in range(LIMIT):
        through_proxy(client, staff.username, "salah-sandi", forwarded)
    assert AccessAttempt.objects.get().ip_address == PROXY


def test_without_a_proxy_the_forwarded_header_is_ignored(client, staff):
    assert settings.AXES_IPWARE_META_PRECEDENCE_ORDER == ("REMOTE_ADDR",)  # AXES_PROXY_COUNT=0, the default
    for i in range(1, LIMIT + 1):
        client.post(
            LOGIN,
            {"username": staff.username, "password": "salah-sandi", "next": "/admin/"},
            REMOTE_ADDR=HERE,
            HTTP_X_FORWARDED_FOR=nginx(f"203.0.113.{i}", ELSEWHERE),
        )
    assert AccessAttempt.objects.get().ip_address == HERE
    assert is_lockout_page(attempt(client, staff.username, PASSWORD))
    assert logged_in(attempt(client, staff.username, PASSWORD, address=ELSEWHERE))
