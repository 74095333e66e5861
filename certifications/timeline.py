"""The certification rule, in one place: is a certificate in force on a day, and where does an agency stand.

Everything that asks "certified on day D?" asks this module, in one of two forms kept side by
side and tested against each other (tests/certifications/test_timeline.py):

- the pure rule, on plain facts (``CertificateFacts``): ``certificate_state``, ``is_valid``,
  ``standing_on`` and ``stretches``, the agency's timeline as stretches of days with one
  standing each;
- the SQL form of the certificate rule, ``valid_on``, ``validity_unknown_on`` and ``in_cycle_on``,
  for filters over certificates.

An agency's timeline is stored (``StatusStretch``, rebuilt by ``certifications.timeline_store``
inside every write that changes it), and every reader of an agency's status on a day reads
the stored stretches: the register, the agency page, the dashboard, ``Programme.progress``.

The rule. A certificate is valid on day D when it was issued on or before D, expires on or
after D, its standard is still recognised on D, and it was not suspended or withdrawn by D.
A date known only roughly is stored as its period's last day, so it counts through the end of
that period. A certificate issued by D whose expiry nobody knows, whose standard is still
recognised on D and which was not suspended or withdrawn by D has an unknown validity on D: it
is neither counted valid nor taken as lapsed. An unknown issue date never counts. An agency on D is:
- certified: it holds a valid certificate;
- else validity unknown: it holds a certificate of unknown validity, which may well be in force;
- else suspended: a certificate issued by D was suspended by D (suspended wins over withdrawn);
- else withdrawn: likewise withdrawn;
- else expired: it was issued a certificate by D (whatever ended it: printed expiry or the
  standard's end);
- else not yet certified.
An agency with no certificate on record at all has no such history: its status is unknown,
unless the city has reported it not certified (``Agency.certification_reported``); the
timeline stores nothing for it.
When it is not certified (validity unknown included), the reasons (expired, standard lapsed, suspended, withdrawn) say
which of those hold for some certificate issued by D; one agency may have several.
"""

import datetime
from dataclasses import asdict, dataclass

from django.db.models import Case, Q, Value, When

from agencies.models import AgencyStatus, CertificationReport

from .statuses import CertificateState, CertificateStatus

FIRST_DAY = datetime.date.min
LAST_DAY = datetime.date.max  # a stretch that has not ended ends here
ONE_DAY = datetime.timedelta(days=1)
REASONS = ("expired", "standard_lapsed", "suspended", "withdrawn")


# The certificate's lookups that give a CertificateFacts, in order, for values_list().
FACT_LOOKUPS = ("issued_on", "expires_on", "standard__certificates_valid_until", "status", "status_changed_on")


@dataclass(frozen=True)
class CertificateFacts:
    """What the rule reads of a certificate (``FACT_LOOKUPS`` in a query)."""

    issued_on: datetime.date | None
    expires_on: datetime.date | None
    standard_ends: datetime.date | None  # the standard's certificates_valid_until
    status: str
    status_changed_on: datetime.date | None

    @classmethod
    def of(cls, certificate) -> "CertificateFacts":
        return cls(
            certificate.issued_on,
            certificate.expires_on,
            certificate.standard.certificates_valid_until,
            certificate.status,
            certificate.status_changed_on,
        )

    def changed_by(self, status: str, day: datetime.date) -> bool:
        """Suspended (or withdrawn) on or before ``day``, as the certificate stands now."""
        return self.status == status and self.status_changed_on is not None and self.status_changed_on <= day


def _in_term(facts: CertificateFacts, day: datetime.date) -> bool:
    """Issued by ``day``, not expired, and its standard still recognised: the term both rules below share."""
    if facts.issued_on is None or facts.expires_on is None:
        return False
    if not facts.issued_on <= day <= facts.expires_on:
        return False
    return facts.standard_ends is None or facts.standard_ends >= day


def _ended_by_status(facts: CertificateFacts, day: datetime.date) -> bool:
    """Suspended or withdrawn on or before ``day``."""
    return facts.status != CertificateStatus.ACTIVE and facts.status_changed_on <= day


def is_valid(facts: CertificateFacts, day: datetime.date) -> bool:
    """In force on ``day``: the pure form of ``valid_on``."""
    return _in_term(facts, day) and not _ended_by_status(facts, day)


