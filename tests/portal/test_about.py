"""The about-the-data page (/tentang-data/): counts from the database, sources, gaps, and the rules."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from certifications.dates import DatePrecision
from certifications.models import Certificate
from tests.factories import (
    AgencyFactory,
    AuditFactory,
    CeremonyFactory,
    CertificateFactory,
    CertificationBodyFactory,
    FindingFactory,
    ProgrammeFactory,
    StandardFactory,
)

pytestmark = pytest.mark.django_db

ABOUT = "/tentang-data/"
D = datetime.date


@pytest.fixture
def loaded():
    call_command("load_initial_agencies", verbosity=0)


def count(html: str, testid: str) -> int:
    match = re.search(rf'data-testid="{testid}">(\d+)<', html)
    assert match, testid
    return int(match.group(1))


def text(html: str) -> str:
    """The page's text on one line, for sentences that wrap in the template."""
    return re.sub(r"\s+", " ", html.replace("&quot;", '"'))


def test_about_counts_the_shipped_data(client, loaded):
    response = client.get(ABOUT)
    assert response.status_code == 200
    html = response.content.decode()
    assert {
        testid: count(html, testid)
        for testid in (
            "agencies",
            "agencies-unconfirmed",
            "certificates",
            "certificates-unnumbered",
            "certificates-body-unknown",
            "certificates-issued-rough",
            "certificates-issued-unknown",
            "ceremonies",
            "audits",
            "findings",
        )
    } == {
        "agencies": 45,
        "agencies-unconfirmed": 35,
        "certificates": 44,
        "certificates-unnumbered": 44,
        "certificates-body-unknown": 44,
        "certificates-issued-rough": 44,
        "certificates-issued-unknown": 0,
        "ceremonies": 1,
        "audits": 0,
        "findings": 0,
    }
    assert "<caption>Data yang tercatat di portal</caption>" in html
    assert '<th scope="row">SKPD</th>' in html
    assert 'aria-current="page">Tentang data' in html


def test_about_says_where_each_figure_comes_from(client, loaded):
    page = text(client.get(ABOUT).content.decode())
    # The programme's source and its reading of the article.
    assert "Target: seluruh 83 SKPD bersertifikat paling lambat 31 Desember 2013." in page
    assert "Angka yang dilaporkan sumber: 44 dari 83 SKPD bersertifikat (sekitar 2012)." in page
    assert '"Pemkot mempunyai 83 SKPD, yang sudah mendapatkan sertifikat ISO 44 SKPD"' in page
    assert "Tidak ada sumber yang menjelaskan bagaimana artikel sampai pada angka 83 SKPD." in page
    # The agencies' sources, grouped, with how many agencies rest on each.
    assert re.search(r"sebelum upacara\.</span> <span class=\"count\">\(35 SKPD\)", page)
    assert re.search(r"Hotel Grand Pasundan\.</span> <span class=\"count\">\(9 SKPD\)", page)
    assert re.search(r"\(sumber sekunder\)</span> <span class=\"count\">\(1 SKPD\)", page)
    # The standards' dates and their source.
    lapse = "sertifikatnya tidak berlaku lagi setelah 15 September 2018."
    assert f"<strong>ISO 9001:2008</strong>: terbit 15 November 2008; {lapse}" in page
    assert "Masa transisi ke ISO 9001:2015 (IAF) tiga tahun" in page
    assert "<strong>ISO 9001:2015</strong>: terbit 15 September 2015; belum ada batas berlaku sertifikatnya." in page
    # The ceremony, linked.
    assert '<a href="/upacara/penyerahan-sertifikat-hotel-grand-pasundan/">' in page


def test_about_lists_what_is_missing(client, loaded):
    html = client.get(ABOUT).content.decode()
    missing = text(html[html.index('data-testid="missing"') : html.index('id="rules-heading"')])
    assert "Nama 35 SKPD. Sumber hanya menyebut jumlahnya" in missing
    assert "Nomor 44 dari 44 sertifikat." in missing
    assert "Lembaga sertifikasi yang menerbitkan 44 dari 44 sertifikat." in missing
    assert "Ruang lingkup 44 dari 44 sertifikat." in missing
    assert "Tanggal terbit yang pasti: hanya 0 dari 44 sertifikat yang diketahui tanggalnya." in missing
    assert '9 sertifikat: hanya perkiraan tahunnya ("sekitar")<' in missing
    assert '35 sertifikat: hanya batas tahunnya ("paling lambat")<' in missing
    assert "Tanggal kedaluwarsa diturunkan dari tanggal terbit (terbit + 3 tahun)" in missing
    ceremony = "Penyerahan sertifikat SMM ISO 9001:2008 kepada 9 SKPD"
    assert f'Tanggal upacara "{ceremony}": hanya diketahui sekitar 2012.' in missing
    assert "38 SKPD lain dari target 83 SKPD: portal baru mencatat 45 SKPD yang dihitung dalam target." in missing
    assert "bagaimana sumber program sampai pada angka 83" in missing
    assert "Audit dan temuannya: belum ada yang tercatat." in missing


def test_about_states_the_counting_rules(client, loaded):
    html = client.get(ABOUT).content.decode()
    rules = text(html[html.index('id="rules-heading"') :])
    assert "sudah terbit;" in rules
    assert "sertifikat berlaku 3 tahun sejak terbit" in rules
    assert "tidak sedang dibekukan dan belum dicabut;" in rules
    assert "Sertifikat ISO 9001:2008 tidak berlaku lagi setelah 15 September 2018" in rules
    assert "dihitung sebagai 31 Desember tahun itu" in rules
    assert "dihitung masih berlaku sampai akhir tahun 2015" in rules
    assert "tidak diketahui tidak pernah dihitung berlaku" in rules


