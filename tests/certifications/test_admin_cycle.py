"""The certification cycle in the admin: the next-audit column and filters, the audit schedule page,
and the admin index's "Perlu tindakan" panel, through real HTTP requests (and the panel's
counting function on chosen dates)."""

import datetime
import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from bandung_iso.roles import Role
from certifications.dates import DatePrecision, add_years
from certifications.models import Audit, Certificate, Finding
from certifications.templatetags.cycle_admin import needs_attention
from tests.factories import (
    AgencyFactory,
    AuditFactory,
    CertificateFactory,
    FindingFactory,
    ProgrammeFactory,
    RoleUserFactory,
    StandardFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = datetime.timedelta(days=1)

CHANGELIST = reverse("admin:certifications_certificate_changelist")
SCHEDULE = reverse("admin:certifications_certificate_schedule")
FINDINGS = reverse("admin:certifications_finding_changelist")
INDEX = reverse("admin:index")


def iso_2015():
    return StandardFactory(code="ISO 9001:2015", published_on=D(2015, 9, 15), certificates_valid_until=None)


def issued_days_ago(days, *, surveillances=0, standard=None, **kwargs):
    """An exact-dated three-year certificate issued ``days`` before today, with completed surveillances."""
    issued = timezone.localdate() - datetime.timedelta(days=days)
    certificate = CertificateFactory(
        standard=standard or iso_2015(), issued_on=issued, expires_on=add_years(issued, DatePrecision.DAY, 3), **kwargs
    )
    for year in range(1, surveillances + 1):
        AuditFactory(
            agency=certificate.agency,
            certificate=certificate,
            kind=Audit.Kind.SURVEILLANCE,
            status=Audit.Status.COMPLETED,
            starts_on=issued + datetime.timedelta(days=300 * year),
            ends_on=None,
        )
    return certificate


def surveillance_due(certificate):
    return add_years(certificate.issued_on, DatePrecision.DAY, 1)


def shown(day):
    return date_format(day, "DATE_FORMAT")


def rows(response):
    return list(response.context["cl"].result_list)


def cell(html, certificate):
    """The next-audit cell of ``certificate``'s changelist row."""
    row = re.search(rf'value="{certificate.pk}" class="action-select".*?</tr>', html, flags=re.S).group(0)
    return re.search(r'<td class="field-next_audit_display">(.*?)</td>', row, flags=re.S).group(1)


@pytest.fixture
def staff(roles):
    return RoleUserFactory(username="staf", role=Role.STAFF)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def cycle_world():
    """Certificates on both sides of every threshold, relative to today."""
    return {
        "overdue": issued_days_ago(400, agency__name="Dinas Terlambat"),  # surveillance 1 due ~35 days ago
        "soon": issued_days_ago(340, agency__name="Dinas Segera"),  # surveillance 1 due in ~25 days
        "later": issued_days_ago(250, agency__name="Dinas Nanti"),  # surveillance 1 due in ~115 days
        # Two surveillances done, expires in ~35 days: recertification due soon, and expiring.
        "expiring": issued_days_ago(1060, surveillances=2, agency__name="Dinas Kedaluwarsa"),
        "expired": issued_days_ago(1200, agency__name="Dinas Lewat"),  # expired ~105 days ago: nothing
    }


# --- the changelist column -----------------------------------------------------------------------


def test_the_column_shows_the_kind_and_due_date_and_marks_overdue(staff_client, cycle_world):
    html = staff_client.get(CHANGELIST).content.decode()
    assert ">audit berikutnya<" in html.lower() or "Audit berikutnya" in html
    overdue = cell(html, cycle_world["overdue"])
    assert "audit surveilans ke-1" in overdue
    assert shown(surveillance_due(cycle_world["overdue"])) in overdue
    assert "terlambat" in overdue and "<strong" in overdue
    soon = cell(html, cycle_world["soon"])
    assert soon == f"audit surveilans ke-1 — {shown(surveillance_due(cycle_world['soon']))}"
    recertification = cell(html, cycle_world["expiring"])
    assert recertification == f"audit resertifikasi — {shown(cycle_world['expiring'].expires_on)}"
    assert cell(html, cycle_world["expired"]) == "tidak ada"


def test_the_column_says_when_it_cannot_compute(staff_client):
    unknown = CertificateFactory(
        issued_on=None, issued_precision=DatePrecision.UNKNOWN, expires_on=None, expires_precision=DatePrecision.UNKNOWN
    )
    html = staff_client.get(CHANGELIST).content.decode()
    assert cell(html, unknown) == "tidak dapat dihitung: tanggal tidak diketahui"


# --- the list filters ----------------------------------------------------------------------------


def test_filter_overdue(staff_client, cycle_world):
    assert rows(staff_client.get(CHANGELIST, {"audit_berikutnya": "terlambat"})) == [cycle_world["overdue"]]


def test_filter_due_within_60_days(staff_client, cycle_world):
    found = rows(staff_client.get(CHANGELIST, {"audit_berikutnya": "60_hari"}))
    assert sorted(c.pk for c in found) == sorted([cycle_world["soon"].pk, cycle_world["expiring"].pk])


def test_filter_expiring_within_90_days(staff_client, cycle_world):
    assert rows(staff_client.get(CHANGELIST, {"berakhir": "90_hari"})) == [cycle_world["expiring"]]


def test_filter_standard_ending_lists_only_agencies_without_a_newer_certificate(staff_client):
    ending = StandardFactory(
        code="Standar Uji Berakhir",
        published_on=D(2008, 11, 15),
        certificates_valid_until=timezone.localdate() + datetime.timedelta(days=200),
    )
    alone = issued_days_ago(100, standard=ending, agency__name="Dinas Sendiri")
    covered = issued_days_ago(100, standard=ending, agency__name="Dinas Tertutup")
    issued_days_ago(50, agency=covered.agency)
    assert rows(staff_client.get(CHANGELIST, {"berakhir": "standar_365_hari"})) == [alone]


@pytest.mark.parametrize("parameter", ["audit_berikutnya", "berakhir"])
def test_a_bad_filter_value_is_refused_not_a_500(staff_client, parameter):
    response = staff_client.get(CHANGELIST, {parameter: "xyz"})
    assertRedirects(response, f"{CHANGELIST}?e=1", fetch_redirect_response=False)


def test_the_filters_are_in_the_sidebar(staff_client):
    html = staff_client.get(CHANGELIST).content.decode()
    assert 'data-filter-title="audit berikutnya"' in html
    assert "?audit_berikutnya=terlambat" in html
    assert "?berakhir=90_hari" in html


def many(count):
    """Certificates overdue, expiring with a recertification due, and due soon, in turn."""
    standard = iso_2015()
    for i in range(count):
        issued_days_ago((380, 1070, 330)[i % 3] + i % 7, surveillances=(0, 2, 0)[i % 3], standard=standard)


@pytest.mark.parametrize("query", [{}, {"audit_berikutnya": "terlambat"}, {"berakhir": "90_hari"}])
def test_the_changelist_runs_a_fixed_number_of_queries(staff_client, query, django_assert_max_num_queries):
    counts = []
    for total in (3, 40):
        many(total - Certificate.objects.count())
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(CHANGELIST, {**query, "all": ""})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Session, user, the role's permissions, the filter choices, counts and rows (11); the
    # next-audit filter adds its one query over the cycle. The column is annotations, no query.
    with django_assert_max_num_queries(12):
        staff_client.get(CHANGELIST, query)


# --- the schedule page ---------------------------------------------------------------------------


def test_the_schedule_lists_every_next_audit_soonest_first(staff_client, cycle_world):
    response = staff_client.get(SCHEDULE)
    assert response.status_code == 200
    assert "admin/base_site.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "<title>Jadwal audit sertifikat" in html
    order = re.findall(r'data-certificate="(\d+)"', html)
    assert order == [str(cycle_world[k].pk) for k in ("overdue", "soon", "expiring", "later")]
    overdue_row = re.search(rf'<tr class="overdue" data-certificate="{cycle_world["overdue"].pk}">.*?</tr>', html, re.S)
    days_late = (timezone.localdate() - surveillance_due(cycle_world["overdue"])).days
    assert f"terlambat {days_late} hari" in overdue_row.group(0)
    assert html.count('<tr class="overdue"') == 1
    assert "1 audit terlambat." in html
    assert reverse("admin:certifications_certificate_change", args=[cycle_world["soon"].pk]) in html


def test_the_schedule_says_when_there_is_nothing(staff_client):
    assertContains(staff_client.get(SCHEDULE), "Tidak ada sertifikat yang menunggu audit")


def test_the_changelist_links_to_the_schedule(staff_client):
    assertContains(staff_client.get(CHANGELIST), f'href="{SCHEDULE}"')


def test_an_auditor_may_read_the_schedule(client, roles, cycle_world):
    client.force_login(RoleUserFactory(role=Role.AUDITOR))
    assert client.get(SCHEDULE).status_code == 200


def test_without_view_certificate_the_schedule_is_refused(client, roles, cycle_world):
    client.force_login(RoleUserFactory(role=Role.REPRESENTATIVE, agencies=[cycle_world["overdue"].agency]))
    assert client.get(SCHEDULE).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client):
    assertRedirects(client.get(SCHEDULE), f"{reverse('admin:login')}?next={SCHEDULE}")