def is_validity_unknown(facts: CertificateFacts, day: datetime.date) -> bool:
    """Issued by ``day`` with no expiry on record, and nothing known ends it by then: the pure form of
    ``validity_unknown_on``."""
    if facts.issued_on is None or facts.expires_on is not None or day < facts.issued_on:
        return False
    if facts.standard_ends is not None and facts.standard_ends < day:
        return False
    return not _ended_by_status(facts, day)


def in_cycle(facts: CertificateFacts, day: datetime.date) -> bool:
    """In its cycle on ``day``: valid, or suspended (a suspended certificate still owes its audits).

    The pure form of ``in_cycle_on``.
    """
    return _in_term(facts, day) and not facts.changed_by(CertificateStatus.WITHDRAWN, day)


def certificate_state(facts: CertificateFacts, day: datetime.date) -> str:
    """The ``CertificateState`` on ``day``, as the public certificate check answers it."""
    for status in (CertificateStatus.SUSPENDED, CertificateStatus.WITHDRAWN):
        if facts.changed_by(status, day):
            return CertificateState(status)
    if facts.issued_on is None:
        return CertificateState.UNKNOWN
    if day < facts.issued_on:
        return CertificateState.NOT_YET_VALID
    lapse = facts.standard_ends
    if lapse is not None and lapse < day and (facts.expires_on is None or lapse < facts.expires_on):
        return CertificateState.STANDARD_LAPSED
    if facts.expires_on is None:
        return CertificateState.VALIDITY_UNKNOWN
    if facts.expires_on < day:
        return CertificateState.EXPIRED
    return CertificateState.VALID


def valid_stretch(facts: CertificateFacts) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day the certificate is valid, or None if it never is."""
    if facts.issued_on is None or facts.expires_on is None:
        return None
    last = facts.expires_on
    if facts.standard_ends is not None:
        last = min(last, facts.standard_ends)
    if facts.status != CertificateStatus.ACTIVE:
        if facts.status_changed_on <= facts.issued_on:
            return None
        last = min(last, facts.status_changed_on - ONE_DAY)
    return (facts.issued_on, last) if last >= facts.issued_on else None


def expiring_stretch(facts: CertificateFacts, *, within_days: int) -> tuple[datetime.date, datetime.date] | None:
    """The days on which the certificate is valid and ceases to be within ``within_days``, or None.

    It ceases on its printed expiry or its standard's end, whichever comes first; the pure
    form of ``expiring_on``.
    """
    stretch = valid_stretch(facts)
    if stretch is None:
        return None
    ends = facts.expires_on if facts.standard_ends is None else min(facts.expires_on, facts.standard_ends)
    notice = datetime.timedelta(days=within_days)
    first = max(stretch[0], ends - notice if ends - FIRST_DAY > notice else FIRST_DAY)
    return (first, stretch[1]) if first <= stretch[1] else None


@dataclass(frozen=True)
class Standing:
    """An agency's status on a day, and when it is not certified, which reasons hold."""

    status: str
    expired: bool = False
    standard_lapsed: bool = False
    suspended: bool = False
    withdrawn: bool = False


@dataclass(frozen=True)
class Stretch:
    """Days ``starts_on`` to ``ends_on`` (both included) with one standing."""

    starts_on: datetime.date
    ends_on: datetime.date
    standing: Standing

    def as_row(self) -> dict:
        """The stored row's fields (``StatusStretch``), for the store and the migration that fills it."""
        return {"starts_on": self.starts_on, "ends_on": self.ends_on, **asdict(self.standing)}


def _without_records(reported: str) -> str:
    """The status of an agency with no certificate on record: what the city reported, else unknown."""
    return AgencyStatus.NOT_YET if reported == CertificationReport.NOT_CERTIFIED else AgencyStatus.UNKNOWN


def without_records_status() -> Case:
    """The SQL form of ``_without_records``, over agencies (their ``certification_reported``)."""
    return Case(
        When(certification_reported=CertificationReport.NOT_CERTIFIED, then=Value(AgencyStatus.NOT_YET)),
        default=Value(AgencyStatus.UNKNOWN),
    )


