"""The certification cycle: which audit each certificate expects next, and by when.

From the certification decision (the issue date), a certificate expects a surveillance
audit within 12 months, a second one within 24 months, then a recertification audit
before it expires. Due dates are anchored to the issue date, not to the last audit.
A date known only roughly is stored as its period's last day, so a due date derived
from it is the latest plausible one: a certificate is never called overdue too early.

A standard's end of validity (ISO 9001:2008: 15 September 2018) ends the certificate
whatever its printed expiry: no audit is due after it, and the audit that renews the
certificate (to the newer standard) is due by it.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .dates import DatePrecision, add_years, format_approximate
from .models import Audit, AuditKind, AuditStatus, Certificate, Standard
from .timeline import CertificateFacts, in_cycle, in_cycle_on

# A certificate is valid for three years from its certification decision.
CERTIFICATE_YEARS = 3
SURVEILLANCES_PER_CYCLE = 2


@dataclass(frozen=True)
class NextAudit:
    """The next audit a certificate expects on a given day."""

    certificate: Certificate
    kind: str  # AuditKind.SURVEILLANCE or AuditKind.RECERTIFICATION
    number: int  # 1 or 2 for a surveillance, 0 for a recertification
    due_on: datetime.date
    precision: str  # the precision of the date it derives from; the due date is no more exact

    def is_overdue(self, *, on: datetime.date) -> bool:
        return self.due_on < on

    def days_left(self, *, on: datetime.date) -> int:
        return (self.due_on - on).days

    @property
    def kind_display(self) -> str:
        return str(AuditKind(self.kind).label)

    @property
    def name(self) -> str:
        """As staff read it: "audit surveilans ke-1", or "audit resertifikasi"."""
        if self.number:
            return str(_("%(kind)s ke-%(number)d") % {"kind": self.kind_display, "number": self.number})
        return self.kind_display

    @property
    def due_display(self) -> str:
        return format_approximate(self.due_on, self.precision)


def cycle_end(certificate: Certificate) -> tuple[datetime.date, str]:
    """The last day the certificate can be valid, and that date's precision.

    The printed expiry, or the standard's end of validity when that comes first.
    """
    lapse = certificate.standard.certificates_valid_until
    if lapse is not None and lapse < certificate.expires_on:
        return lapse, DatePrecision.DAY
    return certificate.expires_on, certificate.expires_precision


def next_audit(
    certificate: Certificate, *, on: datetime.date, completed_surveillances: int, recertified: bool
) -> NextAudit | None:
    """The audit ``certificate`` expects after ``on``, given the cycle audits completed by then.

    None when it expects none: dates unknown, not yet issued, withdrawn, expired, past its
    standard's end, or a recertification audit already done (a new certificate follows).
    A suspended certificate still owes its audits.
    """
    if not in_cycle(CertificateFacts.of(certificate), on):
        return None
    if certificate.issued_precision == DatePrecision.UNKNOWN or recertified:
        return None
    end, end_precision = cycle_end(certificate)
    precision = certificate.issued_precision
    if completed_surveillances < SURVEILLANCES_PER_CYCLE:
        number = completed_surveillances + 1
        due = add_years(certificate.issued_on, precision, number)
        # A surveillance that would fall on or after the end is replaced by the audit that renews it.
        if due < end:
            return NextAudit(certificate, AuditKind.SURVEILLANCE, number, due, precision)
    return NextAudit(certificate, AuditKind.RECERTIFICATION, 0, end, end_precision)


def cycle_annotations(*, on: datetime.date) -> dict:
    """What ``next_audit`` needs from the database, as annotations on a certificate queryset.

    Subqueries, not a join with COUNT: they leave the queryset's rows and GROUP BY alone, so
    the admin can add them to a changelist that other code filters and counts.
    """
    completed = Audit.objects.filter(certificate=OuterRef("pk"), status=AuditStatus.COMPLETED, starts_on__lte=on)
    surveillances = (
        completed.filter(kind=AuditKind.SURVEILLANCE)
        .order_by()
        .values("certificate")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {
        "completed_surveillances": Coalesce(Subquery(surveillances, output_field=IntegerField()), 0),
        "recertified": Exists(completed.filter(kind=AuditKind.RECERTIFICATION)),
    }


def next_audit_of(certificate: Certificate, *, on: datetime.date) -> NextAudit | None:
    """``next_audit`` for a certificate annotated with ``cycle_annotations(on=on)``."""
    return next_audit(
        certificate,
        on=on,
        completed_surveillances=certificate.completed_surveillances,
        recertified=certificate.recertified,
    )


def certificates_in_cycle(*, on: datetime.date):
    """Certificates that may expect an audit on ``on``, with the cycle audits completed by then.

    One query; ``next_audits`` finishes the arithmetic in Python (a few hundred rows at most
    for a city), which keeps the date rules in one place for both databases.
    """
    return (
        Certificate.objects.filter(in_cycle_on(on))
        .select_related("agency", "standard")
        .annotate(**cycle_annotations(on=on))
    )


def next_audits(*, on: datetime.date, certificates=None) -> list[NextAudit]:
    """Every certificate's next audit on ``on``, soonest first.

    ``certificates``, when given, must carry ``cycle_annotations(on=on)`` and their standard.
    """
    certificates = certificates_in_cycle(on=on) if certificates is None else certificates
    found = (next_audit_of(certificate, on=on) for certificate in certificates)
    return sorted((item for item in found if item is not None), key=lambda item: (item.due_on, item.certificate.pk))


def audits_due(*, on: datetime.date, within_days: int) -> list[NextAudit]:
    """Next audits overdue on ``on`` or due within ``within_days`` after it."""
    last_day = on + datetime.timedelta(days=within_days)
    return [item for item in next_audits(on=on) if item.due_on <= last_day]


def lapsing_standard_certificates(*, on: datetime.date, within_days: int):
    """Certificates valid on ``on`` whose standard ends within ``within_days``, held by agencies
    with no valid certificate to a standard that outlives it (ISO 9001:2008 before 15 September 2018).

    These agencies lose their certification on the standard's end unless they transition.
    An agency holding two such certificates appears twice: see ``lapsing_standard_agencies``.
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


@dataclass(frozen=True)
class LapsingStandard:
    """A standard about to end, and the agencies that hold nothing newer."""

    standard: Standard
    agencies: list


def lapsing_standard_agencies(*, on: datetime.date, within_days: int) -> list[LapsingStandard]:
    """``lapsing_standard_certificates`` as agencies (each once), grouped by standard. One query."""
    groups: dict[int, LapsingStandard] = {}
    seen: set[tuple[int, int]] = set()
    for certificate in lapsing_standard_certificates(on=on, within_days=within_days):
        group = groups.setdefault(certificate.standard_id, LapsingStandard(certificate.standard, []))
        if (certificate.standard_id, certificate.agency_id) not in seen:
            seen.add((certificate.standard_id, certificate.agency_id))
            group.agencies.append(certificate.agency)
    return list(groups.values())
