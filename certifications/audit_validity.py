"""An audit on a certificate starts in the certificate's cycle, or says why not.

The cycle is the certificate's term as ``certifications.timeline.in_cycle`` reads it (issued
by then, not expired, its standard still recognised, not withdrawn; a suspended certificate
still owes its audits). A recertification or special audit may start outside it when it says
why (``Audit.outside_validity_reason``). A certificate whose issue or expiry date is unknown is
never a reason to refuse.
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .dates import period_start
from .timeline import CertificateFacts, in_cycle


def starts_in_cycle(audit) -> bool:
    """Whether ``audit`` starts in its certificate's cycle; True when the certificate's dates are unknown.

    A roughly known issue date counts from its period's first day: an audit in the issue year
    of a certificate known only as "issued 2012" is not refused.
    """
    certificate = audit.certificate
    if certificate.issued_on is None or certificate.expires_on is None:
        return True
    facts = CertificateFacts.of(certificate)
    facts = dataclasses.replace(facts, issued_on=period_start(facts.issued_on, certificate.issued_precision))
    return in_cycle(facts, audit.starts_on)


def check_audit_in_validity(audit, *, kinds_with_reason: tuple, reason_message) -> None:
    """Raise a ``ValidationError`` naming the field when ``audit`` breaks the rule of this module."""
    reason = (audit.outside_validity_reason or "").strip()
    if reason and (audit.kind not in kinds_with_reason or audit.certificate_id is None):
        raise ValidationError({"outside_validity_reason": reason_message})
    if audit.certificate_id is None or audit.starts_on is None or starts_in_cycle(audit):
        return
    message = _(
        "Audit ini dimulai %(day)s, di luar masa berlaku sertifikatnya (terbit %(issued)s, kedaluwarsa "
        "%(expires)s; sertifikat yang dicabut atau yang standarnya sudah tidak berlaku juga di luar masa itu)."
    ) % {
        "day": audit.starts_on.strftime("%d-%m-%Y"),
        "issued": audit.certificate.issued_display,
        "expires": audit.certificate.expires_display,
    }
    if audit.kind not in kinds_with_reason:
        raise ValidationError({"starts_on": message})
    if not reason:
        needed = _("Audit resertifikasi atau khusus di luar masa itu wajib menyebut alasannya di sini.")
        raise ValidationError({"outside_validity_reason": f"{message} {needed}"})
