"""The certification cycle on chosen dates: which audit each certificate expects next, and when."""

import datetime

import pytest

from certifications import cycle
from certifications.dates import DatePrecision, add_years
from certifications.models import Audit, Certificate
from tests.factories import AgencyFactory, AuditFactory, CertificateFactory, StandardFactory

pytestmark = pytest.mark.django_db
D = datetime.date

SURVEILLANCE = Audit.Kind.SURVEILLANCE
RECERTIFICATION = Audit.Kind.RECERTIFICATION


def iso_2015():
    return StandardFactory(code="ISO 9001:2015", published_on=D(2015, 9, 15), certificates_valid_until=None)


def iso_2008():
    return StandardFactory(code="ISO 9001:2008")


@pytest.fixture
def certificate():
    """Issued on 10 March 2020 (exact day), three years: through 9 March 2023."""
    return CertificateFactory(
        standard=iso_2015(), issued_on=D(2020, 3, 10), expires_on=D(2023, 3, 9), number="QMS-2020-001"
    )


def audit(certificate, starts_on, *, kind=SURVEILLANCE, status=Audit.Status.COMPLETED):
    return AuditFactory(
        agency=certificate.agency, certificate=certificate, kind=kind, status=status, starts_on=starts_on, ends_on=None
    )


def next_of(certificate, on):
    """The certificate's next audit as the portal lists it: through the database query and the rules."""
    found = [item for item in cycle.next_audits(on=on) if item.certificate.pk == certificate.pk]
    assert len(found) <= 1
    return found[0] if found else None


def summary(item):
    return None if item is None else (item.kind, item.number, item.due_on)


# --- the first surveillance window ---------------------------------------------------------------


def test_first_surveillance_is_due_twelve_months_after_issue(certificate):
    item = next_of(certificate, D(2020, 6, 1))
    assert summary(item) == (SURVEILLANCE, 1, D(2021, 3, 9))
    assert not item.is_overdue(on=D(2020, 6, 1))
    assert item.name == "audit surveilans ke-1"
    assert item.due_display == "9 Maret 2021"


def test_on_its_last_day_the_first_surveillance_is_due_not_overdue(certificate):
    item = next_of(certificate, D(2021, 3, 9))
    assert summary(item) == (SURVEILLANCE, 1, D(2021, 3, 9))
    assert not item.is_overdue(on=D(2021, 3, 9))
    assert item.days_left(on=D(2021, 3, 9)) == 0


def test_the_day_after_the_window_without_a_surveillance_it_is_overdue(certificate):
    item = next_of(certificate, D(2021, 3, 10))
    assert summary(item) == (SURVEILLANCE, 1, D(2021, 3, 9))
    assert item.is_overdue(on=D(2021, 3, 10))
    assert item.days_left(on=D(2021, 3, 10)) == -1


def test_after_one_completed_surveillance_the_second_is_due(certificate):
    audit(certificate, D(2021, 2, 15))
    assert summary(next_of(certificate, D(2021, 3, 10))) == (SURVEILLANCE, 2, D(2022, 3, 9))
    # Before that audit took place, the first was still owed.
    assert summary(next_of(certificate, D(2021, 2, 14))) == (SURVEILLANCE, 1, D(2021, 3, 9))


def test_a_late_surveillance_does_not_move_the_next_due_date(certificate):
    """Due dates are anchored to the issue date, not to the last audit."""
    audit(certificate, D(2021, 7, 1))
    assert summary(next_of(certificate, D(2021, 8, 1))) == (SURVEILLANCE, 2, D(2022, 3, 9))


def test_after_two_surveillances_the_recertification_is_due_at_expiry(certificate):
    audit(certificate, D(2021, 2, 15))
    audit(certificate, D(2022, 2, 15))
    item = next_of(certificate, D(2022, 6, 1))
    assert summary(item) == (RECERTIFICATION, 0, D(2023, 3, 9))
    assert item.name == "audit resertifikasi"


