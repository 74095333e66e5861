import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from certifications.dates import DatePrecision
from certifications.models import Certificate, Finding
from portal import dashboard
from portal.params import AsOf
from tests.factories import (
    AgencyFactory,
    AuditFactory,
    CeremonyFactory,
    CertificateFactory,
    FindingFactory,
    ProgrammeFactory,
    StandardFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
# Queries of a dashboard request once the stored figures are current, and of rebuilding them.
PAGE_QUERIES = 11  # with the programme's members counted on the day
REBUILD_QUERIES = 23  # with the current programme's memberships


@pytest.fixture
def loaded():
    call_command("load_initial_agencies", verbosity=0)


def iso_2015():
    return StandardFactory(code="ISO 9001:2015", published_on=D(2015, 9, 15), certificates_valid_until=None)


def test_after_the_deadline_it_leads_with_today_and_shows_the_deadline_beside(client, loaded):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    board = response.context["board"]
    assert (board.day, board.chosen, board.at_today) == (timezone.localdate(), False, None)
    assert (board.lead.certified, board.lead.remaining) == (0, 83)
    deadline = board.at_deadline
    assert deadline.on == D(2013, 12, 31)
    assert (deadline.certified, deadline.target, deadline.percent, deadline.remaining) == (44, 83, 53, 39)
    html = response.content.decode()
    figure = html.split('data-testid="deadline-figure">', 1)[1].split("</p>", 1)[0]
    assert " ".join(figure.split()) == "<strong>44</strong> dari 83 SKPD bersertifikat"
    figure = html.split('data-testid="lead-figure">', 1)[1].split("</p>", 1)[0]
    assert " ".join(figure.split()) == "<strong>0</strong> dari 83 SKPD bersertifikat"
    assert "Pada batas waktu <span" in html and "Hari ini <span" in html
    assert "Batas waktu itu sudah lewat" in html
    assert '<a href="/?per=2013-12-31" class="screen-only" data-testid="deadline-link">' in html


def test_the_deadline_is_one_link_away_and_shows_today_beside(client, loaded):
    response = client.get("/", {"per": "2013-12-31"})
    board = response.context["board"]
    assert (board.day, board.chosen, board.at_deadline) == (D(2013, 12, 31), True, None)
    assert (board.lead.certified, board.lead.target, board.lead.percent, board.lead.remaining) == (44, 83, 53, 39)
    assert (board.at_today.on, board.at_today.certified, board.at_today.remaining) == (timezone.localdate(), 0, 83)
    html = response.content.decode()
    assert "<strong>44</strong> dari 83 SKPD bersertifikat" in html
    assert "<strong>0</strong> dari 83 SKPD bersertifikat" in html
    assert "Pada batas waktu <span" in html
    assert 'data-testid="deadline-link"' not in html  # the page is already there


def counts(html: str, testid: str = "membership") -> dict[str, int]:
    section = html.split(f'data-testid="{testid}"', 1)[1].split("</section>", 1)[0]
    return {key: int(n) for key, n in re.findall(r'data-key="(\w+)"><strong>(\d+)</strong>', section)}


@pytest.mark.parametrize("day", ["2012-12-31", "2013-12-31"])
def test_the_target_is_read_as_what_the_records_show(client, loaded, day):
    html = client.get("/", {"per": day}).content.decode()
    assert "<strong>44</strong> dari 83 SKPD bersertifikat" in html
    # Nothing is on record from 2013: the deadline's figure says what it rests on.
    basis = html.split('data-testid="lead-basis">', 1)[1].split("</p>", 1)[0]
    if day.startswith("2013"):
        assert "Menurut catatan portal" in basis and "tidak ada catatan dari 2013" in basis
    else:
        assert "tidak ada catatan" not in basis
    assert "Portal mencatat 45 dari 83 SKPD itu; 10 di antaranya dikenal namanya menurut sumber." in html
    # Dinas Kesehatan: no source says whether it was certified.
    # A count of certificates whose validity is unknown is shown only when there is one.
    assert counts(html) == {"certified": 44, "not_certified": 0, "unknown": 1, "unlisted": 38}


@pytest.mark.parametrize("query", [{}, {"per": "2013-12-31"}])
def test_it_says_why_today_differs(client, loaded, query):
    html = client.get("/", query).content.decode()
    assert "44 SKPD memegang sertifikat yang sudah kedaluwarsa" in html
    assert "Sertifikat ISO 9001:2008 tidak berlaku lagi setelah 15 September 2018" in html
    assert "Tidak ada perpanjangan atau sertifikat baru yang tercatat" in html


def test_it_says_how_old_the_data_is(client, loaded):
    html = client.get("/").content.decode()
    assert 'data-testid="stale"' in html
    assert "Catatan terbaru di portal ini berasal dari tahun 2012" in html


def test_where_the_register_is_incomplete_it_says_so(client, loaded):
    html = client.get("/").content.decode()
    assert "Nama 35 SKPD belum diketahui, dan 44 sertifikat tidak bertanggal pasti" in html
    assert "Jenis dan nama 35 SKPD belum diketahui" in html
    assert "44 dari 83 SKPD bersertifikat (sekitar 2012)" in html
    assert "Lintasjabar.com" in html


def test_the_latest_ceremony_shows_its_approximate_date(client, loaded):
    html = client.get("/").content.decode()
    assert "Penyerahan sertifikat SMM ISO 9001:2008 kepada 9 SKPD" in html
    assert "sekitar 2012" in html
    assert "Hotel Grand Pasundan, Jln. Peta, Bandung" in html
    assert "/upacara/penyerahan-sertifikat-hotel-grand-pasundan/" in html


def test_the_chart_over_time_and_its_table_carry_the_same_numbers(client, loaded):
    response = client.get("/")
    points = {p.day: p.value for p in response.context["board"].series.points}
    assert points[D(2011, 12, 31)] == 0
    assert points[D(2012, 12, 31)] == 44
    assert points[D(2015, 12, 31)] == 44
    assert points[D(2016, 12, 31)] == 0
    assert points[timezone.localdate()] == 0
    html = response.content.decode()
    assert '<title id="over-time-title">' in html
    assert '<desc id="over-time-desc">' in html
    assert '<th scope="row">31 Desember 2012</th><td>44</td><td>83</td>' in html


def test_the_chart_by_kind(client, loaded):
    rows = {row["kind"]: row for row in client.get("/", {"per": "2013-12-31"}).context["board"].kind_rows}
    assert (rows[Agency.Kind.UNKNOWN]["total"], rows[Agency.Kind.UNKNOWN]["certified"]) == (35, 35)
    assert (rows[Agency.Kind.DEPARTMENT]["total"], rows[Agency.Kind.DEPARTMENT]["certified"]) == (4, 3)
    assert sum(row["certified"] for row in rows.values()) == 44
    # Today (the default), as the progress card beside the deadline's: none of those certificates holds.
    rows = {row["kind"]: row for row in client.get("/").context["board"].kind_rows}
    assert (rows[Agency.Kind.UNKNOWN]["total"], rows[Agency.Kind.UNKNOWN]["certified"]) == (35, 0)
    assert sum(row["certified"] for row in rows.values()) == 0


def test_svg_numbers_are_not_localised(client, loaded):
    """Indonesian writes 52,3; an SVG coordinate must stay 52.3."""
    html = client.get("/").content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 4  # two progress bars, two charts
    polyline = re.search(r'<polyline class="series" points="([^"]+)"', html).group(1)
    assert re.fullmatch(r"[\d.]+,[\d.]+( [\d.]+,[\d.]+)+", polyline)
    for svg in svgs:
        assert not re.search(r'="[\d.]*\d,\d+"', svg), svg


@pytest.mark.parametrize(("per", "certified"), [("2013-12-31", 44), ("2012-12-30", 0), ("2016-06-01", 0)])
def test_any_date_shows_the_state_on_that_day(client, loaded, per, certified):
    response = client.get("/", {"per": per})
    board = response.context["board"]
    assert board.chosen
    assert board.day == D.fromisoformat(per)
    assert board.lead.certified == certified
    assert "Kembali ke tampilan bawaan" in response.content.decode()


@pytest.mark.parametrize(
    ("per", "message"),
    [
        ("2013-02-30", "Tanggal harus berbentuk TTTT-BB-HH"),
        ("31-12-2013", "Tanggal harus berbentuk TTTT-BB-HH"),
        ("1900-01-01", "Tanggal harus antara 1990-01-01"),
        ("9999-12-31", "Tanggal harus antara 1990-01-01"),
        ("2013-12-31\x00", "Tanggal harus berbentuk TTTT-BB-HH"),
    ],
)
def test_a_bad_date_is_a_clear_400(client, per, message):
    response = client.get("/", {"per": per})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<code>per</code>" in html
    assert message in html


def test_before_the_deadline_it_leads_with_today(client):
    today = timezone.localdate()
    ProgrammeFactory(deadline=today + datetime.timedelta(days=400), target_agencies=10)
    CertificateFactory(
        standard=iso_2015(),
        issued_on=today - datetime.timedelta(days=10),
        expires_on=today + datetime.timedelta(days=1000),
    )
    response = client.get("/")
    board = response.context["board"]
    assert board.day == today
    assert (board.at_today, board.at_deadline) == (None, None)
    assert board.lead.certified == 1
    html = response.content.decode()
    assert "Batas waktu itu sudah lewat" not in html
    assert 'data-testid="deadline-link"' not in html
    assert "Batas waktu tinggal" in html
    assert "Mengapa angka hari ini" not in html
    assert 'data-testid="stale"' not in html


def test_the_breakdown_counts_a_certificate_without_expiry_as_validity_unknown(client):
    """Neither certified nor known not to be: its own line, and the target's other counts untouched."""
    today = timezone.localdate()
    CertificateFactory(
        standard=iso_2015(),
        issued_on=today - datetime.timedelta(days=10),
        expires_on=today + datetime.timedelta(days=1000),
    )
    CertificateFactory(
        standard=iso_2015(), issued_on=today - datetime.timedelta(days=10), expires_on=None, expires_precision="unknown"
    )
    ProgrammeFactory(deadline=today + datetime.timedelta(days=400), target_agencies=10)
    html = client.get("/").content.decode()
    assert counts(html) == {"certified": 1, "validity_unknown": 1, "not_certified": 0, "unknown": 0, "unlisted": 8}
    assert "masa berlaku tidak diketahui: sertifikat terbit, tanggal kedaluwarsanya tidak diketahui" in html


def test_attention_lists_suspended_withdrawn_and_expiring(client):
    day = D(2020, 6, 1)
    ProgrammeFactory()
    standard = iso_2015()
    suspended = CertificateFactory(
        standard=standard,
        agency=AgencyFactory(name="Dinas Dibekukan"),
        issued_on=D(2019, 1, 1),
        expires_on=D(2021, 12, 31),
        status=Certificate.Status.SUSPENDED,
        status_changed_on=D(2020, 3, 1),
        status_reason="Surveilans terlewat.",
    )
    CertificateFactory(
        standard=standard,
        agency=AgencyFactory(name="Dinas Dicabut"),
        issued_on=D(2019, 1, 1),
        expires_on=D(2021, 12, 31),
        status=Certificate.Status.WITHDRAWN,
        status_changed_on=D(2020, 4, 1),
        status_reason="Tidak diperbaiki.",
    )
    CertificateFactory(
        standard=standard,
        agency=AgencyFactory(name="Dinas Hampir Habis"),
        issued_on=D(2017, 7, 1),
        expires_on=D(2020, 6, 30),
    )
    CertificateFactory(standard=standard, issued_on=D(2019, 1, 1), expires_on=D(2022, 12, 31))
    board = client.get("/", {"per": day.isoformat()}).context["board"]
    assert sorted(a.name for a in board.suspended_or_withdrawn.rows) == ["Dinas Dibekukan", "Dinas Dicabut"]
    assert [c.agency.name for c in board.expiring.rows] == ["Dinas Hampir Habis"]
    html = client.get("/", {"per": day.isoformat()}).content.decode()
    assert "Dinas Dibekukan</a> — dibekukan" in html
    assert "Dinas Dicabut</a> — dicabut" in html
    assert suspended.agency.get_absolute_url() in html


def test_audits_and_findings_are_counted_by_grade(client):
    ProgrammeFactory()
    audit = AuditFactory(starts_on=D(2013, 3, 1), ends_on=D(2013, 3, 2), status="completed")
    FindingFactory(audit=audit, grade=Finding.Grade.MAJOR, description="RAHASIA-1")
    verified = {
        "status": "closed",
        "corrective_action": "Prosedur pengendalian dokumen direvisi.",
        "action_proposed_on": D(2013, 4, 1),
        "verification": "Daftar induk dokumen diperiksa ulang.",
        "verified_by": UserFactory(),
    }
    FindingFactory(audit=audit, grade=Finding.Grade.MINOR, closed_on=D(2013, 5, 1), **verified)
    FindingFactory(audit=audit, grade=Finding.Grade.MINOR, closed_on=D(2014, 5, 1), **verified)
    FindingFactory(audit=audit, grade=Finding.Grade.OBSERVATION)  # noted: neither open nor closed
    board = client.get("/", {"per": "2013-12-31"}).context["board"]
    counts = {row["grade"]: (row["open"], row["closed"], row["noted"]) for row in board.findings}
    assert counts == {"major": (1, 0, 0), "minor": (1, 1, 0), "observation": (0, 0, 1), "opportunity": (0, 0, 0)}
    assert (board.audits["total"], board.audits["completed"]) == (1, 1)
    assert "RAHASIA-1" not in client.get("/").content.decode()


def test_without_data_it_says_so(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Belum ada data program" in response.content.decode()


def test_text_from_the_database_is_escaped(client):
    ProgrammeFactory(name="<script>alert(1)</script>")
    AgencyFactory(name="<b>Dinas</b>")
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_english_lives_under_en_and_indonesian_is_the_default(client, loaded):
    english = client.get("/en/")
    assert english.status_code == 200
    assert english.context["LANGUAGE_CODE"] == "en"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.context["LANGUAGE_CODE"] == "id"
    assert '<html lang="id">' in response.content.decode()
    assert 'href="/en/?per=2013-12-31"' in client.get("/?per=2013-12-31").content.decode()


@pytest.mark.parametrize("agencies", [3, 40])
def test_a_fixed_number_of_queries(client, django_assert_max_num_queries, agencies, settings):
    settings.PUBLIC_CACHE_TIMEOUT = 0  # the view's own queries, not a page from the cache
    ProgrammeFactory()
    ceremony = CeremonyFactory()
    for i in range(agencies):
        certificate = CertificateFactory(agency=AgencyFactory(name_confirmed=i % 2 == 0))
        ceremony.certificates.add(certificate)
        audit = AuditFactory(agency=certificate.agency)
        FindingFactory(audit=audit)
    # The first request after the writes rebuilds the stored figures (portal.figures): a
    # write's cost, once per change, its inserts batched; every later request only reads them.
    with django_assert_max_num_queries(REBUILD_QUERIES + PAGE_QUERIES):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete", "trace"])
def test_only_safe_methods(client, method):
    assert getattr(client, method)("/").status_code == 405


def test_head_is_allowed(client):
    assert client.head("/").status_code == 200


@pytest.mark.parametrize(
    ("deadline", "today", "beside"),
    [
        (D(2028, 2, 29), D(2028, 2, 28), None),
        (D(2028, 2, 29), D(2028, 2, 29), None),  # on the deadline itself it has not passed
        (D(2028, 2, 29), D(2028, 3, 1), D(2028, 2, 29)),
        (D(2029, 2, 28), D(2029, 2, 28), None),
        (D(2029, 2, 28), D(2029, 3, 1), D(2029, 2, 28)),
        (D(2028, 12, 31), D(2028, 12, 31), None),
        (D(2028, 12, 31), D(2029, 1, 1), D(2028, 12, 31)),
        (D(2013, 12, 31), D(2028, 2, 29), D(2013, 12, 31)),
    ],
)
def test_today_leads_and_the_deadline_stands_beside_once_passed_on_awkward_days(deadline, today, beside):
    """Without ?per= the day shown is today, whatever the deadline (a chosen day: above)."""
    programme = ProgrammeFactory(deadline=deadline)
    board = dashboard.build(programme, today=today, as_of=AsOf(day=today, chosen=False))
    assert (board.day, board.lead.on, board.at_today) == (today, today, None)
    assert (board.at_deadline.on if board.at_deadline else None) == beside
    assert board.deadline_passed == (beside is not None)
    # A chosen day other than today shows today beside it, not a third figure.
    chosen = dashboard.build(programme, today=today, as_of=AsOf(day=D(2020, 1, 1), chosen=True))
    assert (chosen.at_today.on, chosen.at_deadline) == (today, None)


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        (None, D(2028, 2, 29), [D(2028, 2, 29)]),
        (D(2028, 2, 29), D(2028, 2, 29), [D(2027, 12, 31), D(2028, 2, 29)]),
        # Ending on a year's end: that 31 December once, as the last point.
        (D(2028, 2, 29), D(2028, 12, 31), [D(2027, 12, 31), D(2028, 12, 31)]),
        (D(2028, 2, 29), D(2029, 2, 28), [D(2027, 12, 31), D(2028, 12, 31), D(2029, 2, 28)]),
        (D(2027, 12, 31), D(2028, 2, 28), [D(2026, 12, 31), D(2027, 12, 31), D(2028, 2, 28)]),
        # At most 40 years back from a 29 February.
        (D(1970, 1, 1), D(2028, 2, 29), [*(D(year, 12, 31) for year in range(1988, 2028)), D(2028, 2, 29)]),
    ],
)
def test_series_days_on_the_days_a_calendar_makes_awkward(since, until, expected):
    assert dashboard.series_days(since=since, until=until) == expected