def test_the_schedule_runs_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries):
    counts = []
    for total in (3, 40):
        many(total - Certificate.objects.count())
        with CaptureQueriesContext(connection) as queries:
            html = staff_client.get(SCHEDULE).content.decode()
        assert html.count("data-certificate=") == total
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Session, user, permissions (two), the user's roles (the admin's sidebar asks), and the one
    # query of cycle.next_audits.
    with django_assert_max_num_queries(6):
        staff_client.get(SCHEDULE)


# --- the "Perlu tindakan" panel: the counting on chosen dates ------------------------------------


def closed(finding_kwargs, on):
    verifier = UserFactory()
    return FindingFactory(
        **finding_kwargs,
        status=Finding.Status.CLOSED,
        corrective_action="Prosedur diperbaiki.",
        action_proposed_on=on,
        verification="Diperiksa di lapangan.",
        verified_by=verifier,
        closed_on=on,
    )


def test_staff_are_told_what_needs_them_on_a_chosen_day(staff):
    on = D(2021, 3, 10)
    standard = iso_2015()
    overdue = CertificateFactory(standard=standard, issued_on=D(2020, 3, 10), expires_on=D(2023, 3, 9))
    CertificateFactory(standard=standard, issued_on=D(2020, 5, 1), expires_on=D(2023, 4, 30))  # due 30 Apr 2021
    CertificateFactory(standard=standard, issued_on=D(2020, 5, 10), expires_on=D(2023, 5, 9))  # due 9 May: 60 days
    CertificateFactory(standard=standard, issued_on=D(2020, 5, 11), expires_on=D(2023, 5, 10))  # 61 days: not yet
    CertificateFactory(standard=standard, issued_on=D(2018, 6, 1), expires_on=D(2021, 5, 31))  # expiring, 82 days
    audit = AuditFactory(agency=overdue.agency, starts_on=D(2021, 1, 5), ends_on=None, status="completed")
    FindingFactory(audit=audit, grade=Finding.Grade.MAJOR, due_on=D(2021, 4, 1))  # open major, not overdue
    FindingFactory(audit=audit, grade=Finding.Grade.MINOR, due_on=D(2021, 3, 9))  # overdue minor
    FindingFactory(audit=audit, grade=Finding.Grade.MINOR, due_on=D(2021, 3, 10))  # due today: not overdue
    FindingFactory(audit=audit, grade=Finding.Grade.OBSERVATION)  # only noted
    closed({"audit": audit, "grade": Finding.Grade.MAJOR, "due_on": D(2021, 2, 1)}, D(2021, 2, 1))

    panel = needs_attention(staff, on=on)
    assert panel.shown and panel.staff
    counts = {str(task.label): task.count for task in panel.duties}
    # The certificate issued on 1 June 2018 owes its first surveillance too (due 31 May 2019).
    assert counts == {
        "Audit surveilans atau resertifikasi yang terlambat": 2,
        "Audit surveilans atau resertifikasi yang jatuh tempo dalam 60 hari": 2,
        "Sertifikat yang berakhir dalam 90 hari": 1,
        "Ketidaksesuaian mayor yang belum ditutup": 1,
        "Temuan yang lewat batas waktu": 1,
    }
    urls = {str(task.label): task.url for task in panel.duties}
    assert urls["Temuan yang lewat batas waktu"] == (
        f"{FINDINGS}?status__in=open%2Caction_proposed&due_on__lt=2021-03-10"
    )
    assert urls["Ketidaksesuaian mayor yang belum ditutup"] == (
        f"{FINDINGS}?status__in=open%2Caction_proposed&grade__exact=major"
    )
    assert panel.schedule_url == SCHEDULE