def test_at_expiry_the_recertification_is_still_due(certificate):
    audit(certificate, D(2021, 2, 15))
    audit(certificate, D(2022, 2, 15))
    item = next_of(certificate, D(2023, 3, 9))
    assert summary(item) == (RECERTIFICATION, 0, D(2023, 3, 9))
    assert not item.is_overdue(on=D(2023, 3, 9))


def test_after_expiry_no_audit_is_expected(certificate):
    assert next_of(certificate, D(2023, 3, 10)) is None


def test_before_issue_no_audit_is_expected(certificate):
    assert next_of(certificate, D(2020, 3, 9)) is None


def test_a_completed_recertification_audit_ends_the_cycle(certificate):
    audit(certificate, D(2021, 2, 15))
    audit(certificate, D(2022, 2, 15))
    audit(certificate, D(2023, 1, 20), kind=RECERTIFICATION)
    assert next_of(certificate, D(2023, 1, 19)) is not None
    assert next_of(certificate, D(2023, 2, 1)) is None


@pytest.mark.parametrize("status", [Audit.Status.PLANNED, Audit.Status.CANCELLED])
def test_planned_or_cancelled_audits_do_not_count(certificate, status):
    audit(certificate, D(2021, 2, 15), status=status)
    audit(certificate, D(2021, 2, 20), kind=RECERTIFICATION, status=status)
    item = next_of(certificate, D(2021, 3, 10))
    assert summary(item) == (SURVEILLANCE, 1, D(2021, 3, 9))
    assert item.is_overdue(on=D(2021, 3, 10))


def test_audits_of_another_certificate_do_not_count(certificate):
    other = CertificateFactory(
        agency=certificate.agency, standard=certificate.standard, issued_on=D(2020, 1, 1), expires_on=D(2022, 12, 31)
    )
    audit(other, D(2021, 2, 15))
    audit(other, D(2021, 2, 16), kind=RECERTIFICATION)
    assert summary(next_of(certificate, D(2021, 3, 10))) == (SURVEILLANCE, 1, D(2021, 3, 9))
    assert summary(next_of(other, D(2021, 3, 10))) is None


def test_other_kinds_of_audit_do_not_count(certificate):
    audit(certificate, D(2021, 2, 15), kind=Audit.Kind.SPECIAL)
    assert summary(next_of(certificate, D(2021, 3, 10))) == (SURVEILLANCE, 1, D(2021, 3, 9))


def test_a_suspended_certificate_still_owes_its_audits(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.SUSPENDED, status_changed_on=D(2021, 1, 5), status_reason="Uji pembekuan."
    )
    item = next_of(certificate, D(2021, 3, 10))
    assert summary(item) == (SURVEILLANCE, 1, D(2021, 3, 9))
    assert item.is_overdue(on=D(2021, 3, 10))


def test_a_withdrawn_certificate_expects_nothing_from_its_withdrawal(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.WITHDRAWN, status_changed_on=D(2021, 1, 5), status_reason="Uji pencabutan."
    )
    assert next_of(certificate, D(2021, 1, 5)) is None
    assert next_of(certificate, D(2021, 3, 10)) is None
    # Before its withdrawal it was in the cycle like any other.
    assert summary(next_of(certificate, D(2021, 1, 4))) == (SURVEILLANCE, 1, D(2021, 3, 9))


# --- the standard's end of validity --------------------------------------------------------------


@pytest.fixture
def certificate_2008():
    """ISO 9001:2008, printed through 30 September 2019, but the standard ends on 15 September 2018."""
    return CertificateFactory(standard=iso_2008(), issued_on=D(2016, 10, 1), expires_on=D(2019, 9, 30))


def test_a_2008_certificate_expects_nothing_after_15_september_2018(certificate_2008):
    assert next_of(certificate_2008, D(2018, 9, 16)) is None
    assert next_of(certificate_2008, D(2019, 6, 1)) is None
    assert next_of(certificate_2008, D(2018, 9, 15)) is not None