def test_the_chart_over_time_counts_each_year_end_then_today(client):
    ProgrammeFactory()
    CertificateFactory(
        issued_on=D(2012, 12, 31),
        issued_precision=DatePrecision.YEAR,
        expires_on=D(2015, 12, 31),
        expires_precision=DatePrecision.YEAR,
    )
    points = [(point.day, point.value) for point in client.get("/").context["board"].series.points]
    today = timezone.localdate()
    assert points == [
        (D(2011, 12, 31), 0),
        (D(2012, 12, 31), 1),
        (D(2013, 12, 31), 1),
        (D(2014, 12, 31), 1),
        (D(2015, 12, 31), 1),
        *((D(year, 12, 31), 0) for year in range(2016, today.year)),
        (today, 0),
    ]


# --- the ISO 9001:2008 end of validity ---------------------------------------------------------


def only_2008(name):
    """An agency whose only certificate is to ISO 9001:2008, printed through 31 January 2019."""
    return CertificateFactory(
        agency=AgencyFactory(name=name),
        standard=StandardFactory(code="ISO 9001:2008"),
        issued_on=D(2016, 2, 1),
        expires_on=D(2019, 1, 31),
    )


@pytest.fixture
def holders_2008():
    ProgrammeFactory()
    alone = only_2008("Dinas Masih 2008")
    also_2015 = only_2008("Dinas Sudah Transisi")
    CertificateFactory(agency=also_2015.agency, standard=iso_2015(), issued_on=D(2018, 3, 1), expires_on=D(2021, 2, 28))
    CertificateFactory(
        agency=AgencyFactory(name="Dinas Hanya 2015"),
        standard=iso_2015(),
        issued_on=D(2017, 1, 1),
        expires_on=D(2019, 12, 31),
    )
    return {"alone": alone.agency, "also_2015": also_2015.agency}


