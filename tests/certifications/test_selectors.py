"""Reads of an agency's status on a day from the stored timeline (certifications.selectors)."""

import datetime

import pytest

from agencies.models import AgencyStatus, CertificationReport
from certifications import selectors
from certifications.models import Certificate
from tests.factories import AgencyFactory, CertificateFactory, ProgrammeFactory, ProgrammeMemberFactory

pytestmark = pytest.mark.django_db


def test_certified_and_not_certified_partition_the_agencies():
    twice = AgencyFactory(name="A dua sertifikat")
    CertificateFactory(agency=twice)
    CertificateFactory(agency=twice, issued_on=datetime.date(2013, 1, 10), expires_on=datetime.date(2016, 1, 9))
    expired = AgencyFactory(name="B kedaluwarsa")
    CertificateFactory(agency=expired, issued_on=datetime.date(2009, 1, 1), expires_on=datetime.date(2011, 12, 31))
    never = AgencyFactory(name="C belum pernah")
    on = datetime.date(2013, 6, 1)

    certified = selectors.certified(on=on)
    assert list(certified) == [twice]  # once, though it holds two valid certificates
    assert certified.count() == 1
    assert list(selectors.not_certified(on=on)) == [expired, never]
    # Issued, its expiry unknown: neither certified nor known not to be.
    open_ended = AgencyFactory(name="D tanpa kedaluwarsa")
    CertificateFactory(agency=open_ended, expires_on=None, expires_precision="unknown")
    assert list(selectors.validity_unknown(on=on)) == [open_ended]
    assert list(selectors.not_certified(on=on)) == [expired, never]
    assert list(selectors.certified(on=on)) == [twice]
    assert selectors.certified(on=datetime.date(2010, 6, 1)).get() == expired
    assert Certificate.objects.valid(on=on).count() == 2


def test_certified_follows_the_certificate_validity_rules():
    agency = AgencyFactory()
    CertificateFactory(
        agency=agency,
        status=Certificate.Status.SUSPENDED,
        status_changed_on=datetime.date(2013, 6, 1),
        status_reason="Audit surveilans tidak dilaksanakan.",
    )
    assert agency in selectors.certified(on=datetime.date(2013, 5, 31))
    assert agency not in selectors.certified(on=datetime.date(2013, 6, 1))
    assert agency in selectors.not_certified(on=datetime.date(2013, 6, 1))


def test_an_agency_no_longer_active_still_counts_on_the_days_it_held_a_certificate():
    inactive = AgencyFactory(is_active=False)
    CertificateFactory(agency=inactive)
    assert list(selectors.certified(on=datetime.date(2013, 6, 1))) == [inactive]


def test_with_status_names_every_status_in_one_query(django_assert_num_queries):
    D = datetime.date
    certified = AgencyFactory(name="A")
    CertificateFactory(agency=certified)
    suspended = AgencyFactory(name="B")
    CertificateFactory(
        agency=suspended, status=Certificate.Status.SUSPENDED, status_changed_on=D(2013, 2, 1), status_reason="Uji"
    )
    withdrawn = AgencyFactory(name="C")
    CertificateFactory(
        agency=withdrawn, status=Certificate.Status.WITHDRAWN, status_changed_on=D(2013, 2, 1), status_reason="Uji"
    )
    expired = AgencyFactory(name="D")
    CertificateFactory(agency=expired, issued_on=D(2009, 1, 1), expires_on=D(2011, 12, 31))
    never = AgencyFactory(name="E")
    reported = AgencyFactory(name="F", certification_reported=CertificationReport.NOT_CERTIFIED)
    open_ended = AgencyFactory(name="G")
    CertificateFactory(agency=open_ended, expires_on=None, expires_precision="unknown")
    with django_assert_num_queries(1):
        found = dict(selectors.with_status(on=D(2013, 6, 1)).values_list("pk", "status"))
    assert found == {
        certified.pk: AgencyStatus.CERTIFIED,
        suspended.pk: AgencyStatus.SUSPENDED,
        withdrawn.pk: AgencyStatus.WITHDRAWN,
        expired.pk: AgencyStatus.EXPIRED,
        never.pk: AgencyStatus.UNKNOWN,
        reported.pk: AgencyStatus.NOT_YET,
        open_ended.pk: AgencyStatus.VALIDITY_UNKNOWN,
    }
    by_status = selectors.with_status(on=D(2013, 6, 1)).filter(status=AgencyStatus.NOT_YET)
    assert list(by_status) == [reported]
    assert list(selectors.with_status(on=D(2013, 6, 1), only=AgencyStatus.UNKNOWN)) == [never]
    ordered = selectors.with_status(on=D(2013, 6, 1)).order_by("status", "name").values_list("status", flat=True)
    assert list(ordered) == sorted(found.values())


