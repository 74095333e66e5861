"""Every request gets an id: in the X-Request-ID response header, on each log line, on the 500 and 503 pages.

The proxy in front (nginx: ``proxy_set_header X-Request-ID $request_id;``) sends one; it is kept
only when it is a plain token, so nothing a client puts there reaches a log line or a page.
Otherwise (no proxy, or a header that is not a token) a new one is made. First in MIDDLEWARE.
"""

import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
SAFE_ID = re.compile(r"[A-Za-z0-9-]{8,64}")

# The id of the request this thread (or task) is serving, for the log filter (bandung_iso/log.py).
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)


def incoming_or_new(meta: dict) -> str:
    incoming = meta.get(META_KEY, "")
    if isinstance(incoming, str) and SAFE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def request_id_of(request) -> str:
    """The id of this request, or of the one being served; "" when none is known."""
    return getattr(request, "request_id", None) or current_request_id.get() or ""


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = incoming_or_new(request.META)
        token = current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = request.request_id
        return response
