"""The public agency register (/skpd/) and an agency's page (/skpd/<slug>/), through real HTTP requests."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from agencies.models import Agency, AgencyEnd, AgencyStatus, CertificationReport, FormerName
from certifications.dates import DatePrecision
from certifications.models import Audit, Certificate, Finding
from tests.factories import (
    AgencyFactory,
    AuditFactory,
    CeremonyFactory,
    CertificateFactory,
    CertificationBodyFactory,
    FindingFactory,
    ProgrammeFactory,
    ProgrammeMemberFactory,
    StandardFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = "2013-12-31"
REGISTER = "/skpd/"


@pytest.fixture(autouse=True)
def indonesian():
    """Links built in a test (get_absolute_url) are Indonesian, whatever language an earlier request left active."""
    with translation.override("id"):
        yield


@pytest.fixture
def loaded():
    call_command("load_initial_agencies", verbosity=0)


def names(response) -> list[str]:
    return [agency.name for agency in response.context["page"].object_list]


def statuses(response) -> dict[str, str]:
    return {agency.name: agency.status for agency in response.context["page"].object_list}


def summary(response) -> dict[str, int]:
    return {item["status"]: item["count"] for item in response.context["summary"]}


def html(response) -> str:
    return response.content.decode()


def assert_bad_parameter(response, parameter: str) -> None:
    assert response.status_code == 400
    assert f"<code>{parameter}</code>" in html(response)


RSKIA = "Rumah Sakit Khusus Ibu dan Anak"
ARSIP = "Kantor Perpustakaan dan Arsip Daerah"


@pytest.fixture
def one_of_each():
    """On 2013-12-31: one agency in each status, with kinds and short names to search and sort by."""
    certified = CertificateFactory(
        agency=AgencyFactory(name="Dinas Kebudayaan", short_name="Disbud", kind=Agency.Kind.DEPARTMENT)
    ).agency
    suspended = CertificateFactory(
        agency=AgencyFactory(name="Badan Kepegawaian Daerah", short_name="BKD", kind=Agency.Kind.BOARD),
        status=Certificate.Status.SUSPENDED,
        status_changed_on=D(2013, 6, 1),
        status_reason="Audit surveilans tidak dilaksanakan.",
    ).agency
    withdrawn = CertificateFactory(
        agency=AgencyFactory(name="Kecamatan Coblong", kind=Agency.Kind.DISTRICT),
        status=Certificate.Status.WITHDRAWN,
        status_changed_on=D(2013, 7, 1),
        status_reason="Dicabut lembaga.",
    ).agency
    expired = CertificateFactory(
        agency=AgencyFactory(name="Puskesmas Garuda", kind=Agency.Kind.HEALTH_CENTRE),
        issued_on=D(2009, 1, 1),
        expires_on=D(2011, 12, 31),
    ).agency
    # Issued in 2013; nobody knows its expiry.
    validity_unknown = CertificateFactory(
        agency=AgencyFactory(name=RSKIA, kind=Agency.Kind.HOSPITAL),
        issued_on=D(2013, 1, 2),
        expires_on=None,
        expires_precision="unknown",
    ).agency
    not_yet = AgencyFactory(
        name="Sekretariat Daerah",
        short_name="Setda",
        kind=Agency.Kind.SECRETARIAT,
        certification_reported=CertificationReport.NOT_CERTIFIED,
    )
    unknown = AgencyFactory(name=ARSIP, kind=Agency.Kind.OFFICE)
    return {
        AgencyStatus.CERTIFIED: certified,
        AgencyStatus.VALIDITY_UNKNOWN: validity_unknown,
        AgencyStatus.SUSPENDED: suspended,
        AgencyStatus.WITHDRAWN: withdrawn,
        AgencyStatus.EXPIRED: expired,
        AgencyStatus.NOT_YET: not_yet,
        AgencyStatus.UNKNOWN: unknown,
    }


# The register ------------------------------------------------------------------------------


def test_register_shows_every_agency_with_kind_and_status_in_words(client, one_of_each):
    response = client.get(REGISTER, {"per": DAY})
    assert response.status_code == 200
    assert statuses(response) == {agency.name: status for status, agency in one_of_each.items()}
    page = html(response)
    labels = (
        "bersertifikat",
        "masa berlaku tidak diketahui",
        "dibekukan",
        "dicabut",
        "tidak berlaku lagi",
        "belum bersertifikat",
        "status tidak diketahui",
    )
    for label in labels:
        assert f">{label}</span>" in page
    for kind in ("Dinas", "Badan", "Kecamatan", "Puskesmas", "Sekretariat", "Kantor", "Rumah sakit"):
        assert f"<td>{kind}</td>" in page
    assert '<span class="short-name">(BKD)</span>' in page
    assert "7 SKPD ditemukan." in page


def test_on_the_deadline_the_initial_load_shows_44_certified(client, loaded):
    response = client.get(REGISTER, {"per": DAY})
    heading = html(response).split('data-testid="summary-heading">', 1)[1].split("</h2>", 1)[0]
    assert " ".join(heading.split()) == "45 SKPD tercatat dari 83, per 31 Desember 2013"
    assert "Portal mencatat 45 dari 83 SKPD itu; 10 di antaranya dikenal namanya menurut sumber." in html(response)
    assert "Seluruh" not in heading
    assert summary(response)[AgencyStatus.CERTIFIED] == 44
    # Dinas Kesehatan: no source says whether it was certified.
    assert summary(response)[AgencyStatus.NOT_YET] == 0
    assert summary(response)[AgencyStatus.UNKNOWN] == 1
    certified = client.get(REGISTER, {"per": DAY, "status": "certified"})
    assert certified.context["page"].paginator.count == 44
    assert "44 SKPD ditemukan." in html(certified)
    assert set(statuses(certified).values()) == {AgencyStatus.CERTIFIED}


def test_today_the_initial_load_shows_none_certified_and_44_no_longer_valid(client, loaded):
    response = client.get(REGISTER)
    assert summary(response) == {
        "certified": 0,
        "validity_unknown": 0,
        "suspended": 0,
        "withdrawn": 0,
        "expired": 44,
        "not_yet": 0,
        "unknown": 1,
    }
    assert client.get(REGISTER, {"status": "certified"}).context["page"].paginator.count == 0
    lapsed = client.get(REGISTER, {"status": "expired"})
    assert lapsed.context["page"].paginator.count == 44
    assert html(lapsed).count(">tidak berlaku lagi</span>") == 25  # one page of them


def test_the_day_shown_is_said_with_a_link_back_to_today(client, one_of_each):
    past = html(client.get(REGISTER, {"per": DAY, "q": "dinas"}))
    assert "Keadaan per 31 Desember 2013." in past
    assert "bukan hari ini" in past
    today = timezone.localdate()
    assert f'<a href="/skpd/?q=dinas">Lihat keadaan hari ini ({today:%-d} ' in past
    current = html(client.get(REGISTER))
    assert "Keadaan hari ini," in current
    assert "Lihat keadaan hari ini" not in current


def test_the_status_follows_the_day(client, one_of_each):
    """The expired agency was certified in 2010; the suspended one before its suspension."""
    assert statuses(client.get(REGISTER, {"per": "2010-06-01"}))["Puskesmas Garuda"] == AgencyStatus.CERTIFIED
    assert statuses(client.get(REGISTER, {"per": "2013-05-31"}))["Badan Kepegawaian Daerah"] == "certified"
    assert statuses(client.get(REGISTER, {"per": "2012-01-01"}))["Dinas Kebudayaan"] == AgencyStatus.NOT_YET


@pytest.mark.parametrize("status", AgencyStatus.values)
def test_filter_by_status(client, one_of_each, status):
    response = client.get(REGISTER, {"per": DAY, "status": status})
    assert names(response) == [one_of_each[status].name]
    assert f'<option value="{status}" selected>' in html(response)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("dinas", ["Dinas Kebudayaan"]), ("puskesmas", ["Puskesmas Garuda"]), ("inspektorat", [])],
)
def test_filter_by_kind(client, one_of_each, kind, expected):
    response = client.get(REGISTER, {"jenis": kind})
    assert names(response) == expected
    assert f'<option value="{kind}" selected>' in html(response)


# The register's ?jenis= words, as its links have always spelled them; the stored values are English.
JENIS = [
    ("sekretariat", "Sekretariat", Agency.Kind.SECRETARIAT),
    ("dinas", "Dinas", Agency.Kind.DEPARTMENT),
    ("badan", "Badan", Agency.Kind.BOARD),
    ("kantor", "Kantor", Agency.Kind.OFFICE),
    ("inspektorat", "Inspektorat", Agency.Kind.INSPECTORATE),
    ("satpol_pp", "Satuan Polisi Pamong Praja", Agency.Kind.CIVIL_SERVICE_POLICE),
    ("kecamatan", "Kecamatan", Agency.Kind.DISTRICT),
    ("rumah_sakit", "Rumah sakit", Agency.Kind.HOSPITAL),
    ("puskesmas", "Puskesmas", Agency.Kind.HEALTH_CENTRE),
    ("lainnya", "Lainnya", Agency.Kind.OTHER),
    ("tidak_diketahui", "Belum diketahui", Agency.Kind.UNKNOWN),
]


def test_the_kind_options_are_the_indonesian_words_in_the_registers_order(client):
    select = re.search(r'<select name="jenis".*?</select>', html(client.get(REGISTER)), flags=re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    assert options == [("", "Semua jenis"), *((word, label) for word, label, _kind in JENIS)]


@pytest.mark.parametrize(("word", "label", "kind"), JENIS)
def test_an_old_kind_link_finds_the_agencies_of_that_kind(client, word, label, kind):
    AgencyFactory(name=f"SKPD {label}", kind=kind)
    AgencyFactory(name="SKPD lain", kind=Agency.Kind.BOARD if kind == Agency.Kind.OTHER else Agency.Kind.OTHER)
    response = client.get(REGISTER, {"jenis": word, "urut": "-nama"})
    assert names(response) == [f"SKPD {label}"]
    # The links the page writes carry the same word.
    assert response.context["sort"]["nama"]["url"] == f"/skpd/?jenis={word}"
    assert f'<option value="{word}" selected>' in html(response)


@pytest.mark.parametrize("stored", ["department", "district", "unknown"])
def test_the_stored_english_value_is_not_a_public_parameter(client, stored):
    assert_bad_parameter(client.get(REGISTER, {"jenis": stored}), "jenis")


def test_filters_combine(client, one_of_each):
    AgencyFactory(name="Dinas Pendidikan", kind=Agency.Kind.DEPARTMENT)
    response = client.get(REGISTER, {"per": DAY, "jenis": "dinas", "status": "unknown"})
    assert names(response) == ["Dinas Pendidikan"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("kebudayaan", ["Dinas Kebudayaan"]),  # part of the name, other case
        ("DINAS KEB", ["Dinas Kebudayaan"]),
        ("bkd", ["Badan Kepegawaian Daerah"]),  # the short name, other case
        ("SETDA", ["Sekretariat Daerah"]),
        ("  coblong  ", ["Kecamatan Coblong"]),  # surrounding spaces ignored
        ("daerah", ["Badan Kepegawaian Daerah", ARSIP, "Sekretariat Daerah"]),
        ("tidak ada", []),
    ],
)
def test_search_by_name_or_short_name_ignores_case(client, one_of_each, q, expected):
    response = client.get(REGISTER, {"q": q})
    assert response.status_code == 200
    assert names(response) == expected


def test_the_form_keeps_what_the_visitor_typed(client, one_of_each):
    page = html(client.get(REGISTER, {"q": "Dinas <b>", "jenis": "badan", "status": "expired", "per": DAY}))
    assert 'name="q" value="Dinas &lt;b&gt;"' in page
    assert '<option value="badan" selected>' in page
    assert '<option value="expired" selected>' in page
    assert 'name="per" value="2013-12-31"' in page
    for field in ("q", "jenis", "status", "per", "urut"):
        assert f'<label for="id_{field}">' in page
    assert 'method="get"' in page


def test_an_empty_result_says_so(client, one_of_each):
    response = client.get(REGISTER, {"q": "tidak ada yang begini"})
    page = html(response)
    assert "0 SKPD ditemukan." in page
    assert "Tidak ada SKPD yang cocok dengan pencarian dan saringan ini." in page
    assert "<table" not in page


BKD, DISBUD, COBLONG, GARUDA, SETDA = (
    "Badan Kepegawaian Daerah",
    "Dinas Kebudayaan",
    "Kecamatan Coblong",
    "Puskesmas Garuda",
    "Sekretariat Daerah",
)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("", [BKD, DISBUD, ARSIP, COBLONG, GARUDA, RSKIA, SETDA]),
        ("nama", [BKD, DISBUD, ARSIP, COBLONG, GARUDA, RSKIA, SETDA]),
        ("-nama", [SETDA, RSKIA, GARUDA, COBLONG, ARSIP, DISBUD, BKD]),
        # Kinds in the order of the SKPD register: sekretariat, dinas, badan, kantor, ..., kecamatan, rumah
        # sakit, puskesmas.
        ("jenis", [SETDA, DISBUD, BKD, ARSIP, COBLONG, RSKIA, GARUDA]),
        ("-jenis", [GARUDA, RSKIA, COBLONG, ARSIP, BKD, DISBUD, SETDA]),
        # Statuses from certified through validity unknown, suspended, withdrawn, expired and not yet to unknown.
        ("status", [DISBUD, RSKIA, BKD, COBLONG, GARUDA, SETDA, ARSIP]),
        ("-status", [ARSIP, SETDA, GARUDA, COBLONG, BKD, RSKIA, DISBUD]),
    ],
)
def test_sort_keys(client, one_of_each, key, expected):
    assert names(client.get(REGISTER, {"per": DAY, "urut": key})) == expected


def test_name_sort_ignores_case(client):
    AgencyFactory(name="badan kecil")
    AgencyFactory(name="Badan Besar")
    AgencyFactory(name="Dinas A")
    assert names(client.get(REGISTER, {"urut": "nama"})) == ["Badan Besar", "badan kecil", "Dinas A"]


def test_column_headers_sort_keep_the_other_parameters_and_restart_at_page_one(client, one_of_each):
    response = client.get(REGISTER, {"q": "a", "per": DAY, "urut": "nama", "halaman": "1"})
    sort = response.context["sort"]
    assert sort["nama"] == {"url": "/skpd/?q=a&urut=-nama&per=2013-12-31", "sort": "ascending"}
    assert sort["jenis"] == {"url": "/skpd/?q=a&urut=jenis&per=2013-12-31", "sort": ""}
    page = html(response)
    assert 'aria-sort="ascending"><a href="/skpd/?q=a&amp;urut=-nama&amp;per=2013-12-31">' in page
    descending = client.get(REGISTER, {"urut": "-status"}).context["sort"]["status"]
    assert descending == {"url": "/skpd/?urut=status", "sort": "descending"}


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("urut", "name"),
        ("urut", "audits__findings__description"),
        ("jenis", "dinas-dinas"),
        ("status", "valid"),
    ],
)
def test_an_unknown_choice_is_a_400_naming_the_parameter(client, one_of_each, parameter, value):
    response = client.get(REGISTER, {parameter: value})
    assert_bad_parameter(response, parameter)
    assert "pilihan yang valid" in html(response)


@pytest.mark.parametrize(("value", "message"), [("2013-02-30", "ada di kalender"), ("1900-01-01", "harus antara 1990")])
def test_a_bad_day_is_a_400_naming_per(client, value, message):
    for path in (REGISTER, reverse("agencies:detail", kwargs={"slug": AgencyFactory().slug})):
        response = client.get(path, {"per": value})
        assert_bad_parameter(response, "per")
        assert message in html(response)


def test_a_nul_byte_in_the_search_is_a_400_not_a_500(client, one_of_each):
    response = client.get(REGISTER, {"q": "Dinas\x00"})
    assert_bad_parameter(response, "q")


def test_pages_of_25(client):
    for number in range(30):
        AgencyFactory(name=f"Dinas Nomor {number:02d}")
    first = client.get(REGISTER)
    assert len(names(first)) == 25
    assert names(first)[0] == "Dinas Nomor 00"
    assert "30 SKPD ditemukan." in html(first)
    assert "Halaman 1 dari 2: SKPD ke-1 sampai ke-25." in html(first)
    second = client.get(REGISTER, {"halaman": "2"})
    assert names(second) == [f"Dinas Nomor {number}" for number in range(25, 30)]
    assert '<span aria-current="page"><span class="visually-hidden">Halaman </span>2</span>' in html(second)


@pytest.mark.parametrize(
    ("value", "page"), [("abc", 1), ("", 1), ("0", 2), ("-1", 2), ("999999999999", 2), ("9" * 50, 2)]
)
def test_page_numbers_are_tolerated(client, value, page):
    AgencyFactory.create_batch(30)
    response = client.get(REGISTER, {"halaman": value})
    assert response.status_code == 200
    assert response.context["page"].number == page


def test_paging_keeps_every_parameter(client):
    for number in range(30):
        AgencyFactory(name=f"Dinas Nomor {number:02d} & co", kind=Agency.Kind.DEPARTMENT)
    response = client.get(REGISTER, {"q": "& co", "jenis": "dinas", "urut": "-nama", "per": DAY})
    assert names(response)[0] == "Dinas Nomor 29 & co"
    assert response.context["next_url"] == "/skpd/?q=%26+co&jenis=dinas&urut=-nama&per=2013-12-31&halaman=2"
    assert 'href="/skpd/?q=%26+co&amp;jenis=dinas&amp;urut=-nama&amp;per=2013-12-31&amp;halaman=2"' in html(response)
    second = client.get(response.context["next_url"])
    assert names(second) == [f"Dinas Nomor {number:02d} & co" for number in range(4, -1, -1)]
    assert second.context["previous_url"] == "/skpd/?q=%26+co&jenis=dinas&urut=-nama&per=2013-12-31&halaman=1"


def test_rows_link_to_the_agency_page_on_the_same_day(client, one_of_each):
    agency = one_of_each[AgencyStatus.CERTIFIED]
    assert f'<a href="{agency.get_absolute_url()}">Dinas Kebudayaan</a>' in html(client.get(REGISTER))
    past = html(client.get(REGISTER, {"per": DAY}))
    assert f'<a href="{agency.get_absolute_url()}?per=2013-12-31">Dinas Kebudayaan</a>' in past


def test_unconfirmed_names_are_marked_in_plain_words(client):
    AgencyFactory(name="Dinas Bernama")
    AgencyFactory(name="SKPD bersertifikat sebelumnya #01 (nama belum diketahui)", name_confirmed=False)
    page = html(client.get(REGISTER))
    assert page.count("nama belum diketahui / belum dikonfirmasi</span>") == 1
    row = re.search(r"<tr>\s*<th scope=\"row\">\s*<a[^>]*>SKPD bersertifikat.*?</tr>", page, re.S).group(0)
    assert "belum dikonfirmasi" in row


def test_html_in_an_agency_name_is_escaped(client):
    agency = AgencyFactory(name="<script>alert(1)</script>", short_name="<b>x</b>")
    for path in (REGISTER, agency.get_absolute_url()):
        page = html(client.get(path))
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<b>x</b>" not in page


def test_english_register_and_page(client, one_of_each):
    response = client.get("/en/skpd/")
    assert response.status_code == 200
    assert '<html lang="en">' in html(response)
    agency = one_of_each[AgencyStatus.CERTIFIED]
    assert f'href="/en/skpd/{agency.slug}/"' in html(response)
    assert client.get(f"/en/skpd/{agency.slug}/").status_code == 200


@pytest.mark.parametrize("path", [REGISTER, "/skpd/dinas-x/"])
def test_head_is_allowed_and_writes_are_not(client, path):
    AgencyFactory(slug="dinas-x")
    assert client.head(path).status_code == 200
    for method in ("post", "put", "delete", "trace"):
        assert getattr(client, method)(path).status_code == 405


@pytest.mark.parametrize("rows", [3, 40])
def test_register_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    ProgrammeFactory()
    for number in range(rows):
        certificate = CertificateFactory(agency=AgencyFactory(parent=AgencyFactory() if number % 2 else None))
        AuditFactory(agency=certificate.agency)
    # The status counts, the page of agencies with its count, the programme and its members.
    with django_assert_max_num_queries(5):
        response = client.get(REGISTER, {"per": DAY, "q": "dinas", "urut": "status"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == rows + rows // 2


# The agency page ---------------------------------------------------------------------------


def test_unknown_agency_is_a_404(client):
    assert client.get("/skpd/tidak-ada/").status_code == 404
    assert client.get("/en/skpd/tidak-ada/").status_code == 404


@pytest.fixture
def renamed():
    """An agency whose slug changed twice (agencies.former_slugs keeps the old ones)."""
    agency = AgencyFactory(name="Dinas Perhubungan", slug="skpd-belum-teridentifikasi-25")
    for slug in ("dishub", "dinas-perhubungan"):
        agency.slug = slug
        agency.save()
    return agency


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/skpd/skpd-belum-teridentifikasi-25/", "/skpd/dinas-perhubungan/"),
        ("/skpd/dishub/?per=2013-12-31", "/skpd/dinas-perhubungan/?per=2013-12-31"),
        (
            "/en/skpd/skpd-belum-teridentifikasi-25/?per=2013-12-31&x=1",
            "/en/skpd/dinas-perhubungan/?per=2013-12-31&x=1",
        ),
    ],
)
def test_a_former_address_redirects_permanently_to_the_current_one(client, renamed, path, location):
    response = client.get(path)
    assert (response.status_code, response["Location"]) == (301, location)
    assert client.get(location).status_code == 200


def test_a_redirect_costs_one_query_more_than_a_404(client, renamed, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get("/skpd/dishub/").status_code == 301
    with django_assert_max_num_queries(2):
        assert client.get("/skpd/tidak-pernah-ada/").status_code == 404


def test_agency_page_shows_what_is_known(client):
    parent = AgencyFactory(name="Dinas Kesehatan", slug="dinas-kesehatan")
    agency = AgencyFactory(
        name="Puskesmas Margahayu Raya",
        short_name="PKM MR",
        kind=Agency.Kind.HEALTH_CENTRE,
        parent=parent,
        source="Perda 13/2007",
        notes="Di bawah Dinas Kesehatan.",
    )
    page = html(client.get(agency.get_absolute_url()))
    assert "<h1>Puskesmas Margahayu Raya" in page
    assert "PKM MR" in page
    assert "<dd>Puskesmas</dd>" in page
    assert '<a href="/skpd/dinas-kesehatan/">Dinas Kesehatan</a>' in page
    assert "ya, nama ini tertulis dalam sumber" in page
    assert "Perda 13/2007" in page
    assert "Di bawah Dinas Kesehatan." in page
    assert "Tidak ada sertifikat yang tercatat untuk SKPD ini." in page
    assert "Tidak ada audit yang tercatat untuk SKPD ini." in page
    assert "Tidak ada temuan yang tercatat." in page


def test_agency_page_lists_children_and_keeps_the_day(client):
    parent = AgencyFactory(name="Dinas Kesehatan")
    child = CertificateFactory(agency=AgencyFactory(name="Puskesmas Garuda", parent=parent)).agency
    AgencyFactory(name="Puskesmas Lain")  # not a child
    page = html(client.get(parent.get_absolute_url(), {"per": DAY}))
    assert f'<a href="{child.get_absolute_url()}?per=2013-12-31">Puskesmas Garuda</a>' in page
    assert "Puskesmas Lain" not in page
    children = re.search(r'data-testid="children">(.*?)</ul>', page, re.S).group(1)
    assert ">bersertifikat</span>" in children


def test_agency_page_marks_an_unconfirmed_name(client, loaded):
    page = html(client.get("/skpd/skpd-belum-teridentifikasi-01/"))
    assert "Nama SKPD ini belum diketahui / belum dikonfirmasi" in page
    assert "Belum diketahui" in page  # the kind
    assert "paling lambat 2012" in page


def test_agency_page_status_on_the_day(client, one_of_each):
    agency = one_of_each[AgencyStatus.SUSPENDED]
    before = client.get(agency.get_absolute_url(), {"per": "2013-05-31"})
    assert before.context["agency"].status == AgencyStatus.CERTIFIED
    assert "Status per 31 Mei 2013" in html(before)
    assert f'<a href="{agency.get_absolute_url()}">Lihat keadaan hari ini' in html(before)
    after = client.get(agency.get_absolute_url(), {"per": DAY})
    assert after.context["agency"].status == AgencyStatus.SUSPENDED
    assert '<span class="status status-suspended">dibekukan</span>' in html(after)
    today = client.get(agency.get_absolute_url())
    assert "Status hari ini" in html(today)
    assert "Lihat keadaan hari ini" not in html(today)


@pytest.mark.parametrize(
    ("prefix", "words", "why"),
    [
        ("", "masa berlaku tidak diketahui", "tanggal kedaluwarsanya tidak diketahui"),
        ("/en", "validity unknown", "its expiry date is unknown"),
    ],
)
def test_agency_page_with_a_certificate_of_unknown_expiry_says_its_validity_is_unknown(client, prefix, words, why):
    """Never silently "no longer valid": the agency's status, the certificate's state and its expiry say so."""
    agency = CertificateFactory(issued_on=D(2013, 1, 2), expires_on=None, expires_precision="unknown").agency
    response = client.get(f"{prefix}/skpd/{agency.slug}/", {"per": DAY})
    assert response.context["agency"].status == AgencyStatus.VALIDITY_UNKNOWN
    page = html(response)
    assert f'<span class="status status-validity_unknown">{words}</span>' in page
    assert f'<span class="state state-validity_unknown">{words}</span>' in page
    assert re.search(rf"<dt>[^<]+</dt><dd>{words}</dd>", page)  # valid until: the expiry
    assert why in page.split('data-testid="status-why">', 1)[1].split("</p>", 1)[0]
    assert "status-expired" not in page and "state-expired" not in page


def test_agency_page_certificate_history(client):
    agency = AgencyFactory()
    ceremony = CeremonyFactory(title="Penyerahan di Hotel Grand Pasundan")
    known = CertificateFactory(
        agency=agency,
        number="QMS-0042",
        body=CertificationBodyFactory(name="Lembaga Mutu Nusantara"),
        scope="Pelayanan perizinan",
        status=Certificate.Status.SUSPENDED,
        status_changed_on=D(2013, 6, 1),
        status_reason="Audit surveilans tidak dilaksanakan.",
        source="Salinan sertifikat",
        notes="Diperiksa staf.",
    )
    ceremony.certificates.add(known)
    CertificateFactory(
        agency=agency,
        issued_on=D(2012, 12, 31),
        issued_precision=DatePrecision.ABOUT_YEAR,
        expires_on=D(2015, 12, 31),
        expires_precision=DatePrecision.ABOUT_YEAR,
    )
    response = client.get(agency.get_absolute_url(), {"per": DAY})
    page = html(response)
    assert "ISO 9001:2008, nomor QMS-0042" in page
    assert "Lembaga Mutu Nusantara" in page
    assert "Pelayanan perizinan" in page
    assert "14 Mei 2012" in page and "13 Mei 2015" in page
    assert "dibekukan, perubahan status terakhir 1 Juni 2013. Alasan: Audit surveilans tidak dilaksanakan." in page
    assert f'<a href="{ceremony.get_absolute_url()}">Penyerahan di Hotel Grand Pasundan</a> (sekitar 2012)' in page
    assert "Salinan sertifikat" in page and "Diperiksa staf." in page
    # The unknown stays unknown, and rough dates stay rough.
    assert "ISO 9001:2008, nomor tidak diketahui" in page
    assert "<dd>sekitar 2012</dd>" in page and "<dd>sekitar 2015</dd>" in page
    assert "31 Desember 2012" not in page
    assert page.count("<dt>Lembaga sertifikasi</dt><dd>tidak diketahui</dd>") == 1
    assert page.count("<dt>Ruang lingkup</dt><dd>tidak diketahui</dd>") == 1
    assert "aktif: tidak pernah tercatat dibekukan atau dicabut" in page
    # Each certificate's state on the day.
    states = [certificate.state_label for certificate in response.context["certificates"]]
    assert sorted(states) == ["berlaku", "dibekukan"]
    assert "Pada 31 Desember 2013:" in page


@pytest.mark.parametrize(
    ("issued", "expires", "day", "state"),
    [
        (D(2012, 5, 14), D(2015, 5, 13), "2012-01-01", "belum berlaku"),
        (D(2012, 5, 14), D(2015, 5, 13), "2013-12-31", "berlaku"),
        (D(2012, 5, 14), D(2015, 5, 13), "2016-01-01", "kedaluwarsa"),
        (D(2016, 6, 1), D(2019, 5, 31), "2018-10-01", "standarnya tidak berlaku lagi"),
    ],
)
def test_agency_page_certificate_state_on_the_day(client, issued, expires, day, state):
    certificate = CertificateFactory(issued_on=issued, expires_on=expires)
    page = html(client.get(certificate.agency.get_absolute_url(), {"per": day}))
    pattern = r'Pada \d+ \w+ \d{4}: <span class="state state-\w+">' + re.escape(state) + "</span>"
    assert re.search(pattern, page)


def test_agency_page_audits(client):
    agency = AgencyFactory()
    AuditFactory(
        agency=agency,
        kind=Audit.Kind.STAGE_2,
        starts_on=D(2012, 3, 1),
        ends_on=D(2012, 3, 2),
        body=CertificationBodyFactory(name="Lembaga Audit Prima"),
        status=Audit.Status.COMPLETED,
        summary="Ringkasan internal yang tidak perlu tampil.",
    )
    AuditFactory(agency=agency, kind=Audit.Kind.INTERNAL, starts_on=D(2013, 1, 10), ends_on=None)
    AuditFactory(agency=agency, kind=Audit.Kind.STAGE_1, starts_on=D(2011, 11, 1), ends_on=None, status="cancelled")
    AuditFactory(kind=Audit.Kind.SPECIAL)  # another agency's
    page = html(client.get(agency.get_absolute_url()))
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", page)
    assert rows == [
        ("10 Januari 2013", "audit internal", "auditor internal", "direncanakan"),
        ("1 Maret 2012 – 2 Maret 2012", "audit tahap 2", "Lembaga Audit Prima", "selesai"),
        ("1 November 2011", "audit tahap 1", "tidak diketahui", "dibatalkan"),
    ]
    assert "audit khusus" not in page


def test_findings_are_counted_but_their_text_is_not_public(client):
    agency = AgencyFactory()
    audit = AuditFactory(agency=agency)
    secret = {
        "description": "Uraian rahasia temuan",
        "evidence": "Bukti rahasia",
        "correction": "Koreksi rahasia",
        "root_cause": "Akar rahasia",
        "corrective_action": "Tindakan rahasia",
    }
    answered = {**secret, "action_proposed_on": D(2012, 3, 20)}
    FindingFactory.create_batch(2, audit=audit, grade=Finding.Grade.MAJOR, **secret)
    FindingFactory(
        audit=audit,
        grade=Finding.Grade.MINOR,
        status=Finding.Status.CLOSED,
        closed_on=D(2012, 4, 1),
        verification="Verifikasi rahasia",
        verified_by=UserFactory(),
        **answered,
    )
    FindingFactory(
        audit=AuditFactory(agency=agency),
        grade=Finding.Grade.MINOR,
        status=Finding.Status.ACTION_PROPOSED,
        **{**answered, "corrective_action": "Tindakan diusulkan rahasia"},
    )
    FindingFactory(audit=audit, grade=Finding.Grade.OBSERVATION, **secret)  # noted
    FindingFactory(grade=Finding.Grade.OBSERVATION)  # another agency's
    response = client.get(agency.get_absolute_url())
    page = html(response)
    for text in [*secret.values(), "Verifikasi rahasia", "Dokumen kedaluwarsa masih beredar."]:
        assert text not in page
    assert "rahasia" not in page
    table = response.context["findings"]
    assert table["total"] == 5
    assert [(row["label"], row["cells"], row["total"]) for row in table["rows"]] == [
        ("ketidaksesuaian mayor", [2, 0, 0, 0], 2),
        ("ketidaksesuaian minor", [0, 1, 1, 0], 2),
        ("observasi", [0, 0, 0, 1], 1),
        ("peluang perbaikan", [0, 0, 0, 0], 0),
    ]
    assert table["totals"] == [2, 1, 1, 1]
    found = re.search(r'data-testid="findings">(.*?)</table>', page, re.S).group(1)
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found)
    assert cells[:6] == ["Kategori", "terbuka", "tindakan diusulkan", "ditutup", "dicatat, tanpa tindakan", "Jumlah"]
    assert cells[6:12] == ["ketidaksesuaian mayor", "2", "0", "0", "0", "2"]
    assert cells[-6:] == ["Jumlah", "2", "1", "1", "1", "5"]
    assert '<caption id="findings-caption">' in page


@pytest.mark.parametrize("rows", [3, 40])
def test_agency_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    agency = AgencyFactory(parent=AgencyFactory())
    ceremonies = CeremonyFactory.create_batch(2)
    for number in range(rows):
        certificate = CertificateFactory(agency=agency, body=CertificationBodyFactory())
        for ceremony in ceremonies:
            ceremony.certificates.add(certificate)
        audit = AuditFactory(agency=agency, body=certificate.body)
        FindingFactory(audit=audit, grade=Finding.Grade.values[number % 4])
        AgencyFactory(parent=agency)
        FormerName.objects.create(agency=agency, name=f"Nama Lama {number}", used_until=D(2010, 1, 1), source="Uji")
        ProgrammeMemberFactory(agency=agency)
    # The agency with its status, former names and memberships; children, certificates with
    # their ceremonies, audits, and the finding counts.
    with django_assert_max_num_queries(8):
        response = client.get(agency.get_absolute_url(), {"per": DAY})
    assert response.status_code == 200
    assert len(response.context["certificates"]) == rows
    assert response.context["findings"]["total"] == rows
    assert html(response).count('data-testid="certificate"') == rows


# What is known, and what is not --------------------------------------------------------------


def test_an_agency_nobody_reported_on_reads_status_unknown_and_one_reported_reads_not_yet(client):
    unknown = AgencyFactory(name="Dinas Kesehatan")
    reported = AgencyFactory(name="Dinas Sosial", certification_reported=CertificationReport.NOT_CERTIFIED)
    page = html(client.get(unknown.get_absolute_url()))
    assert ">status tidak diketahui</span>" in page
    assert "tidak ada laporan bahwa SKPD ini belum bersertifikat" in page
    page = html(client.get(reported.get_absolute_url()))
    assert ">belum bersertifikat</span>" in page
    assert "Pemkot melaporkan SKPD ini belum bersertifikat" in page
    english = html(client.get(f"/en{unknown.get_absolute_url()}"))
    assert ">status unknown</span>" in english


def test_former_names_show_with_their_dates_and_find_the_agency(client):
    agency = AgencyFactory(name="Dinas Pelayanan Pajak", slug="dinas-pelayanan-pajak")
    FormerName.objects.create(
        agency=agency, name="Dinas Pendapatan Daerah", used_until=D(2013, 6, 30), source="Perda Kota Bandung 05/2013"
    )
    AgencyFactory(name="Dinas Sosial")
    page = html(client.get(agency.get_absolute_url()))
    former = page.split('data-testid="former-names">', 1)[1].split("</ul>", 1)[0]
    assert "Dinas Pendapatan Daerah, dipakai sampai 30 Juni 2013" in former
    assert "Perda Kota Bandung 05/2013" in former
    assert names(client.get(REGISTER, {"q": "pendapatan"})) == ["Dinas Pelayanan Pajak"]
    # On a day it went by its former name, the register says so; after it, it does not.
    before = client.get(REGISTER, {"per": "2013-06-30", "q": "pajak"})
    assert "pada hari itu bernama Dinas Pendapatan Daerah" in html(before)
    after = client.get(REGISTER, {"per": "2013-07-01", "q": "pajak"})
    assert 'data-testid="name-then"' not in html(after)


def test_a_merged_agency_says_so_and_counts_until_its_membership_ends(client):
    programme = ProgrammeFactory(target_agencies=83, members=[])
    kiwari = AgencyFactory(name="RSUD Bandung Kiwari", kind=Agency.Kind.HOSPITAL, member=False)
    rskia = AgencyFactory(
        name="Rumah Sakit Khusus Ibu dan Anak",
        kind=Agency.Kind.HOSPITAL,
        ceased_on=D(2020, 1, 1),
        ceased_how=AgencyEnd.MERGED,
        merged_into=kiwari,
        member=False,
    )
    iso_2015 = StandardFactory(code="ISO 9001:2015", published_on=D(2015, 9, 15), certificates_valid_until=None)
    CertificateFactory(agency=rskia, standard=iso_2015, issued_on=D(2018, 1, 1), expires_on=D(2020, 12, 31))
    ProgrammeMemberFactory(programme=programme, agency=rskia, ends_on=D(2019, 12, 31))
    page = html(client.get(rskia.get_absolute_url()))
    ceased = page.split('data-testid="ceased">', 1)[1].split("</p>", 1)[0]
    assert "dilebur ke" in ceased and kiwari.get_absolute_url() in ceased and "1 Januari 2020" in ceased
    assert "sampai 31 Desember 2019" in page.split('data-testid="membership">', 1)[1].split("</dd>", 1)[0]
    assert ">dilebur ke SKPD lain</span>" in html(client.get(REGISTER, {"per": "2020-06-01", "q": "ibu"}))
    assert ">dilebur ke SKPD lain</span>" not in html(client.get(REGISTER, {"per": "2019-06-01", "q": "ibu"}))
    # It counts toward the target as it was on each day: until its membership ended.
    assert programme.progress(on=D(2019, 12, 31)).certified == 1
    assert programme.progress(on=D(2020, 6, 1)).certified == 0


def test_the_ninth_recipient_is_tagged_as_an_interpretation_wherever_it_shows(client, loaded):
    sukasari = Agency.objects.get(slug="kecamatan-sukasari")
    for url in (sukasari.get_absolute_url(), "/upacara/penyerahan-sertifikat-hotel-grand-pasundan/"):
        page = html(client.get(url))
        assert page.count('data-testid="interpretation"') == 1, url
        assert "dibaca sebagai penerima kesembilan" in page
    dashboard = html(client.get("/", {"per": "2012-12-31"}))
    assert "9 SKPD" in dashboard and "1 di antaranya tafsiran atas sumber" in dashboard
    # Another recipient of the same ceremony carries no such tag.
    satpol = html(client.get(Agency.objects.get(slug="satuan-polisi-pamong-praja").get_absolute_url()))
    assert 'data-testid="interpretation"' not in satpol
