"""Cross-model writes. Each function validates with full_clean() and writes atomically."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency

from . import rules
from .dates import DatePrecision, add_years
from .initial_data import AgencyRow, DataFileError, ReferenceData
from .models import (
    ACTION_REQUIRED,
    VERIFICATION_REQUIRED,
    WITHDRAWN_IS_FINAL,
    Ceremony,
    Certificate,
    CertificateStatus,
    CertificationBody,
    Finding,
    Programme,
    Standard,
)

# The certification cycle: a certificate is valid for three years from its decision.
CERTIFICATE_YEARS = 3


@dataclass
class LoadReport:
    """What a load did, or would do: counts per model and action."""

    counts: Counter = field(default_factory=Counter)
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (action, model, label)

    def record(self, model: type, action: str, label: str) -> None:
        self.counts[(model._meta.verbose_name_plural, action)] += 1
        if action != "unchanged":
            self.changes.append((action, str(model._meta.verbose_name), label))

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def _describe(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{key}: {' '.join(messages)}" for key, messages in error.message_dict.items())
    return " ".join(error.messages)


def _upsert(model, *, lookup: dict, values: dict, report: LoadReport, label: str, where: str):
    """Create or update one row on its natural key; a row already equal is left untouched."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance, action = model(**lookup, **values), "created"
    else:
        changed = [key for key, value in values.items() if getattr(instance, key) != value]
        if not changed:
            report.record(model, "unchanged", label)
            return instance
        for key in changed:
            setattr(instance, key, values[key])
        action = "updated"
    try:
        instance.full_clean()
    except ValidationError as error:
        raise DataFileError([f"{where}: {_describe(error)}"]) from None
    instance._change_reason = "load_initial_agencies"  # read by the edit history, where kept
    instance.save()
    report.record(model, action, label)
    return instance


def _upsert_record(model, record: dict, *, key: str, where: str, report: LoadReport):
    """Upsert one record of the reference file on its natural ``key``; unknown keys are refused."""
    names = {f.name for f in model._meta.concrete_fields} - {"id"}
    unknown = sorted(set(record) - names)
    if unknown:
        raise DataFileError([f"{where}: kunci tidak dikenal: {', '.join(unknown)}"])
    if not record.get(key):
        raise DataFileError([f"{where}.{key} wajib diisi"])
    values = {name: value for name, value in record.items() if name != key}
    return _upsert(model, lookup={key: record[key]}, values=values, report=report, label=record[key], where=where)


@transaction.atomic
def load_initial_data(*, reference: ReferenceData, rows: list[AgencyRow], dry_run: bool = False) -> LoadReport:
    """Upsert the reference data and the agency rows on their natural keys, all or nothing.

    Natural keys: standard code, programme slug, ceremony slug, agency slug, certification
    body name, and for a certificate its (body, number) when both are known, otherwise
    (agency, standard) among the certificates whose number is unknown. Nothing is deleted.
    With ``dry_run`` the same work is done and then rolled back, so the report is exact.
    """
    report = LoadReport()
    standards, ceremonies = _load_reference(reference, rows, report)
    agencies = _load_agencies(rows, report)
    for row in rows:
        if row.certificate_standard:
            certificate = _load_certificate(row, agencies[row.slug], standards[row.certificate_standard], report)
            if row.ceremony:
                _link_ceremony(row, certificate, ceremonies, report)
    if dry_run:
        transaction.set_rollback(True)
    return report


def _load_reference(reference: ReferenceData, rows: list[AgencyRow], report: LoadReport) -> tuple[dict, dict]:
    """The standards (the file's, and those the rows name that are already stored), programme and ceremonies."""
    standards = {
        record["code"]: _upsert_record(Standard, record, key="code", where=f"standards[{i}]", report=report)
        for i, record in enumerate(reference.standards)
    }
    for code in {row.certificate_standard for row in rows} - set(standards) - {""}:
        standards[code] = Standard.objects.get(code=code)
    if reference.programme:
        _upsert_record(Programme, reference.programme, key="slug", where="programme", report=report)
    ceremonies = {
        record["slug"]: _upsert_record(Ceremony, record, key="slug", where=f"ceremonies[{i}]", report=report)
        for i, record in enumerate(reference.ceremonies)
    }
    return standards, ceremonies