def test_no_audit_is_due_after_the_standard_ends(certificate_2008):
    """The second surveillance would fall on 30 September 2018, after the standard's end: the audit
    that renews the certificate is due by the end instead, as an exact day."""
    assert summary(next_of(certificate_2008, D(2017, 6, 1))) == (SURVEILLANCE, 1, D(2017, 9, 30))
    audit(certificate_2008, D(2017, 9, 1))
    item = next_of(certificate_2008, D(2018, 6, 1))
    assert summary(item) == (RECERTIFICATION, 0, D(2018, 9, 15))
    assert item.precision == DatePrecision.DAY
    assert item.due_display == "15 Sep. 2018"


def test_a_2008_certificate_expiring_before_the_standard_ends_keeps_its_own_dates():
    certificate = CertificateFactory(standard=iso_2008(), issued_on=D(2014, 5, 14), expires_on=D(2017, 5, 13))
    audit(certificate, D(2015, 5, 1))
    audit(certificate, D(2016, 5, 1))
    assert summary(next_of(certificate, D(2016, 6, 1))) == (RECERTIFICATION, 0, D(2017, 5, 13))


# --- dates known roughly -------------------------------------------------------------------------


def test_a_year_precision_issue_date_gives_the_latest_plausible_due_date():
    """Issued in 2012, month unknown: the first surveillance is due "in 2013", overdue only in 2014."""
    certificate = CertificateFactory(
        standard=iso_2015(),
        issued_on=D(2012, 12, 31),
        issued_precision=DatePrecision.YEAR,
        expires_on=D(2015, 12, 31),
        expires_precision=DatePrecision.YEAR,
    )
    item = next_of(certificate, D(2013, 12, 31))
    assert summary(item) == (SURVEILLANCE, 1, D(2013, 12, 31))
    assert item.due_display == "2013"
    assert not item.is_overdue(on=D(2013, 12, 31))
    assert next_of(certificate, D(2014, 1, 1)).is_overdue(on=D(2014, 1, 1))
    # Not known to be issued before the year is out.
    assert next_of(certificate, D(2012, 6, 1)) is None


def test_an_about_year_date_says_so():
    certificate = CertificateFactory(
        standard=iso_2015(),
        issued_on=D(2012, 12, 31),
        issued_precision=DatePrecision.ABOUT_YEAR,
        expires_on=D(2015, 12, 31),
        expires_precision=DatePrecision.ABOUT_YEAR,
    )
    audit(certificate, D(2013, 6, 1))
    audit(certificate, D(2014, 6, 1))
    item = next_of(certificate, D(2015, 1, 1))
    assert summary(item) == (RECERTIFICATION, 0, D(2015, 12, 31))
    assert item.due_display == "sekitar 2015"


def test_a_month_precision_issue_date_is_due_at_the_month_end():
    certificate = CertificateFactory(
        standard=iso_2015(),
        issued_on=D(2012, 5, 31),
        issued_precision=DatePrecision.MONTH,
        expires_on=D(2015, 5, 31),
        expires_precision=DatePrecision.MONTH,
    )
    item = next_of(certificate, D(2013, 1, 1))
    assert summary(item) == (SURVEILLANCE, 1, D(2013, 5, 31))
    assert item.due_display == "Mei 2013"


def test_unknown_dates_expect_nothing():
    certificate = CertificateFactory(
        standard=iso_2015(),
        issued_on=None,
        issued_precision=DatePrecision.UNKNOWN,
        expires_on=None,
        expires_precision=DatePrecision.UNKNOWN,
    )
    assert next_of(certificate, D(2013, 1, 1)) is None
    assert cycle.next_audit(certificate, on=D(2013, 1, 1), completed_surveillances=0, recertified=False) is None