def test_troubled_lists_the_suspended_and_withdrawn_agencies_by_name():
    D = datetime.date
    for name, status in (("Z dicabut", Certificate.Status.WITHDRAWN), ("A dibekukan", Certificate.Status.SUSPENDED)):
        CertificateFactory(
            agency=AgencyFactory(name=name), status=status, status_changed_on=D(2013, 2, 1), status_reason="Uji"
        )
    CertificateFactory(agency=AgencyFactory(name="M berlaku"))
    rows = [(s.agency.name, s.status) for s in selectors.troubled(on=D(2013, 6, 1))]
    assert rows == [("A dibekukan", AgencyStatus.SUSPENDED), ("Z dicabut", AgencyStatus.WITHDRAWN)]
    assert not selectors.troubled(on=D(2013, 1, 31)).exists()


@pytest.mark.parametrize("status", AgencyStatus.values)
def test_only_one_status_keeps_the_agencies_with_it(status):
    D = datetime.date
    CertificateFactory(agency=AgencyFactory())
    CertificateFactory(
        agency=AgencyFactory(), status=Certificate.Status.SUSPENDED, status_changed_on=D(2013, 2, 1), status_reason="U"
    )
    CertificateFactory(agency=AgencyFactory(), issued_on=D(2009, 1, 1), expires_on=D(2011, 12, 31))
    AgencyFactory()
    AgencyFactory(certification_reported=CertificationReport.NOT_CERTIFIED)
    CertificateFactory(agency=AgencyFactory(), expires_on=None, expires_precision="unknown")
    CertificateFactory(
        agency=AgencyFactory(), status=Certificate.Status.WITHDRAWN, status_changed_on=D(2013, 2, 1), status_reason="U"
    )
    # Reported uncertified, but the records show a certificate from 2014: not yet on the day.
    CertificateFactory(
        agency=AgencyFactory(certification_reported=CertificationReport.NOT_CERTIFIED),
        issued_on=D(2014, 1, 1),
        expires_on=D(2016, 12, 31),
    )
    on = D(2013, 6, 1)
    every = dict(selectors.with_status(on=on).values_list("pk", "status"))
    kept = set(selectors.with_status(on=on, only=status).values_list("pk", flat=True))
    assert kept  # each status has its agency here
    assert kept == {pk for pk, found in every.items() if found == status}
    counts = selectors.status_counts(on=on)
    assert counts[status] == len(kept)
    assert sum(counts.values()) == len(every)


def test_membership_counts_the_members_on_the_day_by_what_is_known():
    D = datetime.date
    programme = ProgrammeFactory(target_agencies=10, members=[])
    named_certified = AgencyFactory(member=False)
    CertificateFactory(agency=named_certified)
    placeholder_certified = AgencyFactory(name_confirmed=False, member=False)
    CertificateFactory(agency=placeholder_certified)
    lapsed = AgencyFactory(member=False)
    CertificateFactory(agency=lapsed, issued_on=D(2009, 1, 1), expires_on=D(2011, 12, 31))
    reported = AgencyFactory(certification_reported=CertificationReport.NOT_CERTIFIED, member=False)
    unknown = AgencyFactory(member=False)
    open_ended = AgencyFactory(member=False)
    CertificateFactory(agency=open_ended, expires_on=None, expires_precision="unknown")
    merged = AgencyFactory(member=False)
    CertificateFactory(agency=merged)
    AgencyFactory(member=False)  # in the register, not in the programme: never counted
    for agency in (named_certified, placeholder_certified, lapsed, reported, unknown, open_ended):
        ProgrammeMemberFactory(programme=programme, agency=agency)
    ProgrammeMemberFactory(programme=programme, agency=merged, ends_on=D(2013, 3, 31))
    found = selectors.membership(programme, on=D(2013, 6, 1))
    assert (
        found.members,
        found.named,
        found.certified,
        found.validity_unknown,
        found.not_certified,
        found.unknown,
        found.unlisted,
    ) == (6, 5, 2, 1, 2, 1, 4)
    before = selectors.membership(programme, on=D(2013, 3, 31))
    assert (before.members, before.certified) == (7, 3)
    assert programme.progress(on=D(2013, 3, 31)).certified == 3
    assert programme.progress(on=D(2013, 6, 1)).certified == 2


def test_report_exceeded_when_the_records_count_more_than_the_report():
    D = datetime.date
    programme = ProgrammeFactory(reported_certified=1, reported_on=D(2013, 12, 31), reported_precision="about_year")
    CertificateFactory(agency=AgencyFactory())
    assert selectors.report_exceeded(programme) is None
    CertificateFactory(agency=AgencyFactory())
    exceeded = selectors.report_exceeded(programme)
    assert exceeded is not None and exceeded.certified == 2
    assert selectors.report_exceeded(ProgrammeFactory(reported_certified=None)) is None
