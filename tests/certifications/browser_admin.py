"""Logging a role's account into the admin of the live server, for the browser tests of the admin."""

from django.conf import settings
from django.test import Client

LONG_DESCRIPTION = (
    "Prosedur pengendalian dokumen tidak diterapkan secara konsisten di seluruh bidang; " * 8
    # One unbroken word, as a pasted address or file path is: it must wrap, not widen the page.
    + "arsip/dokumen-mutu/prosedur-pengendalian-dokumen-revisi-ketujuh-tahun-2012-bidang-umum-dan-kepegawaian.pdf"
)


def logged_in_page(browser, live_server, user, *, width: int):
    """A page of a new browser context ``width`` px wide, carrying a session of ``user``.

    The session comes from Django's test client: logging in through the form for each role and
    width would meet the login rate limit, and the login form is tested on its own elsewhere.
    """
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
    return context.new_page()
