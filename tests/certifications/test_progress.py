"""Programme.progress(on=...): certified agencies against the target, and why the others lapsed."""

import datetime

import pytest

from certifications.models import Certificate, Progress
from tests.factories import AgencyFactory, CertificateFactory, ProgrammeFactory, StandardFactory

pytestmark = pytest.mark.django_db

D = datetime.date
SUSPENSION = {"status_changed_on": D(2013, 6, 1), "status_reason": "Audit surveilans tidak dilaksanakan."}
NO_LAPSE = {"expired": 0, "standard_lapsed": 0, "suspended": 0, "withdrawn": 0}


def progress_fields(progress: Progress) -> dict:
    return {
        "certified": progress.certified,
        "expired": progress.expired,
        "standard_lapsed": progress.standard_lapsed,
        "suspended": progress.suspended,
        "withdrawn": progress.withdrawn,
    }


def exact():
    return CertificateFactory()  # 14 May 2012 to 13 May 2015, ISO 9001:2008 (ends 15 September 2018)


def outlived_by_its_standard():
    return CertificateFactory(issued_on=D(2016, 6, 1), expires_on=D(2019, 5, 31))


def suspended():
    return CertificateFactory(status=Certificate.Status.SUSPENDED, **SUSPENSION)


def withdrawn():
    return CertificateFactory(status=Certificate.Status.WITHDRAWN, **SUSPENSION)


@pytest.mark.parametrize(
    ("scenario", "on", "expected"),
    [
        pytest.param(exact, D(2012, 5, 13), {"certified": 0, **NO_LAPSE}, id="before-issue"),
        pytest.param(exact, D(2012, 5, 14), {"certified": 1, **NO_LAPSE}, id="issue-day"),
        pytest.param(exact, D(2015, 5, 13), {"certified": 1, **NO_LAPSE}, id="expiry-day"),
        pytest.param(exact, D(2015, 5, 14), {"certified": 0, **NO_LAPSE, "expired": 1}, id="after-expiry"),
        # After the ISO 9001:2008 transition everything issued to it has lapsed, whatever the printed expiry.
        pytest.param(outlived_by_its_standard, D(2018, 9, 15), {"certified": 1, **NO_LAPSE}, id="standard-last-day"),
        pytest.param(
            outlived_by_its_standard,
            D(2018, 9, 16),
            {"certified": 0, **NO_LAPSE, "standard_lapsed": 1},
            id="after-2018-09-15",
        ),
        pytest.param(
            outlived_by_its_standard,
            D(2019, 6, 1),
            {"certified": 0, **NO_LAPSE, "standard_lapsed": 1, "expired": 1},
            id="after-standard-end-and-printed-expiry",
        ),
        pytest.param(
            exact,
            D(2018, 9, 16),
            {"certified": 0, **NO_LAPSE, "expired": 1, "standard_lapsed": 1},
            id="expired-2008-certificate-counts-under-both",
        ),
        pytest.param(suspended, D(2013, 5, 31), {"certified": 1, **NO_LAPSE}, id="day-before-suspension"),
        pytest.param(suspended, D(2013, 6, 1), {"certified": 0, **NO_LAPSE, "suspended": 1}, id="suspended"),
        pytest.param(withdrawn, D(2013, 5, 31), {"certified": 1, **NO_LAPSE}, id="day-before-withdrawal"),
        pytest.param(withdrawn, D(2014, 1, 1), {"certified": 0, **NO_LAPSE, "withdrawn": 1}, id="withdrawn"),
    ],
)
def test_progress_on_a_chosen_day(scenario, on, expected):
    programme = ProgrammeFactory(target_agencies=83)
    scenario()
    progress = programme.progress(on=on)
    assert progress.on == on
    assert progress.target == 83
    assert progress_fields(progress) == expected
    assert progress.lapsed is any(expected[reason] for reason in NO_LAPSE)
    assert progress.remaining == 83 - expected["certified"]


def test_before_issue_nothing_has_lapsed():
    programme = ProgrammeFactory()
    for scenario in (exact, outlived_by_its_standard, suspended, withdrawn):
        scenario()
    progress = programme.progress(on=D(2012, 1, 1))
    assert progress_fields(progress) == {"certified": 0, **NO_LAPSE}
    assert progress.lapsed is False
    assert progress.percent == 0