def test_agencies_holding_only_a_2008_certificate_near_its_end(staff):
    only_2008 = CertificateFactory(
        agency=AgencyFactory(name="Dinas Hanya 2008"),
        standard=StandardFactory(code="ISO 9001:2008"),
        issued_on=D(2016, 2, 1),
        expires_on=D(2019, 1, 31),
    )
    both = CertificateFactory(standard=only_2008.standard, issued_on=D(2016, 2, 1), expires_on=D(2019, 1, 31))
    CertificateFactory(agency=both.agency, standard=iso_2015(), issued_on=D(2018, 1, 1), expires_on=D(2020, 12, 31))

    def lapsing(on):
        tasks = [t for t in needs_attention(staff, on=on).duties if str(t.label).startswith("SKPD yang hanya")]
        return [(t.count, t.detail) for t in tasks]

    assert lapsing(D(2018, 6, 1)) == [(1, "ISO 9001:2008 tidak berlaku lagi sesudah 15 Sep. 2018")]
    assert lapsing(D(2017, 9, 14)) == []  # more than 365 days before the end
    assert lapsing(D(2018, 9, 16)) == []  # after the end


def test_nothing_needs_staff_on_a_quiet_day(staff):
    CertificateFactory(standard=iso_2015(), issued_on=D(2020, 3, 10), expires_on=D(2023, 3, 9))
    panel = needs_attention(staff, on=D(2020, 6, 1))
    assert panel.shown and panel.duties == []