def standing_on(
    certificates: list[CertificateFacts], day: datetime.date, *, reported: str = CertificationReport.UNKNOWN
) -> Standing:
    """Where an agency holding ``certificates`` stands on ``day`` (see the module's docstring).

    ``reported`` is what the city said of an agency without any certificate on record.
    """
    if not certificates:
        return Standing(_without_records(reported))
    issued = [c for c in certificates if c.issued_on is not None and c.issued_on <= day]
    if any(is_valid(c, day) for c in issued):
        return Standing(AgencyStatus.CERTIFIED)
    suspended = any(c.changed_by(CertificateStatus.SUSPENDED, day) for c in issued)
    withdrawn = any(c.changed_by(CertificateStatus.WITHDRAWN, day) for c in issued)
    if any(is_validity_unknown(c, day) for c in issued):
        # It may be in force: neither certified nor, as a lapsed one would, not certified.
        status = AgencyStatus.VALIDITY_UNKNOWN
    elif suspended:
        status = AgencyStatus.SUSPENDED
    elif withdrawn:
        status = AgencyStatus.WITHDRAWN
    else:
        status = AgencyStatus.EXPIRED if issued else AgencyStatus.NOT_YET
    return Standing(
        status,
        expired=any(c.expires_on is not None and c.expires_on < day for c in issued),
        standard_lapsed=any(c.standard_ends is not None and c.standard_ends < day for c in issued),
        suspended=suspended,
        withdrawn=withdrawn,
    )


def _turning_days(facts: CertificateFacts) -> set[datetime.date]:
    """The days on which this certificate can change its agency's standing."""
    days = {facts.issued_on, facts.status_changed_on}
    for last in (facts.expires_on, facts.standard_ends):
        if last is not None and last < LAST_DAY:
            days.add(last + ONE_DAY)
    return {day for day in days if day is not None}


def stretches(certificates: list[CertificateFacts]) -> list[Stretch]:
    """The agency's whole timeline: consecutive stretches from the first day to the last, each one standing.

    The standing only changes on a certificate's turning day, so it is read on each of those
    days and equal neighbours are joined.
    """
    days = sorted({FIRST_DAY}.union(*(_turning_days(c) for c in certificates)))
    found: list[Stretch] = []
    for day in days:
        standing = standing_on(certificates, day)
        if found and found[-1].standing == standing:
            continue
        if found:
            found[-1] = Stretch(found[-1].starts_on, day - ONE_DAY, found[-1].standing)
        found.append(Stretch(day, LAST_DAY, standing))
    return found


def _term_on(day: datetime.date, prefix: str = "") -> Q:
    """The SQL form of ``_in_term``."""
    return Q(**{f"{prefix}issued_on__lte": day, f"{prefix}expires_on__gte": day}) & (
        Q(**{f"{prefix}standard__certificates_valid_until__isnull": True})
        | Q(**{f"{prefix}standard__certificates_valid_until__gte": day})
    )


def _not_ended_by_status_on(day: datetime.date, prefix: str = "") -> Q:
    """The SQL form of ``not _ended_by_status``."""
    return Q(**{f"{prefix}status": CertificateStatus.ACTIVE}) | Q(**{f"{prefix}status_changed_on__gt": day})


def valid_on(day: datetime.date, prefix: str = "") -> Q:
    """The SQL form of ``is_valid``, for filters and conditional aggregates over certificates.

    ``prefix`` reaches the certificate through a relation ("certificates__").
    """
    return _term_on(day, prefix) & _not_ended_by_status_on(day, prefix)


def validity_unknown_on(day: datetime.date, prefix: str = "") -> Q:
    """The SQL form of ``is_validity_unknown``."""
    return (
        Q(**{f"{prefix}issued_on__lte": day, f"{prefix}expires_on__isnull": True})
        & (
            Q(**{f"{prefix}standard__certificates_valid_until__isnull": True})
            | Q(**{f"{prefix}standard__certificates_valid_until__gte": day})
        )
        & _not_ended_by_status_on(day, prefix)
    )


def expiring_on(day: datetime.date, *, within_days: int) -> Q:
    """Valid on ``day`` and ceasing (printed expiry or the standard's end) within ``within_days`` of it."""
    last_day = day + datetime.timedelta(days=within_days)
    return valid_on(day) & (Q(expires_on__lte=last_day) | Q(standard__certificates_valid_until__lte=last_day))


def in_cycle_on(day: datetime.date) -> Q:
    """The SQL form of ``in_cycle``: in its term and not withdrawn by ``day``."""
    return _term_on(day) & ~Q(status=CertificateStatus.WITHDRAWN, status_changed_on__lte=day)
