"""Cross-model writes. Each function validates with full_clean() and writes atomically."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import rules
from .models import (
    ACTION_REQUIRED,
    VERIFICATION_REQUIRED,
    WITHDRAWN_IS_FINAL,
    Certificate,
    CertificateStatus,
    Finding,
)
from .signals import action_proposed, finding_closed, finding_returned, send_on_commit

# --- The finding workflow: open → action proposed → closed -------------------------------
# Each step locks the row, checks who may take it and from which state, validates the
# whole record and saves it with the reason in the edit history. A refused step raises
# PermissionDenied or ValidationError and leaves the row as it was.


def _locked(model, pk):
    return model.objects.select_for_update().get(pk=pk)


def _save_with_history(instance, *, by, reason: str) -> None:
    instance.full_clean()
    _save_validated(instance, by=by, reason=reason)


def _save_validated(instance, *, by, reason: str) -> None:
    instance._history_user = by
    instance._change_reason = reason
    instance.save()


def _not_after_today(on: datetime.date, today: datetime.date, *, field: str) -> None:
    # A step records what happened: it cannot be dated in the future.
    if on > today:
        raise ValidationError(
            {field: _("Tanggal tidak boleh sesudah hari ini (%(today)s).") % {"today": today.isoformat()}}
        )


def _require_text(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def check_action_proposal(
    *,
    finding: Finding,
    by,
    correction: str,
    root_cause: str,
    corrective_action: str,
    on: datetime.date,
    today: datetime.date,
) -> Finding:
    """The finding as ``propose_action`` would save it, checked on the locked row; nothing is written.

    Refuses as ``propose_action`` does. Inside the caller's transaction the row stays locked until
    that transaction ends, so a ``propose_action`` later in it meets the finding as checked here:
    the admin's answer form validates with this, then saves with ``propose_action``.
    """
    _not_after_today(on, today, field="action_proposed_on")
    finding = _locked(Finding, finding.pk)
    if finding.status != Finding.Status.OPEN:
        raise ValidationError(
            _("Hanya temuan berstatus terbuka yang dapat dijawab; status temuan ini: %(status)s.")
            % {"status": finding.get_status_display()}
        )
    if not rules.can_propose_action(by, finding):
        raise PermissionDenied(_("Hanya wakil manajemen SKPD ini yang dapat menjawab temuannya."))
    finding.correction = (correction or "").strip()
    finding.root_cause = (root_cause or "").strip()
    finding.corrective_action = _require_text(corrective_action, "corrective_action", ACTION_REQUIRED)
    if on < finding.audit.starts_on:
        raise ValidationError(
            {
                "action_proposed_on": _("Tanggal usulan tidak boleh sebelum audit dimulai (%(day)s).")
                % {"day": finding.audit.starts_on.isoformat()}
            }
        )
    finding.action_proposed_on = on
    finding.status = Finding.Status.ACTION_PROPOSED
    finding.returned = False
    finding.full_clean()
    return finding


@transaction.atomic
def propose_action(
    *,
    finding: Finding,
    by,
    correction: str,
    root_cause: str,
    corrective_action: str,
    on: datetime.date,
    today: datetime.date,
) -> Finding:
    """The agency answers an open nonconformity: correction, root cause and corrective action."""
    finding = check_action_proposal(
        finding=finding,
        by=by,
        correction=correction,
        root_cause=root_cause,
        corrective_action=corrective_action,
        on=on,
        today=today,
    )
    _save_validated(finding, by=by, reason=_("Tindakan korektif diusulkan"))
    send_on_commit(action_proposed, finding, by=by)
    return finding


@transaction.atomic
def close_finding(*, finding: Finding, by, verification: str, on: datetime.date, today: datetime.date) -> Finding:
    """The lead auditor or programme staff verify the proposed action and close the finding."""
    _not_after_today(on, today, field="closed_on")
    finding = _locked(Finding, finding.pk)
    if not rules.awaits_verification(finding):
        raise ValidationError(
            _("Temuan hanya dapat ditutup setelah SKPD mengusulkan tindakan korektif; status temuan ini: %(status)s.")
            % {"status": finding.get_status_display()}
        )
    if not rules.can_verify_finding(by, finding):
        raise PermissionDenied(_("Hanya ketua auditor audit ini atau staf program yang dapat menutup temuan."))
    if finding.action_proposed_on and on < finding.action_proposed_on:
        raise ValidationError({"closed_on": _("Tanggal penutupan tidak boleh sebelum tindakan diusulkan.")})
    finding.verification = _require_text(verification, "verification", VERIFICATION_REQUIRED)
    finding.verified_by = by
    finding.closed_on = on
    finding.status = Finding.Status.CLOSED
    _save_with_history(finding, by=by, reason=_("Diverifikasi dan ditutup"))
    send_on_commit(finding_closed, finding, by=by)
    return finding


@transaction.atomic
def return_finding(*, finding: Finding, by, reason: str) -> Finding:
    """The verifier does not accept the proposed action: the finding is open again, with the reason kept."""
    finding = _locked(Finding, finding.pk)
    if not rules.awaits_verification(finding):
        raise ValidationError(
            _("Hanya temuan dengan tindakan diusulkan yang dapat dikembalikan; status temuan ini: %(status)s.")
            % {"status": finding.get_status_display()}
        )
    if not rules.can_verify_finding(by, finding):
        raise PermissionDenied(_("Hanya ketua auditor audit ini atau staf program yang dapat mengembalikan temuan."))
    reason = _require_text(reason, "reason", _("Tulis mengapa tindakan korektif belum diterima."))
    finding.status = Finding.Status.OPEN
    finding.action_proposed_on = None
    finding.returned = True
    _save_with_history(finding, by=by, reason=_("Dikembalikan: %(reason)s") % {"reason": reason})
    send_on_commit(finding_returned, finding, by=by, reason=reason)
    return finding


# --- Certificate status: suspend, reinstate, withdraw ------------------------------------


@dataclass(frozen=True)
class StatusStep:
    """One certificate status change: from which states, to which, and what it says."""

    allowed_from: tuple[str, ...]
    to: str
    refused: Promise  # "%(status)s": the certificate's current status
    history_label: Promise


SUSPEND = StatusStep(
    allowed_from=(CertificateStatus.ACTIVE,),
    to=CertificateStatus.SUSPENDED,
    refused=gettext_lazy("Hanya sertifikat aktif yang dapat dibekukan; status sertifikat ini: %(status)s."),
    history_label=gettext_lazy("Dibekukan"),
)
REINSTATE = StatusStep(
    allowed_from=(CertificateStatus.SUSPENDED,),
    to=CertificateStatus.ACTIVE,
    refused=gettext_lazy("Hanya sertifikat yang dibekukan yang dapat dipulihkan; status sertifikat ini: %(status)s."),
    history_label=gettext_lazy("Dipulihkan"),
)
WITHDRAW = StatusStep(
    allowed_from=(CertificateStatus.ACTIVE, CertificateStatus.SUSPENDED),
    to=CertificateStatus.WITHDRAWN,
    refused=gettext_lazy("Sertifikat ini tidak dapat dicabut; statusnya: %(status)s."),
    history_label=gettext_lazy("Dicabut"),
)


@transaction.atomic
def change_certificate_status(
    *, step: StatusStep, certificate: Certificate, by, on: datetime.date, reason: str, today: datetime.date
) -> Certificate:
    """Suspend (SUSPEND), reinstate (REINSTATE) or withdraw (WITHDRAW) ``certificate`` from ``on``.

    Only programme staff; a withdrawn certificate is final; the date lies between the issue
    date (or the last change) and ``today``; the reason is kept on the certificate and in its history.
    """
    if not rules.can_change_certificate_status(by):
        raise PermissionDenied(_("Hanya staf program yang dapat mengubah status sertifikat."))
    certificate = _locked(Certificate, certificate.pk)
    if certificate.status == Certificate.Status.WITHDRAWN:
        raise ValidationError(WITHDRAWN_IS_FINAL)
    if certificate.status not in step.allowed_from:
        raise ValidationError(step.refused % {"status": certificate.get_status_display()})
    reason = _require_text(reason, "status_reason", _("Tulis alasan perubahan status."))
    if on > today:
        raise ValidationError({"status_changed_on": _("Tanggal perubahan status tidak boleh sesudah hari ini.")})
    if certificate.issued_on and on < certificate.issued_on:
        raise ValidationError(
            {"status_changed_on": _("Tanggal perubahan status tidak boleh sebelum sertifikat terbit.")}
        )
    if certificate.status_changed_on and on < certificate.status_changed_on:
        raise ValidationError(
            {
                "status_changed_on": _("Tanggal ini sebelum perubahan status terakhir (%(day)s).")
                % {"day": certificate.status_changed_on.isoformat()}
            }
        )
    certificate.status = step.to
    certificate.status_changed_on = on
    certificate.status_reason = reason
    _save_with_history(certificate, by=by, reason=f"{step.history_label}: {reason}")
    return certificate


def suspend_certificate(**kwargs) -> Certificate:
    """Temporarily invalid from ``on``: see ``change_certificate_status``."""
    return change_certificate_status(step=SUSPEND, **kwargs)


def reinstate_certificate(**kwargs) -> Certificate:
    """The suspension is lifted from ``on``."""
    return change_certificate_status(step=REINSTATE, **kwargs)


def withdraw_certificate(**kwargs) -> Certificate:
    """Withdrawn for good from ``on``: the agency needs a new initial certification."""
    return change_certificate_status(step=WITHDRAW, **kwargs)
