"""The certification rule (certifications.timeline) and the stored timeline that follows it.

The pure rule is checked on hand-made cases; then, on random histories written through every
kind of write (saves, bulk updates, deletions, a standard's end moved, a certificate moved to
another agency), the stored stretches must equal the pure function, and the SQL form of the
certificate rule must agree with the pure one on every turning day. Both engines run this.
"""

import datetime
import random

import pytest

from agencies.models import AgencyStatus, CertificationReport
from certifications import selectors, timeline_store
from certifications.models import Certificate, CertificateState, CertificateStatus, Standard, StatusStretch
from certifications.timeline import (
    FIRST_DAY,
    LAST_DAY,
    CertificateFacts,
    Standing,
    Stretch,
    certificate_state,
    expiring_stretch,
    in_cycle,
    in_cycle_on,
    is_valid,
    is_validity_unknown,
    standing_on,
    stretches,
    valid_on,
    valid_stretch,
    validity_unknown_on,
)
from tests.factories import AgencyFactory, CertificateFactory, StandardFactory

D = datetime.date
ONE = datetime.timedelta(days=1)
ACTIVE, SUSPENDED, WITHDRAWN = CertificateStatus.ACTIVE, CertificateStatus.SUSPENDED, CertificateStatus.WITHDRAWN


ISSUED, EXPIRES, STANDARD_ENDS = D(2012, 5, 14), D(2015, 5, 13), D(2018, 9, 15)


def facts(issued=ISSUED, expires=EXPIRES, ends=STANDARD_ENDS, status=ACTIVE, changed=None):
    return CertificateFacts(issued, expires, ends, status, changed)


# The pure rule -----------------------------------------------------------------------------


def test_a_certificate_is_valid_from_its_issue_to_its_expiry_both_included():
    cert = facts()
    assert [is_valid(cert, day) for day in (D(2012, 5, 13), D(2012, 5, 14), D(2015, 5, 13), D(2015, 5, 14))] == [
        False,
        True,
        True,
        False,
    ]
    assert valid_stretch(cert) == (D(2012, 5, 14), D(2015, 5, 13))


def test_the_standard_end_cuts_the_validity_short():
    cert = facts(issued=D(2017, 1, 1), expires=D(2019, 12, 31), ends=D(2018, 9, 15))
    assert valid_stretch(cert) == (D(2017, 1, 1), D(2018, 9, 15))
    assert certificate_state(cert, D(2018, 9, 16)) == CertificateState.STANDARD_LAPSED
    assert certificate_state(cert, D(2020, 1, 1)) == CertificateState.STANDARD_LAPSED


def test_unknown_dates_never_count_as_valid():
    for cert in (facts(issued=None), facts(expires=None)):
        assert valid_stretch(cert) is None
        assert not is_valid(cert, D(2013, 1, 1))
    assert certificate_state(facts(issued=None), D(2013, 1, 1)) == CertificateState.UNKNOWN
    assert not is_validity_unknown(facts(issued=None, expires=None), D(2013, 1, 1))


def test_an_issued_certificate_without_expiry_has_an_unknown_validity_until_something_ends_it():
    cert = facts(expires=None)
    assert certificate_state(cert, D(2012, 5, 13)) == CertificateState.NOT_YET_VALID
    assert not is_validity_unknown(cert, D(2012, 5, 13))
    for day in (D(2012, 5, 14), D(2018, 9, 15)):
        assert is_validity_unknown(cert, day)
        assert certificate_state(cert, day) == CertificateState.VALIDITY_UNKNOWN
    # Its standard's end, a suspension or a withdrawal decide.
    assert not is_validity_unknown(cert, D(2018, 9, 16))
    assert certificate_state(cert, D(2018, 9, 16)) == CertificateState.STANDARD_LAPSED
    suspended = facts(expires=None, status=SUSPENDED, changed=D(2013, 6, 1))
    assert is_validity_unknown(suspended, D(2013, 5, 31)) and not is_validity_unknown(suspended, D(2013, 6, 1))
    assert certificate_state(suspended, D(2013, 6, 1)) == CertificateState.SUSPENDED


def test_a_suspension_ends_the_validity_the_day_before_and_stays_in_the_cycle():
    cert = facts(status=SUSPENDED, changed=D(2013, 6, 1))
    assert valid_stretch(cert) == (D(2012, 5, 14), D(2013, 5, 31))
    assert certificate_state(cert, D(2013, 6, 1)) == CertificateState.SUSPENDED
    assert in_cycle(cert, D(2013, 6, 1))
    withdrawn = facts(status=WITHDRAWN, changed=D(2013, 6, 1))
    assert not in_cycle(withdrawn, D(2013, 6, 1)) and in_cycle(withdrawn, D(2013, 5, 31))
    assert valid_stretch(facts(status=WITHDRAWN, changed=D(2012, 5, 14))) is None


