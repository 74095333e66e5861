"""The public certificate check (/verifikasi/) and the ceremony pages (/upacara/), through real HTTP."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from certifications.dates import DatePrecision
from certifications.models import Ceremony, Certificate, CertificateState
from tests.factories import (
    AgencyFactory,
    CeremonyFactory,
    CertificateFactory,
    CertificationBodyFactory,
    CurrentCertificateFactory,
    StandardFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
CHECK = "/verifikasi/"
CEREMONY = "penyerahan-sertifikat-hotel-grand-pasundan"
NINE = [
    "Badan Kesatuan Bangsa, Perlindungan, dan Pemberdayaan Masyarakat",
    "Badan Pemberdayaan Perempuan dan Keluarga Berencana",
    "Dinas Pemuda dan Olahraga",
    "Dinas Pengelolaan Keuangan dan Aset Daerah",
    "Dinas Sosial",
    "Kecamatan Sukasari",
    "Puskesmas Margahayu Raya",
    "Rumah Sakit Khusus Ibu dan Anak",
    "Satuan Polisi Pamong Praja",
]


@pytest.fixture
def loaded():
    call_command("load_initial_agencies", verbosity=0)


@pytest.fixture
def a_ceremony():
    """A ceremony at the shipped slug, without loading the whole shipped data."""
    ceremony = CeremonyFactory(slug=CEREMONY)
    ceremony.certificates.add(CertificateFactory())
    return ceremony


@pytest.fixture
def today():
    return timezone.localdate()


def check(client, **params):
    return client.get(CHECK + "?" + urlencode(params))


def html_of(response) -> str:
    return response.content.decode()


def states(response) -> list[str]:
    return [state for _certificate, state in response.context["results"]]


def iso_2015():
    return StandardFactory(code="ISO 9001:2015", published_on=D(2015, 9, 15), certificates_valid_until=None)


# The empty form -----------------------------------------------------------------------------


def test_check_without_parameters_shows_the_form_and_an_honest_explanation(client, loaded):
    response = client.get(CHECK)
    assert response.status_code == 200
    assert response.templates[0].name == "certifications/certificate_check.html"
    html = html_of(response)
    assert '<label for="id_nomor">Nomor sertifikat</label>' in html
    assert '<label for="id_lembaga">Lembaga sertifikasi (pilihan)</label>' in html
    assert 'name="per"' in html
    assert "Hasil pengecekan" not in html
    assert "Isian belum benar" not in html
    # The shipped data knows no number at all, and the page says so.
    assert "Nomor 44 dari 44 sertifikat yang tercatat tidak diketahui" in html
    assert 'aria-current="page">Cek sertifikat' in html


def test_check_ignores_parameters_it_does_not_know(client):
    response = client.get(CHECK + "?utm_source=x")
    assert response.status_code == 200
    assert "Hasil pengecekan" not in html_of(response)
    assert "Isian belum benar" not in html_of(response)


def test_the_body_select_lists_the_bodies_that_exist(client):
    first = CertificationBodyFactory(name="Lembaga Alfa")
    second = CertificationBodyFactory(name="Lembaga Beta")
    html = html_of(client.get(CHECK))
    assert '<option value="" selected>Semua lembaga</option>' in html
    assert f'<option value="{first.pk}">Lembaga Alfa</option>' in html
    assert f'<option value="{second.pk}">Lembaga Beta</option>' in html


# Found, in each state -------------------------------------------------------------------------


def test_a_valid_certificate_is_shown_with_everything_known(client, today):
    body = CertificationBodyFactory(name="PT Sertifikasi Uji")
    certificate = CurrentCertificateFactory(
        number="QMS-123",
        body=body,
        scope="Pelayanan perizinan",
        agency=AgencyFactory(name="Dinas Uji Coba", slug="dinas-uji-coba"),
    )
    response = check(client, nomor="QMS-123")
    assert response.status_code == 200
    assert response.context["results"] == [(certificate, CertificateState.VALID)]
    assert response.context["day"] == today
    html = html_of(response)
    assert "<strong>Berlaku</strong>" in html
    assert f"Sertifikat ini berlaku pada {today:%-d} " in html
    assert '<a href="/skpd/dinas-uji-coba/">Dinas Uji Coba</a>' in html
    assert "ISO 9001:2015" in html
    assert "PT Sertifikasi Uji" in html
    assert "Pelayanan perizinan" in html
    assert certificate.issued_display in html
    assert certificate.expires_display in html
    assert "Tanggal pembekuan" not in html
    assert "Ditemukan 1 sertifikat bernomor «QMS-123»" in html


def test_the_number_is_trimmed_and_letter_case_ignored(client):
    certificate = CurrentCertificateFactory(number="QMS-123")
    response = check(client, nomor="  qms-123\t")
    assert response.status_code == 200
    assert [c for c, _state in response.context["results"]] == [certificate]
    # The stored number is shown, as printed.
    assert "Sertifikat QMS-123" in html_of(response)


def test_a_suspended_certificate_shows_the_date_and_reason(client, today):
    CurrentCertificateFactory(
        number="S-1",
        status=Certificate.Status.SUSPENDED,
        status_changed_on=D(2025, 6, 3),
        status_reason="Ketidaksesuaian mayor belum ditutup.",
        issued_on=D(2025, 1, 1),
    )
    response = check(client, nomor="S-1")
    assert states(response) == [CertificateState.SUSPENDED]
    html = html_of(response)
    assert "<strong>Dibekukan</strong>" in html
    assert "Dibekukan sejak 3 Juni 2025" in html
    assert "Tanggal pembekuan" in html
    assert "Ketidaksesuaian mayor belum ditutup." in html


def test_a_withdrawn_certificate_shows_the_date_and_reason(client):
    CurrentCertificateFactory(
        number="W-1",
        status=Certificate.Status.WITHDRAWN,
        status_changed_on=D(2025, 2, 14),
        status_reason="Dicabut atas permintaan SKPD.",
        issued_on=D(2025, 1, 1),
    )
    response = check(client, nomor="W-1")
    assert states(response) == [CertificateState.WITHDRAWN]
    html = html_of(response)
    assert "<strong>Dicabut</strong>" in html
    assert "Dicabut sejak 14 Februari 2025" in html
    assert "Tanggal pencabutan" in html
    assert "Dicabut atas permintaan SKPD." in html


def test_an_expired_certificate(client):
    CertificateFactory(number="E-1", standard=iso_2015(), issued_on=D(2019, 1, 10), expires_on=D(2022, 1, 9))
    response = check(client, nomor="E-1")
    assert states(response) == [CertificateState.EXPIRED]
    html = html_of(response)
    assert "<strong>Kedaluwarsa</strong>" in html
    assert "Masa berlakunya sudah berakhir" in html
    assert "Tanggal pembekuan" not in html


def test_a_certificate_whose_standard_lapsed(client):
    # ISO 9001:2008 certificates lapsed after 15 September 2018, whatever their printed expiry.
    CertificateFactory(number="L-1", issued_on=D(2017, 1, 1), expires_on=D(2019, 12, 31))
    response = check(client, nomor="L-1")
    assert states(response) == [CertificateState.STANDARD_LAPSED]
    html = html_of(response)
    assert "<strong>Standarnya tidak berlaku lagi</strong>" in html
    assert "Sertifikat ISO 9001:2008 tidak berlaku lagi setelah 15 September 2018" in html


def test_a_certificate_not_yet_valid(client, today):
    CertificateFactory(
        number="N-1",
        standard=iso_2015(),
        issued_on=today + datetime.timedelta(days=10),
        expires_on=today + datetime.timedelta(days=1000),
    )
    response = check(client, nomor="N-1")
    assert states(response) == [CertificateState.NOT_YET_VALID]
    assert "<strong>Belum berlaku</strong>" in html_of(response)


def test_a_certificate_with_unknown_dates_is_not_called_valid(client):
    CertificateFactory(
        number="U-1",
        issued_on=None,
        issued_precision=DatePrecision.UNKNOWN,
        expires_on=None,
        expires_precision=DatePrecision.UNKNOWN,
    )
    response = check(client, nomor="U-1")
    assert states(response) == [CertificateState.UNKNOWN]
    html = html_of(response)
    assert "Berlaku</strong>" not in html
    assert "statusnya tidak dapat dipastikan" in html
    assert html.count("tidak diketahui") >= 2  # issued and expiry


def test_a_certificate_issued_without_an_expiry_has_an_unknown_validity(client):
    CertificateFactory(
        number="V-1", standard=iso_2015(), issued_on=D(2019, 1, 10), expires_on=None, expires_precision="unknown"
    )
    response = check(client, nomor="V-1")
    assert states(response) == [CertificateState.VALIDITY_UNKNOWN]
    html = html_of(response)
    assert "<strong>Masa berlaku tidak diketahui</strong>" in html
    assert "terbit 10 Jan. 2019, tetapi tanggal kedaluwarsanya tidak diketahui" in html
    assert "<dt>Berlaku sampai</dt><dd>masa berlaku tidak diketahui</dd>" in html


def test_approximate_dates_are_shown_as_known_never_as_31_december(client):
    CertificateFactory(
        number="A-1",
        issued_on=D(2012, 12, 31),
        issued_precision=DatePrecision.ABOUT_YEAR,
        expires_on=D(2015, 12, 31),
        expires_precision=DatePrecision.ABOUT_YEAR,
    )
    html = html_of(check(client, nomor="A-1"))
    assert "sekitar 2012" in html
    assert "sekitar 2015" in html
    assert "31 Des" not in html


def test_the_state_on_a_chosen_day(client):
    CertificateFactory(number="P-1")  # 14 May 2012 to 13 May 2015, ISO 9001:2008
    response = check(client, nomor="P-1", per="2013-12-31")
    assert response.status_code == 200
    assert response.context["day"] == D(2013, 12, 31)
    assert states(response) == [CertificateState.VALID]
    assert "Status per 31 Desember 2013" in html_of(response)
    assert states(check(client, nomor="P-1")) == [CertificateState.EXPIRED]


# Not found, several found, the body filter -----------------------------------------------------


def test_not_found_says_so(client):
    response = check(client, nomor="TIDAK-ADA-1")
    assert response.status_code == 200
    assert response.context["results"] == []
    html = html_of(response)
    assert "<strong>Tidak ditemukan</strong>" in html
    assert "Tidak ada sertifikat bernomor «TIDAK-ADA-1» dalam data portal." in html


@pytest.mark.parametrize("typed", ["QMS-12", "QMS", "MS-123", "QMS-1234", "QMS-12%", "QMS-12_", "%", "_", "QMS 123"])
def test_near_matches_are_never_listed(client, typed):
    CurrentCertificateFactory(number="QMS-123", agency=AgencyFactory(name="Dinas Yang Tidak Boleh Muncul"))
    response = check(client, nomor=typed)
    assert response.status_code == 200
    assert response.context["results"] == []
    html = html_of(response)
    assert re.search(r"QMS-123(?!4)", html) is None
    assert "Dinas Yang Tidak Boleh Muncul" not in html


def test_certificates_without_a_number_are_never_found(client, loaded):
    # Every shipped certificate has a blank number; no input can reach them.
    for typed in ["-", "0", "nomor tidak diketahui"]:
        assert check(client, nomor=typed).context["results"] == []


def test_the_same_number_under_two_bodies_shows_each(client):
    alfa, beta = CertificationBodyFactory(name="Lembaga Alfa"), CertificationBodyFactory(name="Lembaga Beta")
    in_alfa = CurrentCertificateFactory(number="DUP-7", body=alfa)
    in_beta = CertificateFactory(number="DUP-7", body=beta)  # 2012-2015: expired
    response = check(client, nomor="DUP-7")
    assert response.status_code == 200
    assert response.context["results"] == [(in_alfa, CertificateState.VALID), (in_beta, CertificateState.EXPIRED)]
    html = html_of(response)
    assert "Ditemukan 2 sertifikat bernomor «DUP-7»" in html
    assert html.count('data-testid="certificate"') == 2


def test_the_body_filter_picks_one(client):
    alfa, beta = CertificationBodyFactory(name="Lembaga Alfa"), CertificationBodyFactory(name="Lembaga Beta")
    CurrentCertificateFactory(number="DUP-7", body=alfa, agency=AgencyFactory(name="Dinas Alfa"))
    in_beta = CurrentCertificateFactory(number="DUP-7", body=beta, agency=AgencyFactory(name="Dinas Beta"))
    response = check(client, nomor="DUP-7", lembaga=beta.pk)
    assert [c for c, _state in response.context["results"]] == [in_beta]
    html = html_of(response)
    assert "Dinas Beta" in html
    assert "Dinas Alfa" not in html
    assert f'<option value="{beta.pk}" selected>Lembaga Beta</option>' in html


def test_a_number_not_issued_by_the_chosen_body_is_not_found(client):
    alfa, beta = CertificationBodyFactory(name="Lembaga Alfa"), CertificationBodyFactory(name="Lembaga Beta")
    CurrentCertificateFactory(number="ONLY-ALFA", body=alfa)
    response = check(client, nomor="ONLY-ALFA", lembaga=beta.pk)
    assert response.status_code == 200
    assert response.context["results"] == []
    assert "Tidak ada sertifikat bernomor «ONLY-ALFA» dari Lembaga Beta dalam data portal." in html_of(response)


def test_a_direct_link_answers_like_the_form(client):
    body = CertificationBodyFactory(name="Lembaga Alfa")
    certificate = CurrentCertificateFactory(number="LINK/2024/01", body=body)
    response = client.get(f"/verifikasi/?nomor=LINK%2F2024%2F01&lembaga={body.pk}")
    assert response.status_code == 200
    assert response.context["results"] == [(certificate, CertificateState.VALID)]
    html = html_of(response)
    assert 'value="LINK/2024/01"' in html
    assert f'<option value="{body.pk}" selected>Lembaga Alfa</option>' in html


def test_the_form_keeps_what_was_typed(client):
    body = CertificationBodyFactory()
    html = html_of(check(client, nomor="abc-9", lembaga=body.pk, per="2013-12-31"))
    assert 'value="abc-9"' in html
    assert f'<option value="{body.pk}" selected>' in html
    assert 'value="2013-12-31"' in html


# Malformed input: 400, the form again, naming the parameter --------------------------------------


def assert_bad(response, parameter: str, message: str) -> str:
    assert response.status_code == 400
    assert response.templates[0].name == "certifications/certificate_check.html"
    html = html_of(response)
    assert "Isian belum benar" in html
    assert f"(<code>{parameter}</code>): {message}" in html
    assert f'id="id_{parameter}_error"' in html
    assert "Hasil pengecekan" not in html
    return html


@pytest.mark.parametrize("params", [{"nomor": ""}, {"nomor": "   "}, {"lembaga": ""}, {"per": "2013-12-31"}])
def test_checking_without_a_number_asks_for_one(client, params):
    assert_bad(check(client, **params), "nomor", "Isi nomor sertifikat yang ingin dicek.")


def test_a_nul_byte_in_the_number_is_a_400_not_a_500(client):
    CurrentCertificateFactory(number="QMS-123")
    nul = "Nomor sertifikat tidak boleh mengandung karakter NUL."
    html = assert_bad(check(client, nomor="QMS\x00-123"), "nomor", nul)
    assert "\x00" not in html
    assert 'value="QMS-123"' in html  # what was typed, without the NUL


@pytest.mark.parametrize("parameter", ["lembaga", "per"])
def test_a_nul_byte_in_the_other_parameters_is_a_400(client, parameter):
    params = {"nomor": "X", parameter: "1\x00"}
    response = check(client, **params)
    assert response.status_code == 400
    assert f"(<code>{parameter}</code>)" in html_of(response)
    assert "\x00" not in html_of(response)


def test_a_number_longer_than_any_certificate_number_is_refused(client):
    html = assert_bad(check(client, nomor="A" * 101), "nomor", "Nomor sertifikat paling panjang 100 karakter")
    assert "tertulis 101" in html
    assert 'maxlength="100"' in html
    assert check(client, nomor="A" * 100).status_code == 200


def test_very_long_input_is_handled(client):
    response = check(client, nomor="9" * 20_000, lembaga="9" * 5_000, per="2" * 5_000)
    assert response.status_code == 400
    html = html_of(response)
    for parameter in ("nomor", "lembaga", "per"):
        assert f"(<code>{parameter}</code>)" in html


@pytest.mark.parametrize("value", ["abc", "0", "-1", "99999", str(10**30), "1.5", " 1"])
def test_an_unknown_body_is_a_400_naming_it(client, value):
    CertificationBodyFactory()
    assert_bad(check(client, nomor="X", lembaga=value), "lembaga", "Lembaga sertifikasi ini tidak tercatat")


@pytest.mark.parametrize("value", ["2013-02-30", "31-12-2013", "kemarin", "1989-12-31", "9999-01-01"])
def test_a_bad_day_is_a_400_naming_it(client, value):
    html = html_of(check(client, nomor="X", per=value))
    assert "(<code>per</code>): Tanggal" in html
    assert check(client, nomor="X", per=value).status_code == 400
    assert f'value="{value}"' in html  # kept as typed


def test_the_error_summary_links_to_each_field(client):
    html = html_of(check(client, nomor="", per="x"))
    assert '<a href="#id_nomor">Nomor sertifikat</a>' in html
    assert '<a href="#id_per">Status per tanggal (pilihan)</a>' in html
    assert 'aria-invalid="true"' in html


# Escaping ------------------------------------------------------------------------------------------


def test_html_in_an_agency_name_and_in_the_number_is_escaped(client):
    CurrentCertificateFactory(number="<b>X</b>", agency=AgencyFactory(name="<script>alert(1)</script>"))
    CurrentCertificateFactory(number="Z-1", body=CertificationBodyFactory(name="<i>Lembaga</i>"))
    html = html_of(check(client, nomor="<b>X</b>"))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>X</b>" not in html
    assert "&lt;b&gt;X&lt;/b&gt;" in html
    assert "<i>Lembaga</i>" not in html
    html = html_of(check(client, nomor="<img src=x onerror=alert(1)>"))
    assert "<img src=x" not in html


# Methods, languages, queries ------------------------------------------------------------------------


PAGES = [CHECK, CHECK + "?nomor=X", "/upacara/", f"/upacara/{CEREMONY}/"]


@pytest.mark.parametrize("url", PAGES)
def test_head_is_allowed(client, a_ceremony, url):
    assert client.head(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "trace"])
def test_only_safe_methods(client, a_ceremony, url, method):
    assert getattr(client, method)(url).status_code == 405


ENGLISH = ["/en/verifikasi/", "/en/verifikasi/?nomor=X", "/en/upacara/", f"/en/upacara/{CEREMONY}/"]


@pytest.mark.parametrize("url", ENGLISH)
def test_english_paths_answer(client, a_ceremony, url):
    response = client.get(url)
    assert response.status_code == 200
    assert '<html lang="en">' in html_of(response)


def test_the_english_form_submits_to_the_english_path(client):
    assert 'action="/en/verifikasi/"' in html_of(client.get("/en/verifikasi/"))
    assert 'action="/verifikasi/"' in html_of(client.get("/verifikasi/"))


def test_url_names_are_kept():
    assert reverse("certifications:check") == "/verifikasi/"
    assert reverse("certifications:ceremony_list") == "/upacara/"
    assert reverse("certifications:ceremony_detail", kwargs={"slug": "x"}) == "/upacara/x/"


@pytest.mark.parametrize("rows", [2, 40])
def test_the_check_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        CurrentCertificateFactory(number="SAMA-1", body=CertificationBodyFactory())
        CertificateFactory(number="")
    with django_assert_max_num_queries(3):
        response = check(client, nomor="SAMA-1")
    assert len(response.context["results"]) == rows
    body = Certificate.objects.filter(number="SAMA-1").first().body
    with django_assert_max_num_queries(3):
        response = check(client, nomor="SAMA-1", lembaga=body.pk)
    assert [c.body for c, _state in response.context["results"]] == [body]
    with django_assert_max_num_queries(2):
        assert client.get(CHECK).status_code == 200
    with django_assert_max_num_queries(2):
        assert check(client, nomor="").status_code == 400


# Ceremonies ----------------------------------------------------------------------------------------


def test_the_ceremony_list_with_the_shipped_data(client, loaded):
    response = client.get("/upacara/")
    assert response.status_code == 200
    html = html_of(response)
    assert f'href="/upacara/{CEREMONY}/"' in html
    assert "Penyerahan sertifikat SMM ISO 9001:2008 kepada 9 SKPD" in html
    assert "sekitar 2012" in html
    assert "Hotel Grand Pasundan" in html
    assert "Wali Kota Bandung Dada Rosada" in html
    assert "9 SKPD" in html
    for name in NINE:
        assert f">{name}</a>" in html
    assert "nama belum diketahui" not in html  # the 35 earlier agencies were not at this ceremony


def test_the_ceremony_page_with_the_shipped_data(client, loaded):
    response = client.get(f"/upacara/{CEREMONY}/")
    assert response.status_code == 200
    html = html_of(response)
    assert "<h1>Penyerahan sertifikat SMM ISO 9001:2008 kepada 9 SKPD</h1>" in html
    assert '<dd data-testid="held">sekitar 2012</dd>' in html
    assert "31 Des" not in html
    assert "Hotel Grand Pasundan, Jln. Peta, Bandung" in html
    assert "Wali Kota Bandung Dada Rosada" in html
    assert "Sembilan SKPD menerima sertifikat" in html  # the description
    assert "SKPD penerima sertifikat (9)" in html
    recipients = re.findall(r'<li><a href="(/skpd/[^"]+/)">([^<]+)</a>', html)
    assert [name for _href, name in recipients] == NINE
    ceremony = Ceremony.objects.get(slug=CEREMONY)
    expected = {c.agency.name: c.agency.get_absolute_url() for c in ceremony.certificates.select_related("agency")}
    assert {name: href for href, name in recipients} == expected
    assert "/skpd/kecamatan-sukasari/" in html
    assert html.count("ISO 9001:2008, nomor tidak diketahui") == 9
    # The source, and the notes with the interpretation of "Kec. Sukasari".
    assert "Lintasjabar.com" in html
    assert "Catatan dan tafsiran" in html
    assert "RS Khusus Ibu dan Anak Kec. Sukasari" in html.replace("&quot;", '"')
    assert "Ini tafsiran." in html


def test_an_unknown_ceremony_is_the_portal_404(client, loaded):
    response = client.get("/upacara/tidak-ada/")
    assert response.status_code == 404
    assert response.templates[0].name == "404.html"
    assert "Halaman tidak ditemukan" in html_of(response)


def test_a_ceremony_with_nothing_known_says_so(client):
    CeremonyFactory(slug="kosong", title="Upacara tanpa data", held_on=None, held_precision=DatePrecision.UNKNOWN)
    html = html_of(client.get("/upacara/kosong/"))
    assert '<dd data-testid="held">tidak diketahui</dd>' in html
    assert html.count("<dd>tidak diketahui</dd>") == 2  # venue and who presided
    assert "SKPD penerima sertifikat (0)" in html
    assert "Sumber tidak menyebut SKPD penerima upacara ini." in html
    assert "Catatan dan tafsiran" not in html


def test_ceremony_pages_escape_html(client):
    ceremony = CeremonyFactory(slug="x", title="<em>Upacara</em>", notes="<script>alert(2)</script>")
    ceremony.certificates.add(CertificateFactory(agency=AgencyFactory(name="<script>alert(1)</script>")))
    for url in ("/upacara/", "/upacara/x/"):
        html = html_of(client.get(url))
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<em>Upacara</em>" not in html
    assert "<script>alert(2)</script>" not in html_of(client.get("/upacara/x/"))


def test_an_agency_with_two_certificates_at_one_ceremony_is_listed_once(client):
    agency = AgencyFactory(name="Dinas Dua Sertifikat")
    ceremony = CeremonyFactory(slug="dua")
    ceremony.certificates.add(
        CertificateFactory(agency=agency, number="A-1"), CertificateFactory(agency=agency, standard=iso_2015())
    )
    html = html_of(client.get("/upacara/dua/"))
    assert html.count(">Dinas Dua Sertifikat</a>") == 1
    assert "SKPD penerima sertifikat (1)" in html
    assert "ISO 9001:2008, nomor A-1; ISO 9001:2015, nomor tidak diketahui" in html


def test_ceremonies_are_listed_newest_first_with_unknown_dates_last(client):
    CeremonyFactory(title="Upacara lama", held_on=D(2010, 12, 31), held_precision=DatePrecision.YEAR)
    CeremonyFactory(title="Upacara tanpa tanggal", held_on=None, held_precision=DatePrecision.UNKNOWN)
    CeremonyFactory(title="Upacara baru", held_on=D(2012, 5, 2), held_precision=DatePrecision.DAY)
    html = html_of(client.get("/upacara/"))
    positions = [html.index(title) for title in ("Upacara baru", "Upacara lama", "Upacara tanpa tanggal")]
    assert positions == sorted(positions)
    assert "2 Mei 2012" in html


def test_no_ceremony_says_so(client):
    assert "Belum ada upacara penyerahan yang tercatat." in html_of(client.get("/upacara/"))


@pytest.mark.parametrize("rows", [2, 40])
def test_ceremony_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    for n in range(rows):
        ceremony = CeremonyFactory(slug=f"upacara-{n}")
        ceremony.certificates.add(CertificateFactory(), CertificateFactory())
    with django_assert_max_num_queries(2):
        response = client.get("/upacara/")
    assert response.status_code == 200
    assert html_of(response).count("<article") == rows
    with django_assert_max_num_queries(2):
        response = client.get("/upacara/upacara-1/")
    assert "SKPD penerima sertifikat (2)" in html_of(response)