def _load_agencies(rows: list[AgencyRow], report: LoadReport) -> dict[str, Agency]:
    """Every row's agency by slug. Parents may come later in the file than their children:
    agencies first, parents second."""
    agencies = {}
    for row in rows:
        where = f"baris {row.line} ({row.name})"
        values = {
            "name": row.name,
            "short_name": row.short_name,
            "kind": row.kind,
            "name_confirmed": row.name_confirmed,
            "source": row.source,
            "notes": row.notes,
        }
        agencies[row.slug] = _upsert(
            Agency, lookup={"slug": row.slug}, values=values, report=report, label=row.slug, where=where
        )
    for row in rows:
        where = f"baris {row.line} ({row.name}), kolom parent"
        parent = None
        if row.parent_slug:
            parent = agencies.get(row.parent_slug) or Agency.objects.filter(slug=row.parent_slug).first()
            if parent is None:
                raise DataFileError([f"{where}: SKPD induk {row.parent_slug!r} tidak ada di berkas maupun basis data"])
        _upsert(
            Agency,
            lookup={"slug": row.slug},
            values={"parent": parent},
            report=LoadReport(),  # the agency itself was counted above
            label=row.slug,
            where=where,
        )
    return agencies


def _load_certificate(row: AgencyRow, agency: Agency, standard: Standard, report: LoadReport) -> Certificate:
    where = f"baris {row.line} ({row.name})"
    body = None
    if row.certification_body:
        body = _upsert(
            CertificationBody,
            lookup={"name": row.certification_body},
            values={},
            report=report,
            label=row.certification_body,
            where=f"{where}, kolom certification_body",
        )
    issued = row.certificate_issued
    values = {
        "agency": agency,
        "standard": standard,
        "body": body,
        "number": row.certificate_number,
        "issued_on": issued.value,
        "issued_precision": issued.precision,
        "expires_on": add_years(issued.value, issued.precision, CERTIFICATE_YEARS),
        "expires_precision": issued.precision if issued.value else DatePrecision.UNKNOWN,
        "source": row.source,
        "notes": row.certificate_notes,
    }
    lookup = _certificate_lookup(agency, standard, body, row.certificate_number)
    values = {key: value for key, value in values.items() if key not in lookup}
    return _upsert(
        Certificate,
        lookup=lookup,
        values=values,
        report=report,
        label=f"{row.slug} {row.certificate_standard}",
        where=where,
    )


def _certificate_lookup(agency: Agency, standard: Standard, body, number: str) -> dict:
    """How a row's certificate is found among the stored ones.

    By its number (within its body, or within the agency when the body is unknown); else by
    (agency, standard) among those whose number is unknown, which a city list that now knows
    the number completes, not duplicates.
    """
    lookup = {"agency": agency, "standard": standard, "number": ""}
    if not number:
        return lookup
    natural = {"body": body, "number": number} if body is not None else {**lookup, "body": None, "number": number}
    match = Certificate.objects.filter(**natural).first() or Certificate.objects.filter(**lookup).first()
    return {"pk": match.pk} if match else natural


def _link_ceremony(row: AgencyRow, certificate: Certificate, ceremonies: dict, report: LoadReport) -> None:
    ceremony = ceremonies.get(row.ceremony) or Ceremony.objects.get(slug=row.ceremony)
    if not ceremony.certificates.filter(pk=certificate.pk).exists():
        ceremony.certificates.add(certificate)
        report.changes.append(("linked", str(Ceremony._meta.verbose_name), f"{row.ceremony} <- {row.slug}"))


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
    return finding


@transaction.atomic
def close_finding(*, finding: Finding, by, verification: str, on: datetime.date, today: datetime.date) -> Finding:
    """The lead auditor or programme staff verify the proposed action and close the finding."""
    _not_after_today(on, today, field="closed_on")
    finding = _locked(Finding, finding.pk)
    if finding.status != Finding.Status.ACTION_PROPOSED:
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
    return finding


@transaction.atomic
def return_finding(*, finding: Finding, by, reason: str) -> Finding:
    """The verifier does not accept the proposed action: the finding is open again, with the reason kept."""
    finding = _locked(Finding, finding.pk)
    if finding.status != Finding.Status.ACTION_PROPOSED:
        raise ValidationError(
            _("Hanya temuan dengan tindakan diusulkan yang dapat dikembalikan; status temuan ini: %(status)s.")
            % {"status": finding.get_status_display()}
        )
    if not rules.can_verify_finding(by, finding):
        raise PermissionDenied(_("Hanya ketua auditor audit ini atau staf program yang dapat mengembalikan temuan."))
    reason = _require_text(reason, "reason", _("Tulis mengapa tindakan korektif belum diterima."))
    finding.status = Finding.Status.OPEN
    finding.action_proposed_on = None
    _save_with_history(finding, by=by, reason=_("Dikembalikan: %(reason)s") % {"reason": reason})
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
