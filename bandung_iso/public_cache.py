"""Public pages from the shared cache, never stale.

A public page is kept in the cache (Redis in production: every process and host sees the
same entries) under a key made of everything that changes it: Bandung's date, the language,
the host and scheme, and the full path with its query string; with it is kept the data
version it was rendered from. The data version is one random token in the same cache;
``invalidate()`` replaces it, so every page kept so far no longer matches and is rendered
again on its next request (and overwritten). One round trip reads the token and the page.

``invalidate()`` runs on every write to a model that a public page shows:
- ``post_save``, ``post_delete`` and ``m2m_changed`` of those models (the admin, management
  commands, the loader, ``save()`` in a shell, a revert in the history, ``loaddata``);
- the writes Django sends no such signal for (``QuerySet.update``, ``bulk_create``,
  ``bulk_update``) through ``bandung_iso.signals.records_changed``, which the models'
  querysets (``SignallingQuerySet``) send.
The receivers are connected in ``BandungIsoConfig.ready()``.
A write made outside Django (SQL in psql, a restored backup) needs
``manage.py invalidate_public_pages``.

It runs twice per write: at once, so the writer's next request (inside its transaction) is
fresh, and again when the transaction commits, so a page another process rendered from the
data before the commit, and kept under the token of the first call, is never read either.
Inside ``on_commit_only()`` (an import's preview, rolled back by design) only the second runs.

Only anonymous GET and HEAD requests use the cache. A request carrying a session cookie
(staff) is answered by the view, uncached and marked private. A response is kept only if it
is a 200 that set no cookie, asked for no CSRF token and did not touch the session: a kept
page can carry nothing of one visitor to the next. Reading a kept page touches no database,
so during a database outage the pages in the cache are still served.

A cache that cannot be reached never breaks a page: the view answers as if nothing were kept,
and the failure is logged. See docs/operations.md, "The page cache".
"""

import contextvars
import hashlib
import logging
import uuid
from contextlib import contextmanager
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_cache_control

from bandung_iso.cache import CACHE_ERRORS  # what an unreachable cache raises
from bandung_iso.signals import records_changed

logger = logging.getLogger("bandung_iso.public_cache")

VERSION_KEY = "public-pages:version"
STATUS_HEADER = "X-Public-Cache"  # hit, miss or bypass: for the operator and the tests


def _cache():
    return caches[settings.PUBLIC_CACHE_ALIAS]


def current_version() -> str:
    """The token every page key carries, created by the first process that asks."""
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)  # add: two processes agree on one
        version = cache.get(VERSION_KEY)
    return version


def invalidate() -> None:
    """From now on no process reads a page kept before: the next request of each is rendered afresh."""
    try:
        _cache().set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except CACHE_ERRORS:
        # The entries cannot be read either while the cache is unreachable; they expire after
        # PUBLIC_CACHE_TIMEOUT. Logged as an error: a write that could not invalidate.
        logger.exception("public pages NOT invalidated: the cache is unreachable")


# Set while writes are made only to be rolled back (an import's preview): see ``on_commit_only``.
_on_commit_only = contextvars.ContextVar("public_cache_on_commit_only", default=False)


@contextmanager
def on_commit_only():
    """Writes made inside invalidate the pages only if their transaction commits.

    For work run in a transaction that is rolled back on purpose (the import's preview runs
    the whole import, then rolls it back): a version replaced at once would survive the
    rollback and throw every kept page away for a write that never happened.
    """
    token = _on_commit_only.set(True)
    try:
        yield
    finally:
        _on_commit_only.reset(token)


def data_changed(*, using: str | None = None, **kwargs) -> None:
    """Receiver of every write to data that public pages show (see ``connect_signals``)."""
    if not _on_commit_only.get():
        invalidate()
    transaction.on_commit(invalidate, using=using)


def page_key(request) -> str:
    # HEAD and GET share an entry: the server drops the body of a HEAD answer.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"public-page:{timezone.localdate().isoformat()}:{translation.get_language()}:{digest}"


def _signed_in(request) -> bool:
    # The session cookie, not request.user: asking who the visitor is reads the session from
    # the database, which a page from the cache must not need (it is served during an outage).
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def _keepable(request, response) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token
        and not (session is not None and session.accessed)  # the page depends on a session
    )


def _as_stored(response, version: str) -> dict:
    return {
        "version": version,
        "status": response.status_code,
        "content": response.content,
        "headers": dict(response.headers),
    }


def _from_stored(stored: dict) -> HttpResponse:
    return HttpResponse(stored["content"], status=stored["status"], headers=stored["headers"])


def public_page(view):
    """Serve ``view`` from the shared cache to anonymous visitors; see the module's docstring."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        timeout = settings.PUBLIC_CACHE_TIMEOUT
        if request.method not in ("GET", "HEAD") or not timeout:
            return view(request, *args, **kwargs)
        if _signed_in(request):
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)  # staff pages are kept by nobody
            response[STATUS_HEADER] = "bypass"
            return response

        key = version = stored = None
        try:
            key = page_key(request)
            found = _cache().get_many([VERSION_KEY, key])  # one round trip
            version = found.get(VERSION_KEY) or current_version()
            stored = found.get(key)
        except CACHE_ERRORS:
            logger.exception("public page cache unreachable: answered without it")
        if stored is not None and stored["version"] == version:
            response = _from_stored(stored)
            response[STATUS_HEADER] = "hit"
            return response

        response = view(request, *args, **kwargs)
        if version is not None and _keepable(request, response):
            # Browsers and proxies ask again every time: only this cache knows when data changed.
            patch_cache_control(response, no_cache=True)
            try:
                _cache().set(key, _as_stored(response, version), timeout)
            except CACHE_ERRORS:
                logger.exception("public page cache unreachable: page not kept")
        response[STATUS_HEADER] = "miss"
        return response

    return wrapped


def public_models() -> list:
    """Every model of the apps whose records public pages show.

    Not the history tables, nor the stores derived from the records (a model marking itself
    ``derived_from_records``): they are written only alongside a write already heard of.
    """
    return [
        model
        for label in PUBLIC_APPS
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical") and not getattr(model, "derived_from_records", False)
    ]


PUBLIC_APPS = ("agencies", "certifications")


def connect_signals(receiver, *, uid: str) -> None:
    """Connect ``receiver`` to every write of ``public_models()``: saves, deletes, many-to-many and bulk writes.

    Called from ``AppConfig.ready()``: bandung_iso's with ``data_changed``, portal's with its
    figures' hook. ``uid`` keeps a second call from connecting twice.
    """
    for model in public_models():
        label = model._meta.label
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save-{label}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete-{label}")
        records_changed.connect(receiver, sender=model, dispatch_uid=f"{uid}-bulk-{label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                receiver, sender=field.remote_field.through, dispatch_uid=f"{uid}-m2m-{label}-{field.name}"
            )
