"""The shared cache of public pages (bandung_iso/public_cache.py), on Redis, and never stale.

Every test here uses the Redis on 127.0.0.1:6379 (REDIS_TEST_URL), under a key prefix of its
own so that concurrent runs never meet; under CI=true an unreachable Redis fails the test
instead of skipping it. The rest of the suite runs with the page cache on too, in local memory.
"""

import datetime
import logging
import time
import uuid

import pytest
import redis
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.utils import timezone

from agencies.models import Agency
from bandung_iso import public_cache
from bandung_iso.public_cache import STATUS_HEADER, current_version, public_page
from bandung_iso.signals import SignallingQuerySet
from certifications.models import Audit, Ceremony, Certificate, CertificationBody, Finding, Programme, Standard
from tests.factories import (
    AgencyFactory,
    AuditFactory,
    CeremonyFactory,
    CertificateFactory,
    CertificationBodyFactory,
    FindingFactory,
    ProgrammeFactory,
    StandardFactory,
    UserFactory,
)
from tests.redis import REDIS_URL, commands_seen, forget, redis_or_skip, settings_entry, silent_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(settings):
    """The default cache as CACHE_URL=redis:// makes it (django-redis), under a key prefix used by this test only."""
    client = redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": settings_entry(REDIS_URL, prefix)}
    assert type(caches["default"]).__module__ == "django_redis.cache"
    yield prefix
    forget(client, prefix)


def get(client, url: str, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, url
    return response


def fetched_twice(client, url: str):
    """The page once rendered and kept, then once from the cache; both the same."""
    first = get(client, url)
    second = get(client, url)
    assert (first[STATUS_HEADER], second[STATUS_HEADER]) == ("miss", "hit")
    assert second.content == first.content
    return second


# Kept, and keyed by everything that changes a page -------------------------------------------


def test_a_public_page_is_kept_and_served_from_redis(client, shared_cache):
    AgencyFactory(name="Dinas Uji Simpan", slug="dinas-uji-simpan")
    kept = fetched_twice(client, "/skpd/dinas-uji-simpan/")
    assert "Dinas Uji Simpan" in kept.content.decode()
    assert kept["Content-Type"] == "text/html; charset=utf-8"
    # Browsers and proxies must ask again: only this cache knows when the data changed.
    assert kept["Cache-Control"] == "no-cache"
    # A HEAD shares the GET's entry.
    assert client.head("/skpd/dinas-uji-simpan/")[STATUS_HEADER] == "hit"
    stored = redis.Redis.from_url(REDIS_URL).keys(f"{shared_cache}:*public-page:*")
    assert len(stored) == 1


def test_a_changed_page_replaces_its_entry_and_a_hit_is_one_round_trip(client, shared_cache):
    AgencyFactory(name="Dinas Pertama")
    fetched_twice(client, "/skpd/")
    AgencyFactory(name="Dinas Kedua")
    assert get(client, "/skpd/")[STATUS_HEADER] == "miss"
    # One entry per address, whatever the number of writes: the old version is overwritten.
    assert len(redis.Redis.from_url(REDIS_URL).keys(f"{shared_cache}:*public-page:*")) == 1
    # A hit reads the version and the page together (one MGET), nothing else.
    with commands_seen(shared_cache) as seen:
        hit = get(client, "/skpd/")
    assert hit[STATUS_HEADER] == "hit" and "Dinas Kedua" in hit.content.decode()
    assert len(seen) == 1 and seen[0].startswith("MGET "), seen


def test_a_page_from_the_cache_runs_no_query(client, shared_cache, django_assert_num_queries):
    AgencyFactory.create_batch(3)
    get(client, "/skpd/")
    with django_assert_num_queries(0):
        assert get(client, "/skpd/")[STATUS_HEADER] == "hit"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("/", "/en/"),  # the language
        ("/skpd/", "/skpd/?q=uji"),  # the parameters
        ("/skpd/?q=uji", "/skpd/?q=lain"),
        ("/", "/?per=2013-12-31"),  # the as-of date
        ("/verifikasi/?nomor=ISO-1", "/verifikasi/?nomor=ISO-2"),
    ],
)
def test_pages_that_differ_are_kept_apart(client, shared_cache, first, second):
    AgencyFactory(name="Dinas Uji")
    get(client, first)
    assert get(client, second)[STATUS_HEADER] == "miss"
    assert get(client, first)[STATUS_HEADER] == "hit"