def test_a_superuser_is_programme_staff():
    panel = needs_attention(UserFactory(is_staff=True, is_superuser=True), on=D(2020, 6, 1))
    assert panel.staff


def test_auditors_see_only_their_own_overdue_findings_and_the_schedule_link(roles):
    auditor = RoleUserFactory(role=Role.AUDITOR)
    other = RoleUserFactory(role=Role.AUDITOR)
    mine = AuditFactory(lead_auditor=auditor, starts_on=D(2021, 1, 5), ends_on=None, status="completed")
    theirs = AuditFactory(lead_auditor=other, starts_on=D(2021, 1, 5), ends_on=None, status="completed")
    FindingFactory(audit=mine, due_on=D(2021, 3, 1))
    FindingFactory(audit=theirs, due_on=D(2021, 3, 1))
    FindingFactory(audit=theirs, due_on=D(2021, 3, 1))
    CertificateFactory(standard=iso_2015(), issued_on=D(2019, 3, 10), expires_on=D(2022, 3, 9))  # overdue cycle
    panel = needs_attention(auditor, on=D(2021, 3, 10))
    # An auditor may read the schedule (view_certificate), so the panel links it.
    assert panel.shown and not panel.staff and panel.schedule_url == SCHEDULE
    assert [(str(t.label), t.count) for t in panel.duties] == [
        ("Temuan audit yang Anda pimpin yang lewat batas waktu", 1)
    ]


def test_representatives_see_only_their_agencies_open_findings(roles):
    agency = AgencyFactory()
    representative = RoleUserFactory(role=Role.REPRESENTATIVE, agencies=[agency])
    FindingFactory(audit=AuditFactory(agency=agency, starts_on=D(2021, 1, 5), ends_on=None), due_on=D(2021, 3, 1))
    FindingFactory(audit=AuditFactory(starts_on=D(2021, 1, 5), ends_on=None), due_on=D(2021, 3, 1))
    panel = needs_attention(representative, on=D(2021, 3, 10))
    assert [(str(t.label), t.count, t.detail) for t in panel.duties] == [
        ("Temuan SKPD yang Anda wakili yang perlu dijawab", 1, "1 lewat batas waktu; batas waktu terdekat 1 Maret 2021")
    ]
    assert panel.schedule_url == ""  # a representative may not read the schedule


def test_a_staff_account_without_a_role_gets_no_panel():
    assert not needs_attention(UserFactory(is_staff=True), on=D(2021, 3, 10)).shown


