"""Audits and their findings, with the finding's workflow states."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from bandung_iso.db import StripWhitespace
from bandung_iso.signals import SignallingQuerySet

from ..audit_validity import check_audit_in_validity
from ..clauses import ALL_CLAUSE_VALUES, CLAUSES, ClauseSet, clause_label
from .certificates import Certificate, CertificationBody, Standard

MAJOR_NEEDS_DUE_DATE = _("Ketidaksesuaian mayor wajib punya batas waktu penyelesaian.")
FINDING_STATUS_FITS_GRADE = _(
    "Ketidaksesuaian (mayor atau minor) mengikuti alur terbuka, tindakan diusulkan, ditutup; "
    "observasi dan peluang perbaikan hanya dicatat."
)
ACTION_REQUIRED = _("Tindakan korektif wajib diisi sebelum temuan diusulkan selesai atau ditutup.")
CLOSED_BEFORE_PROPOSAL = _("Tanggal penutupan tidak boleh sebelum tindakan korektif diusulkan.")
VERIFICATION_REQUIRED = _("Temuan hanya dapat ditutup dengan hasil verifikasi dan nama pemverifikasinya.")
DUE_BEFORE_RAISED = _("Batas waktu tidak boleh sebelum tanggal temuan disampaikan.")
REASON_ONLY_FOR_KINDS = _(
    "Alasan audit di luar masa berlaku sertifikat hanya untuk audit resertifikasi atau audit khusus atas sertifikat."
)
RETURNED_IS_OPEN = _("Hanya temuan terbuka yang dapat berstatus dikembalikan kepada SKPD.")


class AuditKind(models.TextChoices):
    INTERNAL = "internal", _("audit internal")
    STAGE_1 = "stage_1", _("audit tahap 1")
    STAGE_2 = "stage_2", _("audit tahap 2")
    SURVEILLANCE = "surveillance", _("audit surveilans")
    RECERTIFICATION = "recertification", _("audit resertifikasi")
    SPECIAL = "special", _("audit khusus")


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("direncanakan")
    COMPLETED = "completed", _("selesai")
    CANCELLED = "cancelled", _("dibatalkan")


AUDIT_CYCLE_KINDS = (AuditKind.SURVEILLANCE, AuditKind.RECERTIFICATION)
# The kinds that may start outside their certificate's validity, saying why: a late
# recertification after expiry, a special audit of a suspended or lapsed certificate.
OUTSIDE_VALIDITY_KINDS = (AuditKind.RECERTIFICATION, AuditKind.SPECIAL)


class AuditQuerySet(SignallingQuerySet):
    def completed(self):
        return self.filter(status=Audit.Status.COMPLETED)


class Audit(models.Model):
    Kind = AuditKind

    Status = AuditStatus

    CYCLE_KINDS = AUDIT_CYCLE_KINDS

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("SKPD"),
        on_delete=models.PROTECT,
        related_name="audits",
        help_text=_("SKPD yang diaudit."),
    )
    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("sertifikat"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits",
        help_text=_(
            "Sertifikat yang diawasi. Kosong untuk audit sertifikasi awal (tahap 1 dan 2) dan audit internal. "
            "Audit harus dimulai dalam masa berlaku sertifikatnya (dibekukan masih termasuk); tidak diperiksa "
            "bila tanggal terbit atau kedaluwarsa sertifikat tidak diketahui."
        ),
    )
    standard = models.ForeignKey(
        Standard,
        verbose_name=_("standar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits",
        help_text=_(
            "Standar yang diaudit; menentukan daftar klausul temuan. Untuk audit atas sertifikat, "
            "terisi dari standar sertifikatnya."
        ),
    )
    kind = models.CharField(
        _("jenis audit"), max_length=20, choices=Kind.choices, help_text=_("Jenis audit dalam siklus sertifikasi.")
    )
    starts_on = models.DateField(_("tanggal mulai"), help_text=_("Hari pertama audit."))
    ends_on = models.DateField(
        _("tanggal selesai"), null=True, blank=True, help_text=_("Hari terakhir audit; kosongkan bila hanya sehari.")
    )
    body = models.ForeignKey(
        CertificationBody,
        verbose_name=_("lembaga sertifikasi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits",
        help_text=_("Lembaga yang melaksanakan audit; kosong untuk audit internal."),
    )
    lead_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ketua auditor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_audits",
        help_text=_("Akun portal ketua tim auditor, bila punya."),
    )
    team = models.TextField(_("tim auditor"), blank=True, help_text=_("Nama anggota tim, satu per baris."))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.PLANNED,
        help_text=_("Status pelaksanaan audit."),
    )
    summary = models.TextField(_("ringkasan"), blank=True, help_text=_("Ringkasan hasil audit."))
    outside_validity_reason = models.TextField(
        _("alasan di luar masa berlaku"),
        blank=True,
        help_text=_(
            "Hanya untuk audit resertifikasi atau audit khusus yang dimulai di luar masa berlaku sertifikatnya: "
            "mengapa audit itu tetap dilakukan."
        ),
    )

    objects = AuditQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("riwayat audit"))

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = pgettext_lazy("plural", "audit")
        ordering = ["-starts_on", "agency__name", "pk"]
        indexes = [models.Index(fields=["starts_on"], name="audit_starts_on_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="audit_ends_after_start",
                violation_error_message=_("Tanggal selesai audit tidak boleh sebelum tanggal mulai."),
            ),
            models.CheckConstraint(condition=Q(kind__in=AuditKind.values), name="audit_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=AuditStatus.values), name="audit_status_valid"),
            models.CheckConstraint(
                condition=~Q(kind__in=AUDIT_CYCLE_KINDS) | Q(certificate__isnull=False),
                name="audit_cycle_audit_has_certificate",
                violation_error_message=_("Audit surveilans dan resertifikasi harus menyebut sertifikatnya."),
            ),
            models.CheckConstraint(
                condition=Q(outside_validity_reason="") | Q(kind__in=OUTSIDE_VALIDITY_KINDS, certificate__isnull=False),
                name="audit_validity_reason_only_for_its_kinds",
                violation_error_message=REASON_ONLY_FOR_KINDS,
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.agency} ({self.starts_on:%Y-%m-%d})"

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Tanggal selesai audit tidak boleh sebelum tanggal mulai.")})
        if self.kind in self.CYCLE_KINDS and self.certificate_id is None:
            raise ValidationError(
                {"certificate": _("Audit surveilans dan resertifikasi harus menyebut sertifikatnya.")}
            )
        # Not expressible as a CHECK (it spans two tables); the admin and services go through here.
        if self.certificate_id and self.agency_id and self.certificate.agency_id != self.agency_id:
            raise ValidationError({"certificate": _("Sertifikat ini milik SKPD lain.")})
        if self.certificate_id:
            if self.standard_id is None:
                self.standard_id = self.certificate.standard_id
            elif self.standard_id != self.certificate.standard_id:
                raise ValidationError({"standard": _("Standar audit harus sama dengan standar sertifikatnya.")})
        # Not a CHECK: the certificate's term lives in another table. Only which kinds may give a
        # reason is one (audit_validity_reason_only_for_its_kinds).
        check_audit_in_validity(self, kinds_with_reason=OUTSIDE_VALIDITY_KINDS, reason_message=REASON_ONLY_FOR_KINDS)

    @property
    def last_day(self) -> datetime.date:
        """The audit's last day: its closing meeting, where findings are usually handed over."""
        return self.ends_on or self.starts_on

    @property
    def clause_set(self) -> str:
        """The standard's clause list, or "" when the standard is unknown."""
        return self.standard.clause_set if self.standard_id else ""