def test_the_language_comes_from_the_address_never_from_the_visitor(client, shared_cache):
    """A page kept for one visitor's language is never served to another visitor in another."""
    english = get(client, "/en/tentang-data/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in english.content.decode()
    client.cookies["django_language"] = "en"
    indonesian = get(client, "/tentang-data/", HTTP_ACCEPT_LANGUAGE="en")
    assert indonesian[STATUS_HEADER] == "miss"
    assert '<html lang="id">' in indonesian.content.decode()
    again = get(client, "/en/tentang-data/", HTTP_ACCEPT_LANGUAGE="id")
    assert again[STATUS_HEADER] == "hit" and '<html lang="en">' in again.content.decode()


def test_a_new_day_is_a_new_page(client, shared_cache, monkeypatch):
    """The dashboard's "today" moves at midnight in Bandung with no write: the key carries the date."""
    get(client, "/")
    assert get(client, "/")[STATUS_HEADER] == "hit"
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert get(client, "/")[STATUS_HEADER] == "miss"


# Never carrying one visitor's things to the next -----------------------------------------------


@pytest.mark.parametrize("url", ["/", "/skpd/", "/verifikasi/", "/upacara/", "/tentang-data/", "/en/"])
def test_a_kept_page_carries_no_token_no_cookie_no_session(client, shared_cache, url):
    kept = fetched_twice(client, url)
    html = kept.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert not kept.cookies
    assert "Cookie" not in kept.get("Vary", "")
    assert "sessionid" not in html


def test_vary_is_the_same_from_the_cache_and_never_cookie_for_visitors(client, shared_cache):
    """The language is in the address: /en/ varies on nothing; Django's LocaleMiddleware still names
    Accept-Language on the unprefixed address (over-cautious, harmless). No page varies on Cookie:
    a signed-in member of staff is shown the very same page, only never kept."""
    for url, vary in (("/", "Accept-Language"), ("/en/", None), ("/skpd/", "Accept-Language")):
        miss, hit = get(client, url), get(client, url)
        assert (miss.get("Vary"), hit.get("Vary")) == (vary, vary), url
    visitor = get(client, "/en/").content
    client.force_login(UserFactory(is_staff=True))
    staff = get(client, "/en/")
    assert staff[STATUS_HEADER] == "bypass"
    assert staff.content == visitor
    assert "Cookie" not in staff.get("Vary", "")


def test_staff_get_pages_uncached_and_private(client, shared_cache):
    agency = AgencyFactory(name="Dinas Uji Staf", slug="dinas-uji-staf")
    fetched_twice(client, "/skpd/dinas-uji-staf/")
    client.force_login(UserFactory(is_staff=True))
    for _ in range(2):
        response = get(client, "/skpd/dinas-uji-staf/")
        assert response[STATUS_HEADER] == "bypass"
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    # Nothing a signed-in visitor was shown is kept for the others.
    Agency.objects.filter(pk=agency.pk).update(name="Dinas Uji Staf Baru")
    client.logout()
    assert "Dinas Uji Staf Baru" in get(client, "/skpd/dinas-uji-staf/").content.decode()


def kept_by(view) -> bool:
    """Whether public_page keeps what ``view`` answers: asked twice, is the second a hit?"""
    from django.contrib.sessions.backends.db import SessionStore

    wrapped = public_page(view)
    path = f"/uji-{uuid.uuid4().hex}/"
    answers = []
    for _ in range(2):
        request = RequestFactory().get(path)
        request.session = SessionStore()  # as SessionMiddleware leaves it: not read yet
        answers.append(wrapped(request)[STATUS_HEADER])
    return answers == ["miss", "hit"]


@pytest.mark.parametrize(
    ("reason", "view"),
    [
        ("a CSRF token", lambda request: HttpResponse(get_token(request))),
        ("a cookie", lambda request: _with_cookie(HttpResponse("x"))),
        ("a session", lambda request: HttpResponse(str(request.session.get("seen")))),
        ("not found", lambda request: HttpResponse("x", status=404)),
        ("a bad request", lambda request: HttpResponse("x", status=400)),
    ],
)
def test_what_depends_on_the_visitor_or_failed_is_never_kept(shared_cache, reason, view):
    assert kept_by(view) is False, reason
    assert kept_by(lambda request: HttpResponse("x")) is True


def _with_cookie(response):
    response.set_cookie("seen", "1")
    return response


def test_the_cache_off_keeps_nothing(client, shared_cache, settings):
    settings.PUBLIC_CACHE_TIMEOUT = 0
    for _ in range(2):
        assert STATUS_HEADER not in get(client, "/")


def test_other_methods_are_refused_before_the_cache(client, shared_cache):
    get(client, "/skpd/")
    assert client.post("/skpd/").status_code == 405
    assert client.put("/skpd/").status_code == 405


# Every kind of write is seen on the very next request ------------------------------------------


def _save(agency):
    agency.name = "Dinas Sesudah"
    agency.save()


def _update(agency):
    Agency.objects.filter(pk=agency.pk).update(name="Dinas Sesudah")


def _bulk_update(agency):
    agency.name = "Dinas Sesudah"
    Agency.objects.bulk_update([agency], ["name"])


def _create(agency):
    AgencyFactory(name="Dinas Sesudah")  # saved: a second agency, shown in the register


def _bulk_create(agency):
    Agency.objects.bulk_create([AgencyFactory.build(name="Dinas Sesudah", slug="dinas-sesudah")])


WRITES = {
    "save": _save,
    "queryset-update": _update,
    "bulk_update": _bulk_update,
    "bulk_create": _bulk_create,
    "create": _create,
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_kind_of_write_is_seen_on_the_next_request(client, shared_cache, write):
    agency = AgencyFactory(name="Dinas Sebelum", slug="dinas-sebelum")
    kept = fetched_twice(client, "/skpd/")
    assert "Dinas Sesudah" not in kept.content.decode()
    write(agency)
    fresh = get(client, "/skpd/")
    assert fresh[STATUS_HEADER] == "miss"
    assert "Dinas Sesudah" in fresh.content.decode()


def test_a_delete_is_seen_on_the_next_request(client, shared_cache):
    AgencyFactory(name="Dinas Dihapus")
    fetched_twice(client, "/skpd/")
    Agency.objects.filter(name="Dinas Dihapus").delete()
    assert "Dinas Dihapus" not in get(client, "/skpd/").content.decode()


def test_a_ceremony_gaining_a_certificate_is_seen(client, shared_cache):
    """A many-to-many write (m2m_changed), on the ceremony's page."""
    ceremony = CeremonyFactory(slug="upacara-uji")
    certificate = CertificateFactory(agency=AgencyFactory(name="Dinas Diserahi"))
    fetched_twice(client, "/upacara/upacara-uji/")
    ceremony.certificates.add(certificate)
    assert "Dinas Diserahi" in get(client, "/upacara/upacara-uji/").content.decode()


@pytest.mark.parametrize(
    "model", [Agency, Standard, CertificationBody, Certificate, Audit, Finding, Ceremony, Programme]
)
def test_every_model_a_public_page_shows_invalidates(shared_cache, model):
    """Each of them: save, update and delete all replace the version every page key carries."""
    assert model in public_cache.public_models()
    assert issubclass(model._default_manager._queryset_class, SignallingQuerySet)
    factories = {
        Agency: AgencyFactory,
        Standard: StandardFactory,
        CertificationBody: CertificationBodyFactory,
        Certificate: CertificateFactory,
        Audit: AuditFactory,
        Finding: FindingFactory,
        Ceremony: CeremonyFactory,
        Programme: ProgrammeFactory,
    }
    row = factories[model]()
    if model is Certificate:  # a certificate with an audit cannot be deleted (PROTECT): none here
        assert not row.audits.exists()
    before = current_version()
    row.save()
    after_save = current_version()
    assert after_save != before
    model.objects.filter(pk=row.pk).update(id=F("id"))
    after_update = current_version()
    assert after_update != after_save
    model.objects.filter(pk=row.pk).delete()
    assert current_version() != after_update


def test_a_version_replaced_again_when_the_transaction_commits(transactional_db, shared_cache):
    """A page rendered from the data before the commit, kept under the first new version, is never read."""
    agency = AgencyFactory()
    with transaction.atomic():
        agency.name = "Dinas Dalam Transaksi"
        agency.save()
        during = current_version()
    assert current_version() != during


def test_inside_on_commit_only_a_write_invalidates_when_it_commits_and_not_before(shared_cache):
    """For work rolled back on purpose (an import's preview): a rollback leaves the version as it was."""
    version = current_version()
    with pytest.raises(RuntimeError), transaction.atomic(), public_cache.on_commit_only():
        AgencyFactory()
        assert current_version() == version
        raise RuntimeError("rolled back")
    assert current_version() == version
    with public_cache.on_commit_only():
        AgencyFactory()  # the test's own transaction never commits...
    assert current_version() == version
    AgencyFactory()  # ...and outside the block a write is seen at once, as before
    assert current_version() != version


def test_an_admin_edit_is_seen_on_the_next_request(client, shared_cache, staff_client):
    """Through real HTTP: the admin's change form, then the public page as an anonymous visitor."""
    from django.test import Client

    agency = AgencyFactory(name="Dinas Sebelum Admin", slug="dinas-admin")
    visitor = Client()
    fetched_twice(visitor, "/skpd/dinas-admin/")
    response = staff_client.get(f"/admin/agencies/agency/{agency.pk}/change/")
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "name": "Dinas Sesudah Admin",
            "address": "keep",  # the rename keeps its address: the page is checked at the same one
            "certificates-TOTAL_FORMS": "0",
            "certificates-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "former_names-TOTAL_FORMS": "0",
            "former_names-INITIAL_FORMS": "0",
            "_save": "1",
        }
    )
    data = {key: value for key, value in data.items() if not isinstance(value, list) or value}
    saved = staff_client.post(f"/admin/agencies/agency/{agency.pk}/change/", data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    assert "Dinas Sesudah Admin" in get(visitor, "/skpd/dinas-admin/").content.decode()


def test_the_loader_rerun_is_seen_on_the_next_request(client, shared_cache):
    call_command("load_initial_agencies", verbosity=0)
    agency = Agency.objects.order_by("slug").first()
    url = agency.get_absolute_url()
    shipped = agency.name
    Agency.objects.filter(pk=agency.pk).update(name="Nama Sementara")
    assert "Nama Sementara" in fetched_twice(client, url).content.decode()
    call_command("load_initial_agencies", "--reset", verbosity=0)  # gives the file's name back
    page = get(client, url).content.decode()
    assert "Nama Sementara" not in page and shipped in page


def test_the_invalidate_command_replaces_the_version(shared_cache):
    """For writes made outside Django (psql, a restored backup)."""
    before = current_version()
    call_command("invalidate_public_pages", verbosity=0)
    assert current_version() != before


# A cache that cannot be reached never breaks a page or a write --------------------------------


def test_an_unreachable_cache_answers_pages_and_keeps_writes(client, settings, caplog):
    settings.CACHES = {"default": settings_entry("redis://127.0.0.1:9/0")}  # discard: nobody answers
    AgencyFactory(name="Dinas Tanpa Cache", slug="dinas-tanpa-cache")  # saved, though not invalidated
    with caplog.at_level(logging.ERROR, logger="bandung_iso.public_cache"):
        response = client.get("/skpd/dinas-tanpa-cache/")
    assert response.status_code == 200
    assert "Dinas Tanpa Cache" in response.content.decode()
    assert Agency.objects.filter(slug="dinas-tanpa-cache").exists()
    assert any("unreachable" in record.getMessage() for record in caplog.records)


def test_a_hung_cache_delays_a_page_by_its_timeout_only(client, settings, caplog):
    """A Redis that accepts and never answers: the page waits SOCKET_TIMEOUT, not the kernel's minutes."""
    AgencyFactory(name="Dinas Cache Diam", slug="dinas-cache-diam")
    with silent_server() as url:
        settings.CACHES = {"default": settings_entry(url)}
        started = time.monotonic()
        with caplog.at_level(logging.ERROR, logger="bandung_iso.public_cache"):
            response = client.get("/skpd/dinas-cache-diam/")
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert "Dinas Cache Diam" in response.content.decode()
    # A few waits of 0.5 s each (REDIS_TIMEOUTS); without them the kernel waits minutes. The bound
    # leaves room for a loaded CI machine (3 s failed once with two suites running side by side).
    assert elapsed < 10, elapsed
    assert any("unreachable" in record.getMessage() for record in caplog.records)
