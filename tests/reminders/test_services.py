"""Who is told what on a chosen day: reminders.services.plan_reminders, without sending."""

import datetime

import pytest

from bandung_iso.roles import Role
from certifications.dates import DatePrecision
from certifications.models import Audit, AuditStatus, ClauseSet
from reminders.services import compose, plan_reminders
from tests.factories import AgencyFactory, AuditFactory, CertificateFactory, RoleUserFactory, StandardFactory

from .conftest import ON, days, finding

pytestmark = pytest.mark.django_db


def plans(on=ON):
    return {message.recipient.username: message for message in plan_reminders(on=on)}


def keys(message, title_part: str | None = None) -> set:
    """The records a message lists, in the sections whose title contains ``title_part``."""
    return {
        item.key
        for section in message.sections
        if title_part is None or title_part in section.title
        for item in section.items
    }


def findings(*records) -> set:
    return {("finding", record.pk) for record in records}


def test_a_representative_gets_their_agencys_open_findings_due_within_14_days_or_overdue(world):
    message = plans()["wakil_a"]
    assert keys(message) == findings(world.a_overdue, world.a_due_last_day)
    assert [section.title for section in message.sections] == ["Temuan SKPD yang Anda wakili yang perlu dijawab"]


def test_a_representative_never_sees_another_agencys_findings(world):
    assert keys(plans()["wakil_a"]).isdisjoint(findings(world.b_overdue, world.b_awaiting_due, world.b_no_lead))
    # wakil_b's agency has an action awaiting verification within the window: the auditor's turn, not theirs.
    # Soonest due first.
    listed = [item.key for section in plans()["wakil_b"].sections for item in section.items]
    assert listed == [("finding", f.pk) for f in (world.b_overdue, world.b_no_lead)]


def test_a_lead_auditor_gets_their_audits_findings_and_the_actions_awaiting_their_verification(world):
    message = plans()["auditor_1"]
    assert keys(message, "menunggu verifikasi") == findings(world.a_awaiting)
    # Their audits' findings once overdue: before that the representatives are the ones reminded.
    assert keys(message, "audit yang Anda pimpin") == findings(world.a_overdue)
    # auditor_2's audits and the finding of an audit without a portal lead are not theirs.
    assert keys(message).isdisjoint(findings(world.b_overdue, world.b_awaiting_due, world.b_no_lead))


def test_a_finding_awaiting_verification_inside_the_window_is_listed_once_for_its_lead(world):
    message = plans()["auditor_2"]
    assert keys(message, "menunggu verifikasi") == findings(world.b_awaiting_due)
    assert keys(message, "audit yang Anda pimpin") == findings(world.b_overdue)
    assert message.item_count == 2


def test_closed_noted_undated_and_later_findings_are_nobodys_reminder(world):
    listed = set().union(*(keys(message) for message in plans().values()))
    assert listed.isdisjoint(findings(world.a_closed, world.a_observation, world.a_no_due_date, world.a_due_later))


def test_the_window_moves_with_the_day(world):
    # On the next day, the finding due in 15 days is due in 14.
    assert findings(world.a_due_later) <= keys(plans(on=days(1))["wakil_a"])


def test_a_person_in_two_roles_gets_one_message_with_both_sections(world):
    world.agency_b.quality_representatives.add(world.lead_1)
    world.lead_1.groups.add(*world.rep_b.groups.all())
    messages = [message for message in plan_reminders(on=ON) if message.recipient == world.lead_1]
    assert len(messages) == 1
    message = messages[0]
    assert keys(message, "menunggu verifikasi") == findings(world.a_awaiting)
    assert keys(message, "audit yang Anda pimpin") == findings(world.a_overdue)
    assert keys(message, "SKPD yang Anda wakili") == findings(world.b_overdue, world.b_no_lead)


def test_a_finding_is_listed_once_when_its_lead_also_represents_the_agency(world):
    world.agency_a.quality_representatives.add(world.lead_1)
    world.lead_1.groups.add(*world.rep_a.groups.all())
    message = plans()["auditor_1"]
    # The overdue one is already listed under the audits they lead; the one due in 14 days is new here.
    assert keys(message, "SKPD yang Anda wakili") == findings(world.a_due_last_day)
    assert message.item_count == 3


def test_inactive_users_and_people_with_nothing_to_act_on_get_no_message(world):
    world.rep_b.is_active = False
    world.rep_b.save()
    RoleUserFactory(username="wakil_tanpa_temuan", role=Role.REPRESENTATIVE, agencies=[AgencyFactory()])
    planned = plans()
    assert "wakil_b" not in planned
    assert "wakil_tanpa_temuan" not in planned


def test_programme_staff_get_the_programmes_overdue_and_major_findings(world):
    RoleUserFactory(username="staf", role=Role.STAFF)
    message = plans()["staf"]
    assert keys(message, "mayor") == findings(world.a_overdue)
    # The major one is overdue too: listed once, under the first group.
    assert keys(message, "lewat batas waktu") == findings(world.b_overdue)


def test_programme_staff_get_nothing_when_nothing_is_due(roles):
    RoleUserFactory(username="staf", role=Role.STAFF)
    assert "staf" not in plans()