def test_an_agency_with_a_valid_certificate_is_not_counted_as_lapsed():
    programme = ProgrammeFactory()
    agency = AgencyFactory()
    CertificateFactory(agency=agency, issued_on=D(2009, 1, 1), expires_on=D(2011, 12, 31))
    CertificateFactory(
        agency=agency,
        status=Certificate.Status.WITHDRAWN,
        status_changed_on=D(2012, 1, 5),
        status_reason="Dicabut.",
        issued_on=D(2011, 6, 1),
        expires_on=D(2014, 5, 31),
    )
    CertificateFactory(agency=agency)  # valid 14 May 2012 to 13 May 2015
    progress = programme.progress(on=D(2013, 1, 1))
    assert progress_fields(progress) == {"certified": 1, **NO_LAPSE}
    assert progress.lapsed is False


def test_each_agency_counts_once_per_reason():
    programme = ProgrammeFactory()
    agency = AgencyFactory()
    CertificateFactory(agency=agency, issued_on=D(2009, 1, 1), expires_on=D(2011, 12, 31))
    CertificateFactory(agency=agency)
    other = AgencyFactory()
    CertificateFactory(agency=other)
    progress = programme.progress(on=D(2016, 1, 1))
    assert progress_fields(progress) == {"certified": 0, **NO_LAPSE, "expired": 2}


def test_progress_counts_agencies_not_certificates():
    programme = ProgrammeFactory(target_agencies=83)
    agency = AgencyFactory()
    CertificateFactory(agency=agency)
    CertificateFactory(agency=agency, issued_on=D(2012, 6, 1), expires_on=D(2015, 5, 31))
    progress = programme.progress(on=D(2013, 1, 1))
    assert progress.certified == 1
    assert progress.remaining == 82


def test_certificates_of_a_standard_without_an_end_do_not_lapse_with_2008():
    programme = ProgrammeFactory()
    iso_2015 = StandardFactory(code="ISO 9001:2015", published_on=D(2015, 9, 15), certificates_valid_until=None)
    CertificateFactory(standard=iso_2015, issued_on=D(2018, 1, 1), expires_on=D(2020, 12, 31))
    exact()
    progress = programme.progress(on=D(2019, 1, 1))
    assert progress_fields(progress) == {"certified": 1, **NO_LAPSE, "expired": 1, "standard_lapsed": 1}


def test_44_of_83_is_53_percent():
    programme = ProgrammeFactory(target_agencies=83)
    CertificateFactory.create_batch(44)
    AgencyFactory.create_batch(39)  # not certified
    progress = programme.progress(on=D(2013, 1, 1))
    assert (progress.certified, progress.target) == (44, 83)
    assert progress.percent == 53
    assert progress.remaining == 39


@pytest.mark.parametrize(
    ("certified", "target", "percent"),
    [
        (44, 83, 53),
        (0, 83, 0),
        (83, 83, 100),
        (1, 8, 13),  # 12.5 rounds half up (banker's rounding would give 12)
        (5, 200, 3),  # 2.5 rounds half up
        (3, 8, 38),  # 37.5
        (1, 3, 33),  # 33.33...
        (2, 3, 67),  # 66.66...
        (90, 83, 108),  # more certified than targeted
    ],
)
def test_percent_rounds_half_up(certified, target, percent):
    progress = Progress(on=D(2013, 1, 1), certified=certified, target=target, **NO_LAPSE)
    assert progress.percent == percent


@pytest.mark.parametrize(("certified", "target", "remaining"), [(44, 83, 39), (83, 83, 0), (90, 83, 0), (0, 1, 1)])
def test_remaining_is_never_negative(certified, target, remaining):
    assert Progress(on=D(2013, 1, 1), certified=certified, target=target, **NO_LAPSE).remaining == remaining


def test_percent_of_a_zero_target_is_zero():
    # A target of 0 is refused by programme_target_positive; the property still must not divide by zero.
    assert Progress(on=D(2013, 1, 1), certified=3, target=0, **NO_LAPSE).percent == 0


@pytest.mark.parametrize("reason", list(NO_LAPSE))
def test_lapsed_is_true_for_any_reason(reason):
    assert Progress(on=D(2013, 1, 1), certified=0, target=83, **{**NO_LAPSE, reason: 1}).lapsed is True


@pytest.mark.parametrize("agencies", [2, 40])
def test_progress_runs_a_fixed_number_of_queries(agencies, django_assert_num_queries):
    programme = ProgrammeFactory()
    builders = [exact, outlived_by_its_standard, suspended, withdrawn]
    for index in range(agencies):
        builders[index % len(builders)]()
    with django_assert_num_queries(1):
        progress = programme.progress(on=D(2013, 6, 1))
    # On 1 June 2013: the exact ones are valid, the 2016 ones not yet issued, the others suspended/withdrawn.
    exact_count = len(range(0, agencies, 4))
    assert progress.certified == exact_count
    assert progress.suspended == len(range(2, agencies, 4))
    assert progress.withdrawn == len(range(3, agencies, 4))
    assert progress.expired == progress.standard_lapsed == 0
