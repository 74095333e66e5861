"""Reads of an agency's status on a day from the stored timeline (certifications.selectors)."""

import datetime

import pytest

from agencies.models import AgencyStatus
from certifications import selectors
from certifications.models import Certificate
from tests.factories import AgencyFactory, CertificateFactory

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
    with django_assert_num_queries(1):
        found = dict(selectors.with_status(on=D(2013, 6, 1)).values_list("pk", "status"))
    assert found == {
        certified.pk: AgencyStatus.CERTIFIED,
        suspended.pk: AgencyStatus.SUSPENDED,
        withdrawn.pk: AgencyStatus.WITHDRAWN,
        expired.pk: AgencyStatus.EXPIRED,
        never.pk: AgencyStatus.NOT_YET,
    }
    by_status = selectors.with_status(on=D(2013, 6, 1)).filter(status=AgencyStatus.NOT_YET)
    assert list(by_status) == [never]
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
    on = D(2013, 6, 1)
    every = dict(selectors.with_status(on=on).values_list("pk", "status"))
    kept = set(selectors.with_status(on=on, only=status).values_list("pk", flat=True))
    assert kept == {pk for pk, found in every.items() if found == status}
    counts = selectors.status_counts(on=on)
    assert counts[status] == len(kept)
    assert sum(counts.values()) == len(every)
