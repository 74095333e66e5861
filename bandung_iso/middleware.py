"""A database outage answers a 503 page in the visitor's language, rendered without the database.

A view (or its template) that cannot reach the database raises OperationalError or
InterfaceError; ``DatabaseOutageMiddleware`` turns that into the 503 page with Retry-After.
``server_error`` (the site's handler500) does the same for the rare query outside a view (a
session saved by the session middleware), and renders the 500 page for anything else. Both
pages show the request id (bandung_iso/request_id.py) that is on the log line of the failure.

Recovery needs no restart: Django closes a connection that raised at the end of the request
(and production's CONN_HEALTH_CHECKS tests a persistent one before reuse), so the first
request after the database returns opens a fresh connection.
"""

import logging
import sys

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from bandung_iso.request_id import request_id_of

logger = logging.getLogger("bandung_iso.outage")

OUTAGE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request, exception) -> HttpResponse:
    """The 503 page. Rendered without the request, so no context processor runs: no query, no session."""
    # The first line of the driver's message, repr'd: never a line break from it in the log.
    reason = str(exception).strip().splitlines()[0] if str(exception).strip() else ""
    logger.warning("database unavailable, answered 503: %s %r", type(exception).__name__, reason)
    html = render_to_string(
        "503.html",
        {
            "home_url": reverse("portal:home"),  # /en/ while English is active
            "retry_url": request.get_full_path() if request.method in ("GET", "HEAD") else "",
            "request_id": request_id_of(request),  # shown to the visitor, to find the line above
        },
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(settings.DATABASE_OUTAGE_RETRY_AFTER)
    add_never_cache_headers(response)  # never kept by a cache or the proxy in front
    # The warning above is this outage's one line: Django's "Service Unavailable: <path>" would
    # be a second (django.utils.log.log_response skips a response marked as logged).
    response._has_been_logged = True
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OUTAGE_ERRORS):
            return database_unavailable(request, exception)
        return None


def server_error(request):
    """handler500: an outage met outside a view is still the 503 page; anything else is the 500 page."""
    exception = sys.exc_info()[1]  # Django calls handler500 while handling the exception
    if isinstance(exception, OUTAGE_ERRORS):
        return database_unavailable(request, exception)
    # Django's own 500 view, plus the request id. Rendered without the request: no context
    # processor, no query.
    html = loader.get_template("500.html").render({"request_id": request_id_of(request)})
    return HttpResponseServerError(html)