def test_the_tag_takes_a_chosen_day(staff):
    CertificateFactory(standard=iso_2015(), issued_on=D(2020, 3, 10), expires_on=D(2023, 3, 9))
    request = RequestFactory().get(INDEX)
    request.user = staff
    template = Template("{% load cycle_admin %}{% needs_attention_panel on=day %}")
    before = template.render(Context({"request": request, "day": D(2021, 3, 9)}))
    after = template.render(Context({"request": request, "day": D(2021, 3, 10)}))
    assert "Audit surveilans atau resertifikasi yang terlambat" not in before
    assert "Tidak ada yang perlu Anda tindak lanjuti" not in before  # due within 60 days
    assert re.search(r"yang terlambat</a>: <strong class=\"count\">1</strong>", after)


# --- the panel on the admin index, through HTTP ------------------------------------------------


@pytest.fixture
def index_world(cycle_world):
    ending = StandardFactory(
        code="Standar Uji Berakhir",
        published_on=D(2008, 11, 15),
        certificates_valid_until=timezone.localdate() + datetime.timedelta(days=200),
    )
    issued_days_ago(100, standard=ending, agency__name="Dinas Standar Lama")
    today = timezone.localdate()
    audit = AuditFactory(
        agency=cycle_world["overdue"].agency, starts_on=today - datetime.timedelta(days=10), ends_on=None
    )
    FindingFactory(audit=audit, grade=Finding.Grade.MAJOR)  # due in 50 days
    FindingFactory(audit=audit, grade=Finding.Grade.MINOR, due_on=today - DAY)
    return cycle_world


def panel_links(html):
    section = re.search(r'<div class="module needs-attention".*?</div>', html, flags=re.S).group(0)
    return {
        label: (href.replace("&amp;", "&"), int(count))
        for href, label, count in re.findall(
            r'<a href="([^"]+)">([^<]+)</a>: <strong class="count">(\d+)</strong>', section
        )
    }


def test_staff_see_the_panel_and_every_link_leads_to_that_many_rows(staff_client, index_world):
    html = staff_client.get(INDEX).content.decode()
    assert "Perlu tindakan" in html
    links = panel_links(html)
    assert {label: count for label, (href, count) in links.items()} == {
        "Audit surveilans atau resertifikasi yang terlambat": 1,
        "Audit surveilans atau resertifikasi yang jatuh tempo dalam 60 hari": 2,
        "Sertifikat yang berakhir dalam 90 hari": 1,
        "Ketidaksesuaian mayor yang belum ditutup": 1,
        "Temuan yang lewat batas waktu": 1,
        "SKPD yang hanya memegang sertifikat dengan standar yang berakhir dalam 365 hari": 1,
    }
    for label, (href, count) in links.items():
        response = staff_client.get(href)
        assert response.status_code == 200, (label, href)
        assert response.context["cl"].result_count == count, (label, href)
    assert f'href="{SCHEDULE}"' in html
    # Django's own index is still there.
    assert reverse("admin:certifications_certificate_changelist") in html


def test_staff_are_told_when_nothing_needs_them(staff_client):
    html = staff_client.get(INDEX).content.decode()
    assert "Perlu tindakan" in html
    assert "Tidak ada yang perlu Anda tindak lanjuti saat ini." in html


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.REPRESENTATIVE])
def test_auditors_and_representatives_do_not_see_staffs_panel(client, roles, index_world, role):
    """Neither the programme's tasks nor, for a representative (no view_certificate), the schedule."""
    agencies = [index_world["overdue"].agency] if role == Role.REPRESENTATIVE else None
    client.force_login(RoleUserFactory(role=role, agencies=agencies))
    response = client.get(INDEX)
    assert response.status_code == 200
    assertNotContains(response, "Audit surveilans atau resertifikasi")
    assertNotContains(response, "Ketidaksesuaian mayor yang belum ditutup")
    if role == Role.REPRESENTATIVE:
        assertNotContains(response, SCHEDULE)
    else:
        assertContains(response, f'href="{SCHEDULE}"')


def test_a_representative_sees_their_agencys_open_findings(client, roles, index_world):
    client.force_login(RoleUserFactory(role=Role.REPRESENTATIVE, agencies=[index_world["overdue"].agency]))
    links = panel_links(client.get(INDEX).content.decode())
    assert {label: count for label, (href, count) in links.items()} == {
        "Temuan SKPD yang Anda wakili yang perlu dijawab": 2
    }


