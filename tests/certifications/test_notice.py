"""The notice windows of certifications/notice.py, measured from the days a calendar makes awkward.

Each window is a number of days after the day asked about. From 29 February 2028, the 28
February before it and a year after it, and 31 December 2028 (the 366th day), the last day
inside each window is written out here, not computed: a record on it is in, one on the next
day is out. The windows are read through the functions the admin, the dashboard and the
reminders use, on the real database.
"""

import datetime

import pytest

from certifications import cycle
from certifications.dates import DatePrecision, add_years
from certifications.models import Certificate, Finding
from certifications.notice import (
    AUDIT_DUE_NOTICE_DAYS,
    EXPIRY_NOTICE_DAYS,
    FINDING_DUE_NOTICE_DAYS,
    STANDARD_END_NOTICE_DAYS,
)
from certifications.timeline import CertificateFacts, expiring_stretch
from tests.factories import AgencyFactory, CertificateFactory, FindingFactory, StandardFactory

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = datetime.timedelta(days=1)

DAYS = [D(2028, 2, 29), D(2028, 2, 28), D(2029, 2, 28), D(2028, 12, 31)]
# The last day inside each window, from each of those days.
FINDING_LAST = dict(zip(DAYS, [D(2028, 3, 14), D(2028, 3, 13), D(2029, 3, 14), D(2029, 1, 14)], strict=True))
AUDIT_LAST = dict(zip(DAYS, [D(2028, 4, 29), D(2028, 4, 28), D(2029, 4, 29), D(2029, 3, 1)], strict=True))
EXPIRY_LAST = dict(zip(DAYS, [D(2028, 5, 29), D(2028, 5, 28), D(2029, 5, 29), D(2029, 3, 31)], strict=True))
# 365 days, not a calendar year: from 28 February 2028 it ends on 27 February 2029 (29 February is among them).
STANDARD_LAST = dict(zip(DAYS, [D(2029, 2, 28), D(2029, 2, 27), D(2030, 2, 28), D(2029, 12, 31)], strict=True))

on_each_day = pytest.mark.parametrize("on", DAYS, ids=lambda day: day.isoformat())


def iso_2015():
    return StandardFactory(code="ISO 9001:2015", published_on=D(2015, 9, 15), certificates_valid_until=None)


def test_the_tables_here_are_for_the_windows_in_force():
    windows = (FINDING_DUE_NOTICE_DAYS, AUDIT_DUE_NOTICE_DAYS, EXPIRY_NOTICE_DAYS, STANDARD_END_NOTICE_DAYS)
    assert windows == (14, 60, 90, 365)


@on_each_day
def test_findings_due_within_the_window(on):
    last = FINDING_LAST[on]
    due = {day: FindingFactory(grade=Finding.Grade.MAJOR, due_on=day) for day in (on - DAY, on, last, last + DAY)}
    found = set(Finding.objects.due_within(on=on, days=FINDING_DUE_NOTICE_DAYS))
    assert found == {due[on], due[last]}  # overdue ones are not "due within"; the day after is outside
    assert set(Finding.objects.overdue(on=on)) == {due[on - DAY]}


@on_each_day
def test_certificates_expiring_within_the_window(on):
    last = EXPIRY_LAST[on]
    standard = iso_2015()
    expiring = {
        day: CertificateFactory(standard=standard, issued_on=D(2026, 1, 1), expires_on=day)
        for day in (on - DAY, on, last, last + DAY)
    }
    found = set(Certificate.objects.expiring(on=on, within_days=EXPIRY_NOTICE_DAYS))
    # Expired the day before: no longer valid, so not "expiring"; on its last day it still is.
    assert found == {expiring[on], expiring[last]}
    # The dashboard's stored figures read the same window from the pure rule.
    for certificate in expiring.values():
        stretch = expiring_stretch(CertificateFacts.of(certificate), within_days=EXPIRY_NOTICE_DAYS)
        assert (stretch is not None and stretch[0] <= on <= stretch[1]) == (certificate in found)


# Issue days whose first surveillance falls due on the window's last day, and on the day after
# (due the day before the first anniversary).
AUDIT_ISSUED = {
    D(2028, 2, 29): (D(2027, 4, 30), D(2027, 5, 1)),
    D(2028, 2, 28): (D(2027, 4, 29), D(2027, 4, 30)),
    D(2029, 2, 28): (D(2028, 4, 30), D(2028, 5, 1)),
    D(2028, 12, 31): (D(2028, 3, 2), D(2028, 3, 3)),
}


@on_each_day
def test_audits_due_within_the_window(on):
    standard = iso_2015()
    inside, outside = (
        CertificateFactory(standard=standard, issued_on=issued, expires_on=add_years(issued, DatePrecision.DAY, 3))
        for issued in AUDIT_ISSUED[on]
    )
    due = {item.certificate: item for item in cycle.audits_due(on=on, within_days=AUDIT_DUE_NOTICE_DAYS)}
    assert list(due) == [inside]
    assert due[inside].due_on == AUDIT_LAST[on]
    assert due[inside].days_left(on=on) == AUDIT_DUE_NOTICE_DAYS
    # The one left out is due the day after the window, not missing for another reason.
    (later,) = [item for item in cycle.next_audits(on=on) if item.certificate == outside]
    assert later.due_on == AUDIT_LAST[on] + DAY


@on_each_day
def test_standards_ending_within_the_window(on):
    last = STANDARD_LAST[on]
    ending = StandardFactory(code="Standar Berakhir", certificates_valid_until=last)
    later = StandardFactory(code="Standar Berakhir Sehari Kemudian", certificates_valid_until=last + DAY)
    kept = {
        standard: CertificateFactory(
            agency=AgencyFactory(), standard=standard, issued_on=D(2026, 1, 1), expires_on=D(2031, 12, 31)
        )
        for standard in (ending, later)
    }
    found = list(cycle.lapsing_standard_certificates(on=on, within_days=STANDARD_END_NOTICE_DAYS))
    assert found == [kept[ending]]
    groups = cycle.lapsing_standard_agencies(on=on, within_days=STANDARD_END_NOTICE_DAYS)
    assert [(group.standard, group.agencies) for group in groups] == [(ending, [kept[ending].agency])]