class FindingGrade(models.TextChoices):
    MAJOR = "major", _("ketidaksesuaian mayor")
    MINOR = "minor", _("ketidaksesuaian minor")
    OBSERVATION = "observation", _("observasi")
    OPPORTUNITY = "opportunity", _("peluang perbaikan")


NONCONFORMITY_GRADES = (FindingGrade.MAJOR, FindingGrade.MINOR)


class FindingStatus(models.TextChoices):
    """Nonconformities go open → action proposed → closed; observations are only noted."""

    OPEN = "open", _("terbuka")
    ACTION_PROPOSED = "action_proposed", _("tindakan diusulkan")
    CLOSED = "closed", _("ditutup")
    NOTED = "noted", _("dicatat, tanpa tindakan")


OPEN_STATUSES = (FindingStatus.OPEN, FindingStatus.ACTION_PROPOSED)


class FindingQuerySet(SignallingQuerySet):
    def open(self):
        """Nonconformities not closed yet: open, or with an action proposed and awaiting verification."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, *, on: datetime.date):
        """Not closed and past their due date on ``on``."""
        return self.open().filter(due_on__lt=on)

    def due_within(self, *, on: datetime.date, days: int):
        """Not closed, due between ``on`` and ``days`` later (overdue ones excluded)."""
        return self.open().filter(due_on__gte=on, due_on__lte=on + datetime.timedelta(days=days))

    def major(self):
        return self.filter(grade=FindingGrade.MAJOR)


class Finding(models.Model):
    Grade = FindingGrade

    Status = FindingStatus

    audit = models.ForeignKey(
        Audit,
        verbose_name=_("audit"),
        on_delete=models.PROTECT,
        related_name="findings",
        help_text=_("Audit yang menghasilkan temuan ini."),
    )
    # No model choices: "7.1" is a different clause in each standard. clean() checks the
    # number against the audit's standard; the CHECK admits only numbers of a known list.
    clause = models.CharField(
        _("klausul"),
        max_length=10,
        help_text=_("Nomor klausul yang tidak dipenuhi, menurut standar auditnya (ISO 9001:2008 atau 2015)."),
    )
    grade = models.CharField(_("kategori"), max_length=12, choices=Grade.choices, help_text=_("Bobot temuan."))
    description = models.TextField(_("uraian"), help_text=_("Apa yang tidak sesuai."))
    evidence = models.TextField(_("bukti"), blank=True, help_text=_("Bukti objektif yang dilihat auditor."))
    correction = models.TextField(_("koreksi"), blank=True, help_text=_("Perbaikan atas kejadian ini."))
    root_cause = models.TextField(_("akar masalah"), blank=True, help_text=_("Penyebab ketidaksesuaian."))
    corrective_action = models.TextField(
        _("tindakan korektif"), blank=True, help_text=_("Tindakan untuk menghilangkan penyebabnya.")
    )
    # Due dates and reminders count from this day. Left empty, it is the audit's last day (the
    # closing meeting): findings are handed over there unless the auditor says otherwise.
    raised_on = models.DateField(
        _("tanggal disampaikan"),
        blank=True,
        help_text=_("Hari temuan disampaikan kepada SKPD. Kosongkan bila pada hari terakhir audit."),
    )
    due_on = models.DateField(
        _("batas waktu"),
        null=True,
        blank=True,
        help_text=_("Batas waktu penyelesaian. Wajib untuk ketidaksesuaian mayor (lazimnya 30 sampai 90 hari)."),
    )
    action_proposed_on = models.DateField(
        _("tanggal tindakan diusulkan"),
        null=True,
        blank=True,
        help_text=_("Diisi portal saat SKPD mengusulkan tindakan korektif."),
    )
    verification = models.TextField(
        _("hasil verifikasi"),
        blank=True,
        help_text=_("Bagaimana efektivitas tindakan korektif diperiksa, oleh ketua auditor atau staf."),
    )
    # Set by services.return_finding, cleared by services.propose_action: whose turn it is reads
    # from the row itself, without a walk through the finding's history.
    returned = models.BooleanField(
        _("dikembalikan"),
        default=False,
        editable=False,
        help_text=_("Tindakan korektif yang diusulkan dikembalikan oleh pemverifikasi; SKPD perlu menjawab lagi."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.OPEN,
        help_text=_("Tahap tindak lanjut temuan."),
    )
    # PROTECT: a closed finding must keep who verified it; deactivate the account instead.
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diverifikasi oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verified_findings",
        help_text=_("Siapa yang memverifikasi efektivitas tindakan korektif."),
    )
    closed_on = models.DateField(
        _("tanggal ditutup"),
        null=True,
        blank=True,
        help_text=_("Tanggal verifikasi dan penutupan. Wajib bila ditutup."),
    )

    objects = FindingQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("riwayat temuan"))

    class Meta:
        verbose_name = _("temuan")
        verbose_name_plural = pgettext_lazy("plural", "temuan")
        ordering = ["audit", "clause", "pk"]
        permissions = [("verify_finding", _("Dapat memverifikasi dan menutup temuan"))]
        indexes = [models.Index(fields=["status", "due_on"], name="finding_status_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_on__isnull=False),
                name="finding_closed_has_date",
                violation_error_message=_("Temuan yang ditutup wajib mencatat tanggal penutupannya."),
            ),
            models.CheckConstraint(
                condition=Q(status="closed") | Q(closed_on__isnull=True),
                name="finding_open_has_no_closing_date",
                violation_error_message=_("Temuan yang belum ditutup tidak boleh punya tanggal penutupan."),
            ),
            models.CheckConstraint(condition=Q(clause__in=ALL_CLAUSE_VALUES), name="finding_clause_valid"),
            models.CheckConstraint(condition=Q(grade__in=FindingGrade.values), name="finding_grade_valid"),
            models.CheckConstraint(condition=Q(status__in=FindingStatus.values), name="finding_status_valid"),
            models.CheckConstraint(
                condition=(Q(grade__in=NONCONFORMITY_GRADES) & ~Q(status=FindingStatus.NOTED))
                | (~Q(grade__in=NONCONFORMITY_GRADES) & Q(status=FindingStatus.NOTED)),
                name="finding_status_fits_grade",
                violation_error_message=FINDING_STATUS_FITS_GRADE,
            ),
            models.CheckConstraint(
                condition=~Q(grade=FindingGrade.MAJOR) | Q(due_on__isnull=False),
                name="finding_major_has_due_date",
                violation_error_message=MAJOR_NEEDS_DUE_DATE,
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[FindingStatus.ACTION_PROPOSED, FindingStatus.CLOSED])
                | (GreaterThan(Length(StripWhitespace("corrective_action")), 0) & Q(action_proposed_on__isnull=False)),
                name="finding_action_recorded",
                violation_error_message=ACTION_REQUIRED,
            ),
            models.CheckConstraint(
                condition=~Q(status=FindingStatus.CLOSED)
                | (GreaterThan(Length(StripWhitespace("verification")), 0) & Q(verified_by__isnull=False)),
                name="finding_closed_is_verified",
                violation_error_message=VERIFICATION_REQUIRED,
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("raised_on")),
                name="finding_due_not_before_raised",
                violation_error_message=DUE_BEFORE_RAISED,
            ),
            models.CheckConstraint(
                condition=Q(returned=False) | Q(status=FindingStatus.OPEN),
                name="finding_returned_is_open",
                violation_error_message=RETURNED_IS_OPEN,
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(action_proposed_on__isnull=True)
                | Q(closed_on__gte=F("action_proposed_on")),
                name="finding_closed_after_proposal",
                violation_error_message=CLOSED_BEFORE_PROPOSAL,
            ),
        ]

    def __str__(self):
        return f"{self.get_grade_display()} {self.clause} — {self.audit.agency}"

    def save(self, *args, **kwargs):
        self.fill_raised_on()
        super().save(*args, **kwargs)

    @property
    def clause_display(self) -> str:
        return clause_label(self.audit.clause_set, self.clause)

    def is_overdue(self, *, on: datetime.date) -> bool:
        return self.status in OPEN_STATUSES and self.due_on is not None and self.due_on < on

    def clean(self):
        self.fill_raised_on()
        errors = self._date_errors()
        if self.status == self.Status.CLOSED and self.closed_on is None:
            errors["closed_on"] = [_("Temuan yang ditutup wajib mencatat tanggal penutupannya.")]
        if self.status != self.Status.CLOSED and self.closed_on is not None:
            errors["closed_on"] = [_("Temuan yang belum ditutup tidak boleh punya tanggal penutupan.")]
        if self.grade == self.Grade.MAJOR and self.due_on is None:
            errors["due_on"] = [MAJOR_NEEDS_DUE_DATE]
        if self.grade and ((self.grade in NONCONFORMITY_GRADES) == (self.status == self.Status.NOTED)):
            errors.setdefault("status", []).append(FINDING_STATUS_FITS_GRADE)
        if self.status in (self.Status.ACTION_PROPOSED, self.Status.CLOSED):
            if not (self.corrective_action or "").strip():
                errors["corrective_action"] = [ACTION_REQUIRED]
            if self.action_proposed_on is None:
                errors["action_proposed_on"] = [_("Tanggal usulan tindakan wajib dicatat.")]
        if self.returned and self.status != self.Status.OPEN:
            errors.setdefault("status", []).append(RETURNED_IS_OPEN)
        if self.closed_on and self.action_proposed_on and self.closed_on < self.action_proposed_on:
            errors.setdefault("closed_on", []).append(CLOSED_BEFORE_PROPOSAL)
        if self.status == self.Status.CLOSED:
            if not (self.verification or "").strip():
                errors["verification"] = [VERIFICATION_REQUIRED]
            if self.verified_by_id is None:
                errors["verified_by"] = [_("Catat siapa yang memverifikasi.")]
        if self.clause:
            clause_set = self.audit.clause_set if self.audit_id else ""
            allowed = CLAUSES[clause_set].values if clause_set in CLAUSES else ALL_CLAUSE_VALUES
            if self.clause not in allowed:
                errors["clause"] = [
                    _("Klausul %(clause)s tidak ada dalam %(standard)s.")
                    % {
                        "clause": self.clause,
                        "standard": ClauseSet(clause_set).label if clause_set else _("daftar klausul"),
                    }
                ]
        if errors:
            raise ValidationError(errors)

    def _known_audit(self) -> Audit | None:
        # On the audit's add page the inline's findings hold an audit not saved yet (no id).
        if self.audit_id or Finding.audit.is_cached(self):
            return self.audit
        return None

    def fill_raised_on(self) -> None:
        audit = self._known_audit()
        if self.raised_on is None and audit is not None and audit.starts_on:
            self.raised_on = audit.last_day

    def _date_errors(self) -> dict:
        errors = {}
        audit = self._known_audit()
        if self.raised_on and audit is not None and audit.starts_on and self.raised_on < audit.starts_on:
            errors["raised_on"] = [
                _("Temuan tidak dapat disampaikan sebelum audit dimulai (%(day)s).")
                % {"day": audit.starts_on.strftime("%d-%m-%Y")}
            ]
        elif self.raised_on and self.due_on and self.due_on < self.raised_on:
            errors["due_on"] = [
                _("Batas waktu tidak boleh sebelum tanggal temuan disampaikan (%(day)s).")
                % {"day": self.raised_on.strftime("%d-%m-%Y")}
            ]
        return errors