# Programme staff, on a day before ISO 9001:2008 lapsed (15 September 2018) ----------------

STAFF_DAY = datetime.date(2018, 3, 1)


def surveilled(certificate, *on):
    for day in on:
        AuditFactory(
            agency=certificate.agency,
            certificate=certificate,
            kind=Audit.Kind.SURVEILLANCE,
            status=AuditStatus.COMPLETED,
            starts_on=day,
            ends_on=day,
        )


@pytest.fixture
def programme(roles):
    iso2015 = StandardFactory(
        code="ISO 9001:2015",
        published_on=datetime.date(2015, 9, 15),
        certificates_valid_until=None,
        clause_set=ClauseSet.ISO_9001_2015,
    )
    iso2008 = StandardFactory()
    c = {}
    # First surveillance due 19 March 2018, 18 days after STAFF_DAY.
    c["surveillance_due"] = CertificateFactory(
        agency=AgencyFactory(name="Dinas Surveilans"),
        standard=iso2015,
        issued_on=datetime.date(2017, 3, 20),
        expires_on=datetime.date(2020, 3, 19),
    )
    # First surveillance due 30 June 2018, 121 days ahead: not yet.
    c["surveillance_later"] = CertificateFactory(
        agency=AgencyFactory(name="Dinas Belum Waktunya"),
        standard=iso2015,
        issued_on=datetime.date(2017, 7, 1),
        expires_on=datetime.date(2020, 6, 30),
    )
    # Expires 31 March 2018; both surveillances done, so its next audit is the recertification.
    c["expiring"] = CertificateFactory(
        agency=AgencyFactory(name="Dinas Kedaluwarsa"),
        standard=iso2015,
        issued_on=datetime.date(2015, 4, 1),
        expires_on=datetime.date(2018, 3, 31),
    )
    surveilled(c["expiring"], datetime.date(2016, 3, 1), datetime.date(2017, 3, 1))
    # Holds only a 2008 certificate: its standard ends on 15 September 2018, 198 days ahead.
    c["lapsing"] = CertificateFactory(
        agency=AgencyFactory(name="Dinas Masih 2008"),
        standard=iso2008,
        issued_on=datetime.date(2016, 5, 14),
        expires_on=datetime.date(2019, 5, 13),
    )
    # Holds a 2008 certificate and a 2015 one: nothing lapses for this agency.
    transitioned = AgencyFactory(name="Dinas Sudah Transisi")
    c["lapsing_but_transitioned"] = CertificateFactory(
        agency=transitioned,
        standard=iso2008,
        issued_on=datetime.date(2016, 5, 14),
        expires_on=datetime.date(2019, 5, 13),
    )
    # Both 2008 certificates had their first surveillance; the second is due 13 May 2018, 73 days ahead.
    surveilled(c["lapsing"], datetime.date(2017, 5, 1))
    surveilled(c["lapsing_but_transitioned"], datetime.date(2017, 5, 1))
    CertificateFactory(
        agency=transitioned,
        standard=iso2015,
        issued_on=datetime.date(2017, 9, 1),
        expires_on=datetime.date(2020, 8, 31),
    )
    return c


def certificates(*records, kind="certificate") -> set:
    return {(kind, record.pk) for record in records}


def test_programme_staff_get_audits_due_expiring_certificates_and_lapsing_standards(programme):
    RoleUserFactory(username="staf", role=Role.STAFF)
    message = plans(on=STAFF_DAY)["staf"]
    assert [section.title for section in message.sections] == [
        "Audit surveilans atau resertifikasi yang jatuh tempo dalam 60 hari",
        "SKPD yang hanya memegang sertifikat dengan standar yang berakhir dalam 365 hari",
        "Sertifikat yang berakhir dalam 90 hari",
    ]
    assert keys(message, "Audit surveilans") == certificates(
        programme["surveillance_due"], programme["expiring"], kind="audit_due"
    )
    assert keys(message, "hanya memegang") == certificates(programme["lapsing"])
    assert keys(message, "berakhir dalam 90 hari") == certificates(programme["expiring"])


def test_a_2008_certificate_within_90_days_of_the_deadline_is_listed_once_with_its_remedy(programme):
    RoleUserFactory(username="staf", role=Role.STAFF)
    message = plans(on=datetime.date(2018, 8, 1))["staf"]
    assert certificates(programme["lapsing"]) <= keys(message, "hanya memegang")
    assert keys(message, "berakhir dalam 90 hari").isdisjoint(certificates(programme["lapsing"]))
    # The transitioned agency's 2008 certificate still ends with its standard: it is listed as expiring.
    assert certificates(programme["lapsing_but_transitioned"]) <= keys(message, "berakhir dalam 90 hari")


def test_staff_items_go_to_every_active_staff_member_and_nobody_else(programme):
    RoleUserFactory(username="staf_1", role=Role.STAFF)
    RoleUserFactory(username="staf_2", role=Role.STAFF)
    RoleUserFactory(username="staf_pensiun", role=Role.STAFF, is_active=False)
    RoleUserFactory(username="auditor", role=Role.AUDITOR)
    planned = plans(on=STAFF_DAY)
    assert set(planned) == {"staf_1", "staf_2"}
    assert keys(planned["staf_1"]) == keys(planned["staf_2"])