def test_about_counts_follow_the_database(client):
    ProgrammeFactory(target_agencies=3)
    body = CertificationBodyFactory()
    CertificateFactory(number="A-1", body=body, scope="Pelayanan")  # exact dates
    CertificateFactory(issued_on=D(2012, 6, 30), issued_precision=DatePrecision.MONTH)
    CertificateFactory(
        issued_on=None, issued_precision=DatePrecision.UNKNOWN, expires_on=None, expires_precision=DatePrecision.UNKNOWN
    )
    AgencyFactory(name_confirmed=False)
    audit = AuditFactory()
    FindingFactory(audit=audit, description="Isi temuan yang tidak boleh tampil")
    FindingFactory(audit=audit)
    AuditFactory()
    html = client.get(ABOUT).content.decode()
    assert count(html, "agencies") == 6  # three certificate holders, one unconfirmed, two audited
    assert count(html, "agencies-unconfirmed") == 1
    assert count(html, "certificates") == 3
    assert count(html, "certificates-unnumbered") == 2
    assert count(html, "certificates-body-unknown") == 2
    assert count(html, "certificates-issued-rough") == 1
    assert count(html, "certificates-issued-unknown") == 1
    assert count(html, "audits") == 2
    assert count(html, "findings") == 2
    page = text(html)
    assert "Nama 1 SKPD." in page
    assert "hanya 1 dari 3 sertifikat yang diketahui tanggalnya" in page
    assert "1 sertifikat: hanya bulan dan tahunnya diketahui<" in page
    assert "1 sertifikat: tanggal terbitnya sama sekali tidak diketahui<" in page
    assert "Audit dan temuannya: belum ada yang tercatat." not in page
    assert "SKPD lain dari target" not in page  # 6 recorded, target 3
    # The text of a finding is not public.
    assert "Isi temuan yang tidak boleh tampil" not in html


def test_about_without_gaps_lists_none_of_them(client):
    body = CertificationBodyFactory()
    CertificateFactory(number="A-1", body=body, scope="Pelayanan")
    page = text(client.get(ABOUT).content.decode())
    assert "Data yang tercatat di portal" in page
    for gap in (
        "Sumber hanya menyebut jumlahnya",
        "dari 1 sertifikat.",
        "Lembaga sertifikasi yang menerbitkan",
        "Ruang lingkup 1",
        "Tanggal terbit yang pasti",
        "Tanggal upacara",
    ):
        assert gap not in page


def test_about_on_an_empty_database(client):
    response = client.get(ABOUT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Belum ada data program yang dimuat." in html
    assert "Belum ada SKPD yang tercatat." in html
    assert count(html, "agencies") == 0


def test_about_shows_ten_agency_sources_and_counts_the_rest(client):
    for n in range(13):
        AgencyFactory(source=f"Sumber nomor {n:02d}")
    page = client.get(ABOUT).content.decode()
    assert page.count('<span class="source">Sumber nomor') == 10
    assert "Ada 3 sumber lain; lihat halaman masing-masing SKPD." in text(page)


def test_about_escapes_text_from_the_database(client):
    AgencyFactory(source="<script>alert(1)</script>")
    ProgrammeFactory(source="<b>sumber</b>", notes="<i>catatan</i>")
    StandardFactory(source="<u>standar</u>")
    CeremonyFactory(title="<em>upacara</em>")
    html = client.get(ABOUT).content.decode()
    for raw in ("<script>alert(1)</script>", "<b>sumber</b>", "<i>catatan</i>", "<u>standar</u>", "<em>upacara</em>"):
        assert raw not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("rows", [2, 40])
def test_about_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    ProgrammeFactory()
    for n in range(rows):
        certificate = CertificateFactory(agency=AgencyFactory(name_confirmed=n % 2 == 0, source=f"Sumber {n}"))
        FindingFactory(audit=AuditFactory(agency=certificate.agency, certificate=certificate))
        CeremonyFactory().certificates.add(certificate)
    with django_assert_max_num_queries(8):  # the counts, the sources, the programme with its members, the rest
        response = client.get(ABOUT)
    assert count(response.content.decode(), "certificates") == rows
    assert count(response.content.decode(), "findings") == rows


def test_about_answers_head_and_in_english(client):
    assert client.head(ABOUT).status_code == 200
    response = client.get("/en/tentang-data/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "trace"])
def test_about_answers_only_safe_methods(client, method):
    assert getattr(client, method)(ABOUT).status_code == 405


def test_the_counts_match_the_models(client, loaded):
    """The page's numbers are the models' own, not a second opinion written into the template."""
    html = client.get(ABOUT).content.decode()
    assert count(html, "certificates") == Certificate.objects.count()
    assert count(html, "certificates-unnumbered") == Certificate.objects.filter(number="").count()


# In a browser ----------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_about_in_a_browser_fits_360_pixels_and_has_no_accessibility_violations(live_server, page):
    call_command("load_initial_agencies", verbosity=0)
    page.goto(live_server.url + ABOUT)
    assert page.get_by_role("heading", level=1).inner_text() == "Tentang data"
    assert page.get_by_test_id("agencies").inner_text() == "45"
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.set_viewport_size({"width": 360, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.get_by_test_id("counts").is_visible()
