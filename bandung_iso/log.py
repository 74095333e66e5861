"""One line per log event on stdout: "time level logger request_id message".

``RequestIdFilter`` adds the id of the request being served (bandung_iso/request_id.py), or "-".
``OneLineFormatter`` escapes the message and any traceback: a line break, a carriage return, an
escape sequence or any other control character in user text (a path, a query, a username)
becomes ``\\n``, ``\\r``, ``\\x1b``..., so no text can forge a line or hide one. A backslash stays
as it is: Django already escapes the path in its "django.request" lines (log_response), and
escaping its backslashes again would double them. Only the message is printed: the extras Django
attaches to "django.request" records (the request with its cookies, POST and META; the status
code) never are.
"""

import logging
import unicodedata

from bandung_iso.request_id import current_request_id

# Control and format characters, line and paragraph separators, surrogates: everything
# str.splitlines() or a terminal could act on.
UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(text: str) -> str:
    """Text on one line, every unsafe character written as a Python-style escape."""
    out = []
    for char in text:
        if char in NAMED:
            out.append(NAMED[char])
        elif unicodedata.category(char) in UNSAFE_CATEGORIES:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs some responses after the middleware has returned (a 503 from a middleware's
        # process_exception): the request on the record still carries its id.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current_request_id.get() or "-"
        return True


class OneLineFormatter(logging.Formatter):
    """One line: time level logger request_id message, the message and any traceback escaped onto it."""

    def __init__(self):
        super().__init__(datefmt="%Y-%m-%dT%H:%M:%S%z")

    def format(self, record: logging.LogRecord) -> str:
        text = escape(record.getMessage())
        if record.exc_info:
            text += " | " + escape(self.formatException(record.exc_info))
        elif record.exc_text:
            text += " | " + escape(record.exc_text)
        if record.stack_info:
            text += " | " + escape(self.formatStack(record.stack_info))
        request_id = escape(str(getattr(record, "request_id", None) or "-"))
        return f"{self.formatTime(record, self.datefmt)} {record.levelname} {record.name} {request_id} {text}"


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """What django-axes writes about a login attempt: the page only, never who or from where.

    The request id on the same line leads to the access log when someone must know more.
    """
    return f"{{path_info: {path_info!r}}}"