def test_an_agency_timeline_from_one_certificate():
    cert = facts(status=SUSPENDED, changed=D(2014, 2, 1))
    assert stretches([cert]) == [
        Stretch(FIRST_DAY, D(2012, 5, 13), Standing(AgencyStatus.NOT_YET)),
        Stretch(D(2012, 5, 14), D(2014, 1, 31), Standing(AgencyStatus.CERTIFIED)),
        Stretch(D(2014, 2, 1), D(2015, 5, 13), Standing(AgencyStatus.SUSPENDED, suspended=True)),
        Stretch(D(2015, 5, 14), D(2018, 9, 15), Standing(AgencyStatus.SUSPENDED, expired=True, suspended=True)),
        Stretch(
            D(2018, 9, 16),
            LAST_DAY,
            Standing(AgencyStatus.SUSPENDED, expired=True, standard_lapsed=True, suspended=True),
        ),
    ]


def test_a_valid_certificate_wins_and_suspended_wins_over_withdrawn():
    old_withdrawn = facts(issued=D(2009, 1, 1), expires=D(2011, 12, 31), status=WITHDRAWN, changed=D(2010, 1, 1))
    renewed = facts(issued=D(2012, 1, 1), expires=D(2014, 12, 31))
    assert standing_on([old_withdrawn, renewed], D(2013, 1, 1)) == Standing(AgencyStatus.CERTIFIED)
    suspended = facts(issued=D(2012, 1, 1), expires=D(2014, 12, 31), status=SUSPENDED, changed=D(2013, 1, 1))
    assert standing_on([old_withdrawn, suspended], D(2013, 2, 1)) == Standing(
        AgencyStatus.SUSPENDED, expired=True, suspended=True, withdrawn=True
    )
    # No certificate on record: unknown, unless the city reported the agency uncertified.
    assert standing_on([], D(2013, 1, 1)) == Standing(AgencyStatus.UNKNOWN)
    reported = CertificationReport.NOT_CERTIFIED
    assert standing_on([], D(2013, 1, 1), reported=reported) == Standing(AgencyStatus.NOT_YET)
    assert standing_on([renewed], D(2011, 1, 1), reported=reported) == Standing(AgencyStatus.NOT_YET)
    assert standing_on([renewed], D(2013, 1, 1), reported=reported) == Standing(AgencyStatus.CERTIFIED)


def test_a_certificate_with_unknown_expiry_gives_its_agency_an_unknown_validity_not_expired():
    open_ended = facts(expires=None)
    assert standing_on([open_ended], D(2013, 1, 1)) == Standing(AgencyStatus.VALIDITY_UNKNOWN)
    # A valid certificate decides; an ended one beside it does not, though its reason is told.
    renewed = facts(issued=D(2012, 1, 1), expires=D(2014, 12, 31))
    assert standing_on([open_ended, renewed], D(2013, 1, 1)) == Standing(AgencyStatus.CERTIFIED)
    old = facts(issued=D(2008, 1, 1), expires=D(2010, 12, 31), status=WITHDRAWN, changed=D(2010, 1, 1))
    assert standing_on([open_ended, old], D(2013, 1, 1)) == Standing(
        AgencyStatus.VALIDITY_UNKNOWN, expired=True, withdrawn=True
    )
    # Once its standard ends, nothing is left unknown: it lapsed.
    assert standing_on([open_ended], D(2018, 9, 16)) == Standing(AgencyStatus.EXPIRED, standard_lapsed=True)
    assert stretches([open_ended]) == [
        Stretch(FIRST_DAY, D(2012, 5, 13), Standing(AgencyStatus.NOT_YET)),
        Stretch(D(2012, 5, 14), D(2018, 9, 15), Standing(AgencyStatus.VALIDITY_UNKNOWN)),
        Stretch(D(2018, 9, 16), LAST_DAY, Standing(AgencyStatus.EXPIRED, standard_lapsed=True)),
    ]


# Random histories: the store equals the rule ------------------------------------------------


def random_day(rng) -> datetime.date:
    return D(2008, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 12))


def random_certificate(rng, agency, standards) -> Certificate:
    issued = random_day(rng) if rng.random() < 0.9 else None
    expires = (issued or random_day(rng)) + datetime.timedelta(days=rng.randrange(30, 365 * 4))
    if rng.random() < 0.1:
        expires = None
    status = rng.choice([ACTIVE] * 3 + [SUSPENDED, WITHDRAWN])
    changed = random_day(rng) if status != ACTIVE else None
    return CertificateFactory(
        agency=agency,
        standard=rng.choice(standards),
        issued_on=issued,
        issued_precision="day" if issued else "unknown",
        expires_on=expires,
        expires_precision="day" if expires else "unknown",
        status=status,
        status_changed_on=changed,
        status_reason="Uji" if changed else "",
    )


