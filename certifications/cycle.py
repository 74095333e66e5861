"""The certification cycle: which audit each certificate expects next, and by when.

From the certification decision (the issue date), a certificate expects a surveillance
audit within 12 months, a second one within 24 months, then a recertification audit
before it expires. Due dates are anchored to the issue date, not to the last audit.
A date known only roughly is stored as its period's last day, so a due date derived
from it is the latest plausible one: a certificate is never called overdue too early.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from .dates import DatePrecision, add_years, format_approximate
from .models import Audit, AuditKind, AuditStatus, Certificate, CertificateStatus

SURVEILLANCES_PER_CYCLE = 2


@dataclass(frozen=True)
class NextAudit:
    """The next audit a certificate expects on a given day."""

    certificate: Certificate
    kind: str  # AuditKind.SURVEILLANCE or AuditKind.RECERTIFICATION
    number: int  # 1 or 2 for a surveillance, 0 for a recertification
    due_on: datetime.date
    precision: str  # the issue date's precision; the due date is no more exact

    def is_overdue(self, *, on: datetime.date) -> bool:
        return self.due_on < on

    def days_left(self, *, on: datetime.date) -> int:
        return (self.due_on - on).days

    @property
    def kind_display(self) -> str:
        return str(AuditKind(self.kind).label)

    @property
    def due_display(self) -> str:
        return format_approximate(self.due_on, self.precision)


def next_audit(
    certificate: Certificate, *, on: datetime.date, completed_surveillances: int, recertified: bool
) -> NextAudit | None:
    """The audit ``certificate`` expects after ``on``, given the cycle audits completed by then.

    None when it expects none: dates unknown, not yet issued, withdrawn, expired, past its
    standard's end, or a recertification audit already done (a new certificate follows).
    A suspended certificate still owes its audits.
    """
    if certificate.issued_on is None or certificate.expires_on is None:
        return None
    if certificate.issued_precision == DatePrecision.UNKNOWN or recertified:
        return None
    if certificate.issued_on > on or certificate.expires_on < on:
        return None
    if certificate.status == CertificateStatus.WITHDRAWN and certificate.status_changed_on <= on:
        return None
    lapse = certificate.standard.certificates_valid_until
    if lapse is not None and lapse < on:
        return None
    precision = certificate.issued_precision
    if completed_surveillances < SURVEILLANCES_PER_CYCLE:
        number = completed_surveillances + 1
        due = add_years(certificate.issued_on, precision, number)
        if due < certificate.expires_on:
            return NextAudit(certificate, AuditKind.SURVEILLANCE, number, due, precision)
    return NextAudit(certificate, AuditKind.RECERTIFICATION, 0, certificate.expires_on, certificate.expires_precision)


def certificates_in_cycle(*, on: datetime.date):
    """Certificates that may expect an audit on ``on``, with the cycle audits completed by then.

    One query; ``next_audits`` finishes the arithmetic in Python (a few hundred rows at most
    for a city), which keeps the date rules in one place for both databases.
    """
    done = Q(audits__status=AuditStatus.COMPLETED, audits__starts_on__lte=on)
    recertification = Audit.objects.filter(
        certificate=OuterRef("pk"),
        kind=AuditKind.RECERTIFICATION,
        status=AuditStatus.COMPLETED,
        starts_on__lte=on,
    )
    return (
        Certificate.objects.filter(issued_on__lte=on, expires_on__gte=on)
        .exclude(status=CertificateStatus.WITHDRAWN, status_changed_on__lte=on)
        .exclude(standard__certificates_valid_until__lt=on)
        .select_related("agency", "standard")
        .annotate(
            completed_surveillances=Count("audits", filter=done & Q(audits__kind=AuditKind.SURVEILLANCE)),
            recertified=Exists(recertification),
        )
    )


def next_audits(*, on: datetime.date, certificates=None) -> list[NextAudit]:
    """Every certificate's next audit on ``on``, soonest first."""
    certificates = certificates_in_cycle(on=on) if certificates is None else certificates
    found = [
        next_audit(
            certificate,
            on=on,
            completed_surveillances=certificate.completed_surveillances,
            recertified=certificate.recertified,
        )
        for certificate in certificates
    ]
    return sorted((item for item in found if item is not None), key=lambda item: (item.due_on, item.certificate.pk))


def audits_due(*, on: datetime.date, within_days: int) -> list[NextAudit]:
    """Next audits overdue on ``on`` or due within ``within_days`` after it."""
    last_day = on + datetime.timedelta(days=within_days)
    return [item for item in next_audits(on=on) if item.due_on <= last_day]


def lapsing_standard_certificates(*, on: datetime.date, within_days: int):
    """Certificates valid on ``on`` whose standard ends within ``within_days``, held by agencies
    with no valid certificate to a standard that outlives it (ISO 9001:2008 before 15 September 2018).

    These agencies lose their certification on the standard's end unless they transition.
    """
    last_day = on + datetime.timedelta(days=within_days)
    lapsing = Certificate.objects.valid(on=on).filter(standard__certificates_valid_until__lte=last_day)
    lasting = Certificate.objects.valid(on=on).filter(
        Q(standard__certificates_valid_until__isnull=True) | Q(standard__certificates_valid_until__gt=last_day),
        agency=OuterRef("agency"),
    )
    return (
        lapsing.exclude(Exists(lasting))
        .select_related("agency", "standard")
        .order_by("standard__certificates_valid_until", "agency__name", "pk")
    )