def test_the_index_runs_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries):
    counts = []
    for total in (3, 40):
        many(total - Certificate.objects.count())
        certificate = Certificate.objects.order_by("pk").last()
        audit = AuditFactory(agency=certificate.agency, starts_on=timezone.localdate() - 5 * DAY, ends_on=None)
        FindingFactory(audit=audit, grade=Finding.Grade.MAJOR)
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(INDEX).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Django's index (session, user, permissions, recent actions), the panel's six queries (the
    # cycle, lapsing and expiring certificates, findings, certificates without expiry, agencies of
    # unknown status), and the programme with its standing on its report's day.
    with django_assert_max_num_queries(13):
        staff_client.get(INDEX)


def test_the_index_warns_when_the_records_count_more_certified_than_the_report(staff_client):
    """A real agency imported beside the placeholder that stands for it counts twice: staff are told."""
    programme = ProgrammeFactory(
        reported_certified=1, reported_on=datetime.date(2013, 12, 31), reported_precision=DatePrecision.ABOUT_YEAR
    )
    CertificateFactory(issued_on=datetime.date(2013, 1, 1), expires_on=datetime.date(2015, 12, 31))
    assertNotContains(staff_client.get(INDEX), "melebihi laporan program")
    CertificateFactory(issued_on=datetime.date(2013, 1, 1), expires_on=datetime.date(2015, 12, 31))
    response = staff_client.get(INDEX)
    assertContains(response, "SKPD bersertifikat menurut catatan melebihi laporan program per sekitar 2013")
    assertContains(response, "Catatan menghitung 2 SKPD bersertifikat, laporan menyebut 1.")
    assertContains(response, reverse("admin:certifications_programme_change", args=[programme.pk]))


# --- "today" on the days a calendar makes awkward ------------------------------------------------

# (today, the certificates whose next audit is overdue, those due within 60 days), for one
# certificate issued on 1 March 2027 (first surveillance due 29 February 2028) and one issued
# on 29 February 2028 (due 28 February 2029).
AWKWARD_TODAYS = [
    (D(2028, 2, 28), [], ["march"]),
    (D(2028, 2, 29), [], ["march"]),  # due that day: not late yet
    (D(2028, 3, 1), ["march"], []),
    (D(2028, 12, 31), ["march"], ["leap"]),  # 59 days before 28 February 2029
    (D(2029, 2, 28), ["march"], ["leap"]),
    (D(2029, 3, 1), ["leap", "march"], []),
]


@pytest.mark.parametrize(("today", "overdue", "soon"), AWKWARD_TODAYS, ids=[str(t[0]) for t in AWKWARD_TODAYS])
def test_the_cycle_admin_pages_on_the_days_a_calendar_makes_awkward(staff_client, monkeypatch, today, overdue, soon):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
    standard = iso_2015()
    made = {
        "march": CertificateFactory(
            standard=standard, issued_on=D(2027, 3, 1), expires_on=D(2030, 2, 28), agency__name="Dinas Maret"
        ),
        "leap": CertificateFactory(
            standard=standard, issued_on=D(2028, 2, 29), expires_on=D(2031, 2, 28), agency__name="Dinas Kabisat"
        ),
    }
    filtered = {
        value: {c.pk for c in rows(staff_client.get(CHANGELIST, {"audit_berikutnya": value}))}
        for value in ("terlambat", "60_hari")
    }
    assert filtered == {"terlambat": {made[k].pk for k in overdue}, "60_hari": {made[k].pk for k in soon}}

    schedule = staff_client.get(SCHEDULE)
    assert schedule.status_code == 200
    html = schedule.content.decode()
    assert f"per {date_format(today, 'j F Y')}" in html
    assert html.count('<tr class="overdue"') == len(overdue)
    if today in (D(2028, 2, 29), D(2029, 2, 28)):
        assert "0 hari lagi" in html  # due that very day

    links = panel_links(staff_client.get(INDEX).content.decode())
    counts = {label: count for label, (_href, count) in links.items()}
    assert counts.get("Audit surveilans atau resertifikasi yang terlambat", 0) == len(overdue)
    assert counts.get("Audit surveilans atau resertifikasi yang jatuh tempo dalam 60 hari", 0) == len(soon)