# --- the days a calendar makes awkward ------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued", "dues"),
    [
        # Issued on 29 February: every due date falls on 28 February, none on 1 March.
        pytest.param(D(2028, 2, 29), [D(2029, 2, 28), D(2030, 2, 28), D(2031, 2, 28)], id="29-february"),
        # The day before the anniversary of 1 March is 29 February in a leap year.
        pytest.param(D(2027, 3, 1), [D(2028, 2, 29), D(2029, 2, 28), D(2030, 2, 28)], id="1-march"),
        pytest.param(D(2027, 2, 28), [D(2028, 2, 27), D(2029, 2, 27), D(2030, 2, 27)], id="28-february"),
        pytest.param(D(2027, 12, 31), [D(2028, 12, 30), D(2029, 12, 30), D(2030, 12, 30)], id="31-december"),
        pytest.param(D(2028, 1, 1), [D(2028, 12, 31), D(2029, 12, 31), D(2030, 12, 31)], id="1-january"),
    ],
)
def test_the_due_dates_of_a_cycle_begun_on_an_awkward_day(issued, dues):
    first, second, expiry = dues
    # The loader's printed-expiry rule gives the same last day as written here.
    assert add_years(issued, DatePrecision.DAY, cycle.CERTIFICATE_YEARS) == expiry
    certificate = CertificateFactory(standard=iso_2015(), issued_on=issued, expires_on=expiry)
    assert summary(next_of(certificate, issued)) == (SURVEILLANCE, 1, first)
    audit(certificate, first)  # each audit on the last day it is due
    assert summary(next_of(certificate, first)) == (SURVEILLANCE, 2, second)
    audit(certificate, second)
    assert summary(next_of(certificate, second)) == (RECERTIFICATION, 0, expiry)
    assert summary(next_of(certificate, expiry)) == (RECERTIFICATION, 0, expiry)
    assert next_of(certificate, expiry + datetime.timedelta(days=1)) is None


@pytest.mark.parametrize(
    ("issued", "on", "days_left"),
    [
        # Due 28 February 2029: the day before, the day itself, and 1 March.
        (D(2028, 2, 29), D(2029, 2, 27), 1),
        (D(2028, 2, 29), D(2029, 2, 28), 0),
        (D(2028, 2, 29), D(2029, 3, 1), -1),
        # Due 29 February 2028, asked on 28 and 29 February and 1 March.
        (D(2027, 3, 1), D(2028, 2, 28), 1),
        (D(2027, 3, 1), D(2028, 2, 29), 0),
        (D(2027, 3, 1), D(2028, 3, 1), -1),
        # Due 31 December 2028 (the 366th day), asked that day and the next.
        (D(2028, 1, 1), D(2028, 12, 31), 0),
        (D(2028, 1, 1), D(2029, 1, 1), -1),
        # Due 30 December 2028: on 31 December it is a day late.
        (D(2027, 12, 31), D(2028, 12, 31), -1),
    ],
)
def test_overdue_from_the_day_after_the_due_date_whatever_the_month_length(issued, on, days_left):
    certificate = CertificateFactory(
        standard=iso_2015(), issued_on=issued, expires_on=add_years(issued, DatePrecision.DAY, 3)
    )
    item = next_of(certificate, on)
    assert (item.days_left(on=on), item.is_overdue(on=on)) == (days_left, days_left < 0)


# --- lists ---------------------------------------------------------------------------------------


def test_next_audits_soonest_first_and_audits_due_within_a_window():
    standard = iso_2015()
    overdue = CertificateFactory(standard=standard, issued_on=D(2020, 1, 10), expires_on=D(2023, 1, 9))
    soon = CertificateFactory(standard=standard, issued_on=D(2020, 4, 10), expires_on=D(2023, 4, 9))
    later = CertificateFactory(standard=standard, issued_on=D(2020, 9, 10), expires_on=D(2023, 9, 9))
    on = D(2021, 3, 1)
    assert [item.certificate for item in cycle.next_audits(on=on)] == [overdue, soon, later]
    assert [item.certificate for item in cycle.audits_due(on=on, within_days=60)] == [overdue, soon]
    assert [item.certificate for item in cycle.audits_due(on=on, within_days=39)] == [overdue, soon]
    assert [item.certificate for item in cycle.audits_due(on=on, within_days=38)] == [overdue]


