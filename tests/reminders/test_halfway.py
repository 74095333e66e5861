"""The first reminder of a finding at the halfway point between its raise date and its due date
(certifications.notice.finding_reminder_due), run day by day through send_reminders."""

import datetime

import pytest

from bandung_iso.roles import Role
from certifications.duties import DutyKey, duties_for
from certifications.models import Audit, Finding
from certifications.notice import finding_reminder_due, halfway_day
from reminders.services import send_reminders
from tests.factories import AgencyFactory, AuditFactory, FindingFactory, RoleUserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
RAISED, DUE = D(2027, 3, 1), D(2027, 5, 30)
HALFWAY, WINDOW = D(2027, 4, 15), D(2027, 5, 16)  # 45 days in; 14 days before the due date


def days(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


@pytest.fixture
def raised(roles):
    agency = AgencyFactory(name="Dinas Separuh")
    RoleUserFactory(username="wakil", role=Role.REPRESENTATIVE, agencies=[agency])
    audit = AuditFactory(
        agency=agency, kind=Audit.Kind.INTERNAL, status=Audit.Status.COMPLETED, starts_on=RAISED, ends_on=None
    )
    return FindingFactory(audit=audit, grade=Finding.Grade.MAJOR, due_on=DUE)


def mailed_days(finding, mailoutbox, run_on) -> list[datetime.date]:
    """The days of ``run_on`` whose run mailed the representative about ``finding``."""
    mailed = []
    for day in run_on:
        before = len(mailoutbox)
        send_reminders(on=day, base_url="https://iso.example.test")
        if any(f"/finding/{finding.pk}/change/" in message.body for message in mailoutbox[before:]):
            mailed.append(day)
    return mailed


def test_the_halfway_day_is_45_days_into_a_90_day_finding():
    assert halfway_day(RAISED, DUE) == HALFWAY
    assert finding_reminder_due(raised_on=RAISED, due_on=DUE, on=HALFWAY, last_mailed_on=None)
    assert not finding_reminder_due(
        raised_on=RAISED, due_on=DUE, on=HALFWAY - datetime.timedelta(days=1), last_mailed_on=None
    )
    # Mailed on the halfway day: not again the next day.
    assert not finding_reminder_due(raised_on=RAISED, due_on=DUE, on=D(2027, 4, 16), last_mailed_on=HALFWAY)
    assert not finding_reminder_due(raised_on=RAISED, due_on=None, on=DUE, last_mailed_on=None)


def test_mailed_on_the_halfway_day_and_from_14_days_before_not_between(raised, mailoutbox):
    mailed = mailed_days(raised, mailoutbox, days(RAISED, DUE))
    assert mailed == [HALFWAY, *days(WINDOW, DUE)]


def test_a_missed_run_on_the_halfway_day_mails_it_on_the_next_run(raised, mailoutbox):
    run_on = [day for day in days(RAISED, D(2027, 4, 30)) if day not in (HALFWAY, HALFWAY + datetime.timedelta(days=1))]
    assert mailed_days(raised, mailoutbox, run_on) == [D(2027, 4, 17)]


def test_the_index_lists_it_every_day_the_mail_does_not(raised):
    representative = raised.audit.agency.quality_representatives.get()
    for day in (RAISED, D(2027, 4, 1), HALFWAY, D(2027, 5, 1), DUE):
        duty = duties_for(representative, on=day).get(DutyKey.TO_ANSWER)
        assert duty is not None and [finding.pk for finding in duty.records] == [raised.pk]