def random_writes(rng, agencies, standards) -> None:
    """Every kind of write the store must follow, in random order."""
    for _ in range(12):
        certificates = list(Certificate.objects.all())
        action = rng.choice(["save", "update", "delete", "standard", "move", "bulk_create", "bulk_update"])
        if action == "save" or not certificates:
            random_certificate(rng, rng.choice(agencies), standards)
        elif action == "update":
            picked = rng.sample(certificates, k=min(3, len(certificates)))
            Certificate.objects.filter(pk__in=[c.pk for c in picked]).update(
                status=SUSPENDED, status_changed_on=random_day(rng), status_reason="Uji massal"
            )
        elif action == "delete":
            rng.choice(certificates).delete()
        elif action == "standard":
            standard = rng.choice(standards)
            # Ten years on: always after the standard's publication.
            standard.certificates_valid_until = rng.choice([None, random_day(rng) + datetime.timedelta(days=3650)])
            standard.save()
            Standard.objects.filter(pk=rng.choice(standards).pk).update(
                certificates_valid_until=random_day(rng) + datetime.timedelta(days=3650)
            )
        elif action == "move":
            moved = rng.choice(certificates)
            moved.agency = rng.choice(agencies)
            moved.save()
        elif action == "bulk_create":
            Certificate.objects.bulk_create(
                [Certificate(agency=rng.choice(agencies), standard=rng.choice(standards), source="Uji massal")]
            )
        else:
            picked = rng.sample(certificates, k=min(2, len(certificates)))
            for certificate in picked:
                certificate.expires_on = None
                certificate.expires_precision = "unknown"
            Certificate.objects.bulk_update(picked, ["expires_on", "expires_precision"])


def stored(agency_id: int) -> list[Stretch]:
    rows = StatusStretch.objects.filter(agency=agency_id).order_by("starts_on")
    found = [
        Stretch(r.starts_on, r.ends_on, Standing(r.status, r.expired, r.standard_lapsed, r.suspended, r.withdrawn))
        for r in rows
    ]
    return found or stretches([])


def pure(agency_id: int) -> list[Stretch]:
    held = Certificate.objects.filter(agency=agency_id).select_related("standard")
    return stretches([CertificateFacts.of(c) for c in held])


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(6))
def test_on_random_histories_the_stored_timeline_equals_the_rule(seed):
    rng = random.Random(seed)  # noqa: S311 (repeatable test data, not a secret)
    standards = [
        StandardFactory(code="ISO 9001:2008", certificates_valid_until=D(2018, 9, 15)),
        StandardFactory(code="ISO 9001:2015", certificates_valid_until=None, published_on=D(2015, 9, 15)),
    ]
    agencies = [AgencyFactory(certification_reported=rng.choice(CertificationReport.values)) for _ in range(6)]
    for agency in agencies[:5]:
        for _ in range(rng.choice([0, 1, 2, 3])):
            random_certificate(rng, agency, standards)
    random_writes(rng, agencies, standards)

    for agency in agencies:
        assert stored(agency.pk) == pure(agency.pk), agency

    # The SQL forms agree with the pure ones on every turning day and the days either side.
    certificates = list(Certificate.objects.select_related("standard"))
    days = {FIRST_DAY + ONE, D(2030, 1, 1)}
    for c in certificates:
        notice_starts = c.expires_on and c.expires_on - 90 * ONE
        days |= {
            d + delta
            for d in (c.issued_on, c.expires_on, c.status_changed_on, notice_starts)
            if d
            for delta in (-ONE, 0 * ONE, ONE)
        }
    for day in sorted(days):
        valid = set(Certificate.objects.filter(valid_on(day)).values_list("pk", flat=True))
        unknown = set(Certificate.objects.filter(validity_unknown_on(day)).values_list("pk", flat=True))
        assert unknown == {c.pk for c in certificates if is_validity_unknown(CertificateFacts.of(c), day)}, day
        cycling = set(Certificate.objects.filter(in_cycle_on(day)).values_list("pk", flat=True))
        assert valid == {c.pk for c in certificates if is_valid(CertificateFacts.of(c), day)}, day
        assert cycling == {c.pk for c in certificates if in_cycle(CertificateFacts.of(c), day)}, day
        expiring = set(Certificate.objects.expiring(on=day, within_days=90).values_list("pk", flat=True))
        stretches_ = {c.pk: expiring_stretch(CertificateFacts.of(c), within_days=90) for c in certificates}
        assert expiring == {pk for pk, s in stretches_.items() if s and s[0] <= day <= s[1]}, day
        statuses = dict(selectors.with_status(on=day).values_list("pk", "status"))
        for agency in agencies:
            held = [CertificateFacts.of(c) for c in certificates if c.agency_id == agency.pk]
            reported = agency.certification_reported
            assert statuses[agency.pk] == standing_on(held, day, reported=reported).status, (agency, day)


@pytest.mark.django_db
def test_rebuild_all_finds_nothing_to_change_after_django_writes_and_repairs_a_write_outside_it():
    cert = CertificateFactory()
    before = stored(cert.agency_id)
    assert timeline_store.rebuild_all() == len(before)
    assert stored(cert.agency_id) == before
    StatusStretch.objects.all().delete()  # as a write outside Django would leave it
    assert selectors.with_status(on=D(2013, 1, 1)).get().status == AgencyStatus.UNKNOWN
    timeline_store.rebuild_all()
    assert stored(cert.agency_id) == before