def lapsing_section(html):
    found = re.search(r'<section class="lapsing".*?</section>', html, flags=re.S)
    return found.group(0) if found else None


def test_within_a_year_of_the_2008_end_it_names_the_agencies_holding_only_2008(client, holders_2008):
    response = client.get("/", {"per": "2018-06-01"})
    board = response.context["board"]
    assert [(group.standard.code, group.agencies) for group in board.lapsing] == [
        ("ISO 9001:2008", [holders_2008["alone"]])
    ]
    section = lapsing_section(response.content.decode())
    assert "Sertifikat ISO 9001:2008 tidak berlaku lagi sesudah 15 September 2018" in section
    assert "Per 1 Juni 2018, 1 SKPD berikut hanya memegang sertifikat ISO 9001:2008." in section
    assert f'<a href="{holders_2008["alone"].get_absolute_url()}">Dinas Masih 2008</a>' in section
    assert "Dinas Sudah Transisi" not in section
    assert "Dinas Hanya 2015" not in section


@pytest.mark.parametrize("per", ["2017-09-14", "2018-09-16", "2019-06-01"])
def test_more_than_a_year_before_or_after_the_end_there_is_no_notice(client, holders_2008, per):
    response = client.get("/", {"per": per})
    assert response.context["board"].lapsing == []
    assert lapsing_section(response.content.decode()) is None