def test_an_audit_due_on_a_date_known_only_roughly_gives_no_day_count(roles):
    RoleUserFactory(username="staf", role=Role.STAFF)
    iso2015 = StandardFactory(code="ISO 9001:2015", certificates_valid_until=None, clause_set=ClauseSet.ISO_9001_2015)
    CertificateFactory(
        agency=AgencyFactory(name="Dinas Tahun Saja"),
        standard=iso2015,
        issued_on=datetime.date(2016, 12, 31),
        issued_precision=DatePrecision.ABOUT_YEAR,
        expires_on=datetime.date(2019, 12, 31),
        expires_precision=DatePrecision.ABOUT_YEAR,
    )
    # Surveillance 1 due "about 2017" (stored 31 December 2017): overdue on STAFF_DAY.
    message = plans(on=STAFF_DAY)["staf"]
    _, body = compose(message, on=STAFF_DAY, base_url="https://iso.example.test")
    assert "Jatuh tempo: sekitar 2017 (terlambat)" in body
    assert "hari)" not in body.split("Dinas Tahun Saja")[1].split("\n")[1]


def test_the_body_lists_each_item_with_its_dates_and_admin_link(world):
    message = plans()["wakil_a"]
    subject, body = compose(message, on=ON, base_url="https://iso.example.test/")
    assert subject == "[Portal ISO] 2 hal perlu tindakan (2026-11-25)"
    assert "Yth. wakil_a," in body
    assert "Batas waktu: 20 Nov. 2026 (terlambat 5 hari)" in body
    assert "Batas waktu: 9 Des. 2026 (14 hari lagi)" in body
    assert "Dinas Uji A — ketidaksesuaian mayor 4.2.3 Pengendalian dokumen" in body
    assert f"https://iso.example.test/admin/certifications/finding/{world.a_overdue.pk}/change/" in body
    assert "\n\n\n" not in body


def test_a_description_with_line_breaks_stays_on_one_line(world):
    odd = finding(world.agency_a, due_on=days(1), description="Baris satu.\n- Baris palsu\n\nBaris tiga.")
    _, body = compose(plans()["wakil_a"], on=ON, base_url="https://iso.example.test")
    assert "Uraian: Baris satu. - Baris palsu Baris tiga." in body
    assert f"/admin/certifications/finding/{odd.pk}/change/" in body


# The days a calendar makes awkward ----------------------------------------------------------

# Each day, and the last day of the 14-day finding window from it.
AWKWARD_DAYS = {
    datetime.date(2028, 2, 29): datetime.date(2028, 3, 14),
    datetime.date(2028, 2, 28): datetime.date(2028, 3, 13),
    datetime.date(2029, 2, 28): datetime.date(2029, 3, 14),
    datetime.date(2028, 12, 31): datetime.date(2029, 1, 14),
}
ONE_DAY = datetime.timedelta(days=1)


def first_lines(message) -> dict:
    return {item.key: item.lines[0] for section in message.sections for item in section.items}


@pytest.mark.parametrize("on", AWKWARD_DAYS, ids=str)
def test_the_finding_window_from_an_awkward_day(roles, on):
    agency = AgencyFactory(name="Dinas Kabisat")
    RoleUserFactory(username="wakil", role=Role.REPRESENTATIVE, agencies=[agency])
    last = AWKWARD_DAYS[on]
    late, due_today, due_last, due_after = (
        # Raised on the day (or on its due date when earlier): the halfway reminder is not due.
        finding(agency, due_on=day, raised_on=min(day, on))
        for day in (on - ONE_DAY, on, last, last + ONE_DAY)
    )
    message = plans(on)["wakil"]
    assert keys(message) == findings(late, due_today, due_last)
    lines = first_lines(message)
    assert lines[("finding", late.pk)].endswith("(terlambat 1 hari)")
    assert lines[("finding", due_today.pk)].endswith("(hari ini)")
    assert lines[("finding", due_last.pk)].endswith("(14 hari lagi)")


@pytest.mark.parametrize(
    ("on", "when"),
    [
        (datetime.date(2028, 12, 31), "59 hari lagi"),  # 31 December 2028 to 28 February 2029
        (datetime.date(2029, 2, 28), "hari ini"),
        (datetime.date(2029, 3, 1), "terlambat 1 hari"),
    ],
)
def test_staff_are_told_of_a_surveillance_due_on_28_february_for_a_certificate_of_29_february(roles, on, when):
    RoleUserFactory(username="staf", role=Role.STAFF)
    iso_2015 = StandardFactory(code="ISO 9001:2015", certificates_valid_until=None, clause_set=ClauseSet.ISO_9001_2015)
    certificate = CertificateFactory(
        standard=iso_2015, issued_on=datetime.date(2028, 2, 29), expires_on=datetime.date(2031, 2, 28)
    )
    lines = first_lines(plans(on)["staf"])
    assert lines[("audit_due", certificate.pk)] == f"Jatuh tempo: 28 Feb. 2029 ({when})"
