"""The error pages: 404 and 400 in the portal's look, in each language; 500 without the database.

This module is also the URLconf of its tests (``pytest.mark.urls``): the site's own URLs plus
two probes, one that parses ``?per=`` like every public page and one that crashes.
"""

import pytest
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import path

from bandung_iso import urls as site_urls
from portal.params import AsOfForm, BadParameter, bad_request, parse
from tests.factories import AgencyFactory

SECRET = "rahasia-di-jejak-galat"


def probe_as_of(request):
    try:
        form = parse(AsOfForm, request)
    except BadParameter as error:
        return bad_request(request, error)
    return HttpResponse(form.as_of().day.isoformat())


def probe_crash(request):
    raise RuntimeError(SECRET)


def probe_suspicious(request):
    raise SuspiciousOperation(SECRET)


urlpatterns = [
    path("uji/per/", probe_as_of),
    path("uji/rusak/", probe_crash),
    path("uji/curiga/", probe_suspicious),
    *site_urls.urlpatterns,
]
handler500 = site_urls.handler500  # the site's own 500 view, as in production

PORTAL_LOOK = [
    '<link rel="stylesheet" href="/static/css/portal.css">',
    '<header class="site-header">',
    '<main id="content"',
]


def assert_portal_look(html: str, brand: str = "Portal Sertifikasi ISO 9001") -> None:
    for piece in PORTAL_LOOK:
        assert piece in html
    assert f'<span class="brand-title">{brand}</span>' in html
    assert "Traceback" not in html
    assert SECRET not in html


# 404 -------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/x", "/x/", "/skpd-tidak-ada/", "/upacara/tidak-ada/"])
def test_404_is_the_portal_page_in_indonesian(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.templates[0].name == "404.html"
    html = response.content.decode()
    assert_portal_look(html)
    assert '<html lang="id">' in html
    assert "<h1>Halaman tidak ditemukan</h1>" in html
    assert '<a href="/">Kembali ke dasbor</a>' in html
    assert '<nav class="main-nav"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/x", "/en/x/", "/en/upacara/tidak-ada/"])
def test_404_under_the_english_path_is_the_portal_page_in_english(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.templates[0].name == "404.html"
    html = response.content.decode()
    assert_portal_look(html, brand="ISO 9001 Certification Portal")
    assert '<html lang="en">' in html
    assert '<a href="/en/">' in html  # the way back stays in English
    assert 'href="/en/verifikasi/"' in html  # so does the menu


@pytest.mark.django_db
def test_404_answers_head_too(client):
    assert client.head("/x").status_code == 404


# 400 -------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.test_errors")
@pytest.mark.parametrize("value", ["2013-02-30", "kemarin", "1\x00", "1989-12-31"])
def test_400_names_the_bad_parameter(client, value):
    response = client.get("/uji/per/", {"per": value})
    assert response.status_code == 400
    assert response.templates[0].name == "400.html"
    html = response.content.decode()
    assert_portal_look(html)
    assert "<h1>Permintaan tidak dapat diproses</h1>" in html
    assert "<li><code>per</code>: Tanggal harus" in html
    assert '<a href="/uji/per/">Buka halaman ini tanpa isian tambahan</a>' in html
    assert "\x00" not in html


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.test_errors")
def test_the_probe_accepts_a_good_day(client):
    """The probe above is a real parser: a good day passes, so the 400s are about the value."""
    response = client.get("/uji/per/", {"per": "2013-12-31"})
    assert (response.status_code, response.content) == (200, b"2013-12-31")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2013-02-30", "Tanggal harus berbentuk TTTT-BB-HH dan ada di kalender, misalnya 2013-12-31."),
        ("1\x00", "Tanggal harus berbentuk TTTT-BB-HH dan ada di kalender, misalnya 2013-12-31."),
        ("1989-12-31", "Tanggal harus antara 1990-01-01 dan "),
    ],
)
def test_every_page_reads_per_with_the_same_parser(client, value, message):
    """The dashboard, the register, an agency's page and the certificate check refuse a bad day alike."""
    slug = AgencyFactory().slug
    pages = [("/", {}), ("/skpd/", {}), (f"/skpd/{slug}/", {}), ("/verifikasi/", {"nomor": "X"})]
    for url, others in pages:
        response = client.get(url, {**others, "per": value})
        assert response.status_code == 400, url
        html = response.content.decode()
        assert "<code>per</code>" in html, url
        assert message in html, url
        assert "\x00" not in html


@pytest.mark.django_db
def test_bad_request_renders_each_message_escaped():
    request = RequestFactory().get("/skpd/", {"urut": "x"})
    response = bad_request(request, BadParameter({"urut": ["Pilih <b>urutan</b> dari daftar."], "per": ["Salah."]}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "<li><code>urut</code>: Pilih &lt;b&gt;urutan&lt;/b&gt; dari daftar.</li>" in html
    assert "<li><code>per</code>: Salah.</li>" in html


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.test_errors")
def test_a_suspicious_request_is_the_400_page_not_a_500(client):
    response = client.get("/uji/curiga/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>Permintaan tidak dapat diproses</h1>" in html
    assert "Alamat atau isian permintaan ini tidak sah." in html
    assert SECRET not in html
    # Django renders this 400 without the request: no link may point back to the same bad address.
    assert 'href=""' not in html


# 500 -------------------------------------------------------------------------------------------


def assert_500_page(html: str) -> None:
    assert "<title>Terjadi kesalahan · Portal Sertifikasi ISO 9001 Kota Bandung</title>" in html
    assert "<h1>Terjadi kesalahan di server</h1>" in html
    assert '<h2 lang="en">Server error</h2>' in html
    assert '<link rel="stylesheet" href="/static/css/portal.css">' in html
    assert "Traceback" not in html
    assert SECRET not in html


def test_the_500_template_renders_without_the_database(django_db_blocker):
    with django_db_blocker.block():
        # Any query here would raise: prove that first, so the render below proves something.
        from agencies.models import Agency

        with pytest.raises(RuntimeError, match="Database access not allowed"):
            Agency.objects.exists()
        html = render_to_string("500.html")
    assert_500_page(html)
    assert "Kode kejadian" not in html  # no id known: no empty line for one


@pytest.mark.urls("tests.portal.test_errors")
@pytest.mark.parametrize("url", ["/uji/rusak/", "/uji/rusak/?per=2013-12-31"])
def test_a_crashing_view_answers_the_500_page_without_the_database(settings, django_db_blocker, url):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    with django_db_blocker.block():
        response = client.get(url)
    assert response.status_code == 500
    html = response.content.decode()
    assert_500_page(html)
    # The id on the log line of this failure (tests/bandung_iso/test_logging.py), for staff to find it.
    request_id = response["X-Request-ID"]
    assert f"<p>Kode kejadian: <code>{request_id}</code></p>" in html
    assert f'<p lang="en">Incident code: <code>{request_id}</code></p>' in html
