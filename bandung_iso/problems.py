"""Problem details for HTTP APIs (RFC 9457): the error body of the API and the data downloads.

A client that asked for data gets its error as ``application/problem+json``: ``type``, ``title``,
``status``, ``detail``, and, for a request's bad parameters, ``errors``, one member per message
naming the parameter (``{"parameter": "per", "detail": "..."}``). Infrastructure: it imports no app.
"""

import json

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

PROBLEM_JSON = "application/problem+json"


def problem_body(*, status: int, title: str, detail: str = "", errors: dict[str, list[str]] | None = None) -> dict:
    """The problem object; ``errors`` maps each bad parameter to its messages."""
    body = {"type": "about:blank", "title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = [
            {"parameter": parameter, "detail": str(message)}
            for parameter, messages in errors.items()
            for message in messages
        ]
    return body


def problem_response(
    *, status: int, title: str, detail: str = "", errors: dict[str, list[str]] | None = None, headers=None
) -> HttpResponse:
    """The problem as a response, never kept by a cache (an error is about one request)."""
    body = problem_body(status=status, title=title, detail=detail, errors=errors)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_JSON, headers=headers
    )
    add_never_cache_headers(response)
    return response