@pytest.mark.parametrize("certificates", [3, 40])
def test_next_audits_is_one_query_whatever_the_number(django_assert_num_queries, certificates):
    standard = iso_2015()
    for i in range(certificates):
        certificate = CertificateFactory(standard=standard, issued_on=D(2020, 3, 10), expires_on=D(2023, 3, 9))
        if i % 2:
            audit(certificate, D(2021, 2, 1))
            audit(certificate, D(2021, 2, 2), kind=Audit.Kind.SPECIAL)
    with django_assert_num_queries(1):
        items = cycle.next_audits(on=D(2021, 6, 1))
        assert len(items) == certificates
        assert {item.number for item in items} == {1, 2}
        assert {str(item.certificate.agency) for item in items}  # agency and standard come with the row


# --- agencies holding only a certificate whose standard ends soon --------------------------------


@pytest.fixture
def only_2008():
    """An agency whose only certificate is to ISO 9001:2008, printed through 31 January 2019."""
    return CertificateFactory(
        agency=AgencyFactory(name="Dinas Hanya 2008"),
        standard=iso_2008(),
        issued_on=D(2016, 2, 1),
        expires_on=D(2019, 1, 31),
    )


def test_an_agency_with_only_a_2008_certificate_is_listed_within_the_window(only_2008):
    listed = cycle.lapsing_standard_certificates(on=D(2018, 6, 1), within_days=365)
    assert list(listed) == [only_2008]
    groups = cycle.lapsing_standard_agencies(on=D(2018, 6, 1), within_days=365)
    assert [(group.standard.code, [a.name for a in group.agencies]) for group in groups] == [
        ("ISO 9001:2008", ["Dinas Hanya 2008"])
    ]
    # On the standard's last day it still holds it.
    assert list(cycle.lapsing_standard_certificates(on=D(2018, 9, 15), within_days=365)) == [only_2008]


def test_not_yet_within_the_window(only_2008):
    assert not cycle.lapsing_standard_certificates(on=D(2017, 9, 14), within_days=365).exists()
    assert cycle.lapsing_standard_certificates(on=D(2017, 9, 15), within_days=365).exists()


def test_an_agency_that_also_holds_a_valid_2015_certificate_is_not_listed(only_2008):
    CertificateFactory(agency=only_2008.agency, standard=iso_2015(), issued_on=D(2018, 3, 1), expires_on=D(2021, 2, 28))
    assert not cycle.lapsing_standard_certificates(on=D(2018, 6, 1), within_days=365).exists()
    # Before the 2015 certificate was issued the agency held only the 2008 one.
    assert list(cycle.lapsing_standard_certificates(on=D(2018, 2, 1), within_days=365)) == [only_2008]


def test_a_2015_certificate_not_in_force_does_not_save_the_agency(only_2008):
    CertificateFactory(
        agency=only_2008.agency,
        standard=iso_2015(),
        issued_on=D(2018, 3, 1),
        expires_on=D(2021, 2, 28),
        status=Certificate.Status.SUSPENDED,
        status_changed_on=D(2018, 5, 1),
        status_reason="Uji pembekuan.",
    )
    assert list(cycle.lapsing_standard_certificates(on=D(2018, 6, 1), within_days=365)) == [only_2008]


def test_after_the_end_nobody_is_listed(only_2008):
    assert not cycle.lapsing_standard_certificates(on=D(2018, 9, 16), within_days=365).exists()
    assert cycle.lapsing_standard_agencies(on=D(2018, 9, 16), within_days=365) == []


def test_an_agency_with_two_2008_certificates_is_named_once(only_2008):
    CertificateFactory(agency=only_2008.agency, standard=iso_2008(), issued_on=D(2016, 5, 1), expires_on=D(2019, 4, 30))
    assert cycle.lapsing_standard_certificates(on=D(2018, 6, 1), within_days=365).count() == 2
    groups = cycle.lapsing_standard_agencies(on=D(2018, 6, 1), within_days=365)
    assert [len(group.agencies) for group in groups] == [1]