def test_on_the_last_day_the_notice_is_still_there(client, holders_2008):
    assert lapsing_section(client.get("/", {"per": "2018-09-15"}).content.decode())


@pytest.mark.parametrize("query", [{}, {"per": "2013-12-31"}])
def test_the_default_view_and_the_deadline_have_no_notice(client, loaded, query):
    """Today is years after the 2008 end (15 September 2018), the deadline (31 December 2013) years before."""
    assert lapsing_section(client.get("/", query).content.decode()) is None


def test_agency_names_in_the_notice_are_escaped(client):
    ProgrammeFactory()
    only_2008("<b>Dinas</b>")
    html = client.get("/", {"per": "2018-06-01"}).content.decode()
    assert "&lt;b&gt;Dinas&lt;/b&gt;</a>" in lapsing_section(html)


@pytest.mark.parametrize("agencies", [3, 40])
def test_the_notice_adds_one_query_whatever_the_number_of_agencies(client, django_assert_max_num_queries, agencies):
    ProgrammeFactory()
    for i in range(agencies):
        only_2008(f"Dinas Uji 2008 {i}")
    client.get("/")  # the figures rebuilt once
    with django_assert_max_num_queries(PAGE_QUERIES):
        html = client.get("/", {"per": "2018-06-01"}).content.decode()
    assert lapsing_section(html).count("<li>") == agencies
