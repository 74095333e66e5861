import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Max, Q, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Length, Lower, Upper
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from bandung_iso.db import StripWhitespace, has_text, require_text
from bandung_iso.public_cache import PublicDataQuerySet

from .dates import approximate_date_constraints, format_approximate, precision_field, validate_approximate

SOURCE_REQUIRED = _("Sumber wajib diisi: dari mana data ini berasal.")
MAJOR_NEEDS_DUE_DATE = _("Ketidaksesuaian mayor wajib punya batas waktu penyelesaian.")
FINDING_STATUS_FITS_GRADE = _(
    "Ketidaksesuaian (mayor atau minor) mengikuti alur terbuka, tindakan diusulkan, ditutup; "
    "observasi dan peluang perbaikan hanya dicatat."
)
ACTION_REQUIRED = _("Tindakan korektif wajib diisi sebelum temuan diusulkan selesai atau ditutup.")
CLOSED_BEFORE_PROPOSAL = _("Tanggal penutupan tidak boleh sebelum tindakan korektif diusulkan.")
VERIFICATION_REQUIRED = _("Temuan hanya dapat ditutup dengan hasil verifikasi dan nama pemverifikasinya.")
WITHDRAWN_IS_FINAL = _(
    "Sertifikat yang sudah dicabut tidak dapat aktif atau dibekukan lagi; SKPD perlu sertifikasi awal yang baru."
)


class ClauseSet(models.TextChoices):
    """Which list of clauses a standard's findings are written against."""

    ISO_9001_2008 = "iso9001_2008", _("ISO 9001:2008, klausul 4 sampai 8")
    ISO_9001_2015 = "iso9001_2015", _("ISO 9001:2015, klausul 4 sampai 10")


class Standard(models.Model):
    code = models.CharField(
        _("kode"), max_length=40, help_text=_("Kode standar seperti tertulis di sertifikat, misalnya 'ISO 9001:2008'.")
    )
    title = models.CharField(_("judul"), max_length=200, help_text=_("Judul lengkap standar."))
    published_on = models.DateField(
        _("tanggal terbit"), null=True, blank=True, help_text=_("Tanggal ISO menerbitkan standar ini, bila diketahui.")
    )
    certificates_valid_until = models.DateField(
        _("sertifikat berlaku sampai"),
        null=True,
        blank=True,
        help_text=_(
            "Hari terakhir sertifikat menurut standar ini masih berlaku, apa pun tanggal kedaluwarsa yang tercetak "
            "(untuk ISO 9001:2008: 15 September 2018, akhir masa transisi). Kosongkan bila belum ditetapkan."
        ),
    )
    clause_set = models.CharField(
        _("daftar klausul"),
        max_length=20,
        choices=ClauseSet.choices,
        blank=True,
        help_text=_("Klausul yang dipakai temuan audit terhadap standar ini. Kosongkan bila bukan ISO 9001."),
    )
    source = models.TextField(_("sumber"), help_text=_("Dari mana tanggal-tanggal ini berasal."))

    objects = PublicDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("standar")
        verbose_name_plural = pgettext_lazy("plural", "standar")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                name="standard_code_unique",
                violation_error_message=_("Kode standar ini sudah ada."),
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True)
                | Q(certificates_valid_until__isnull=True)
                | Q(certificates_valid_until__gt=F("published_on")),
                name="standard_validity_after_publication",
                violation_error_message=_("Batas berlaku sertifikat harus sesudah tanggal terbit standar."),
            ),
            has_text("source", name="standard_has_source", message=SOURCE_REQUIRED),
            models.CheckConstraint(
                condition=Q(clause_set="") | Q(clause_set__in=ClauseSet.values), name="standard_clause_set_valid"
            ),
        ]

    def __str__(self):
        return self.code

    def clean(self):
        require_text(self, "source", SOURCE_REQUIRED)
        if self.published_on and self.certificates_valid_until and self.certificates_valid_until <= self.published_on:
            raise ValidationError(
                {"certificates_valid_until": _("Batas berlaku sertifikat harus sesudah tanggal terbit standar.")}
            )


class CertificationBody(models.Model):
    name = models.CharField(_("nama"), max_length=200, help_text=_("Nama lembaga sertifikasi seperti di sertifikat."))
    accreditation_reference = models.CharField(
        _("nomor akreditasi"),
        max_length=100,
        blank=True,
        help_text=_("Nomor akreditasi lembaga, misalnya nomor KAN. Kosongkan bila tidak diketahui."),
    )
    website = models.URLField(_("situs web"), blank=True, help_text=_("Alamat situs resmi lembaga, bila ada."))
    notes = models.TextField(_("catatan"), blank=True, help_text=_("Catatan untuk staf."))

    objects = PublicDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("lembaga sertifikasi")
        verbose_name_plural = pgettext_lazy("plural", "lembaga sertifikasi")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="certification_body_name_unique",
                violation_error_message=_("Lembaga sertifikasi dengan nama ini sudah ada."),
                violation_error_code="unique",
            ),
        ]

    def __str__(self):
        return self.name


class CertificateStatus(models.TextChoices):
    ACTIVE = "active", _("aktif")
    SUSPENDED = "suspended", _("dibekukan")
    WITHDRAWN = "withdrawn", _("dicabut")


class CertificateState(models.TextChoices):
    """A certificate's standing on one day, as the public certificate check answers it."""

    VALID = "valid", _("berlaku")
    SUSPENDED = "suspended", _("dibekukan")
    WITHDRAWN = "withdrawn", _("dicabut")
    EXPIRED = "expired", _("kedaluwarsa")
    STANDARD_LAPSED = "standard_lapsed", _("standarnya tidak berlaku lagi")
    NOT_YET_VALID = "not_yet_valid", _("belum berlaku")
    UNKNOWN = "unknown", _("tidak dapat dipastikan (tanggal tidak diketahui)")


def valid_on(day: datetime.date, prefix: str = "") -> Q:
    """The condition for a certificate in force on ``day``, for filters and conditional aggregates.

    Issued on or before that day, not expired, the standard still recognised, and not
    suspended or withdrawn by then. A date known only roughly is stored as its period's
    last day, so it counts through the end of that period. Unknown dates never count.
    ``prefix`` reaches the certificate through a relation ("certificates__").
    """
    return (
        Q(**{f"{prefix}issued_on__lte": day, f"{prefix}expires_on__gte": day})
        & (
            Q(**{f"{prefix}standard__certificates_valid_until__isnull": True})
            | Q(**{f"{prefix}standard__certificates_valid_until__gte": day})
        )
        & (Q(**{f"{prefix}status": CertificateStatus.ACTIVE}) | Q(**{f"{prefix}status_changed_on__gt": day}))
    )


class CertificateQuerySet(PublicDataQuerySet):
    def valid(self, *, on: datetime.date):
        """Certificates in force on ``on`` (see ``valid_on``)."""
        return self.filter(valid_on(on))

    def suspended(self, *, on: datetime.date):
        """Issued by ``on`` and suspended on or before it (and not reinstated since)."""
        return self.filter(issued_on__lte=on, status=CertificateStatus.SUSPENDED, status_changed_on__lte=on)

    def withdrawn(self, *, on: datetime.date):
        return self.filter(issued_on__lte=on, status=CertificateStatus.WITHDRAWN, status_changed_on__lte=on)

    def expiring(self, *, on: datetime.date, within_days: int):
        """Valid on ``on`` and ceasing to be valid within ``within_days``: printed expiry or the standard's end."""
        last_day = on + datetime.timedelta(days=within_days)
        return self.valid(on=on).filter(
            Q(expires_on__lte=last_day) | Q(standard__certificates_valid_until__lte=last_day)
        )

    def with_number(self, number: str):
        """Certificates whose printed number is exactly ``number`` (trimmed, letter case ignored).

        Never a near match: no prefix, no wildcard (``%`` and ``_`` are literal), and a blank
        ``number`` matches nothing, as an unknown number is stored blank.
        """
        number = (number or "").strip()
        if not number:
            return self.none()
        return self.filter(number__iexact=number)


class Certificate(models.Model):
    Status = CertificateStatus

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("SKPD"),
        on_delete=models.PROTECT,
        related_name="certificates",
        help_text=_("SKPD pemegang sertifikat."),
    )
    standard = models.ForeignKey(
        Standard,
        verbose_name=_("standar"),
        on_delete=models.PROTECT,
        related_name="certificates",
        help_text=_("Standar yang disertifikasi."),
    )
    body = models.ForeignKey(
        CertificationBody,
        verbose_name=_("lembaga sertifikasi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        help_text=_("Kosongkan bila lembaga penerbitnya tidak diketahui. Jangan menebak."),
    )
    number = models.CharField(
        _("nomor sertifikat"),
        max_length=100,
        blank=True,
        help_text=_("Persis seperti tercetak. Kosongkan bila tidak diketahui; nomor unik per lembaga."),
    )
    scope = models.TextField(
        _("ruang lingkup"),
        blank=True,
        help_text=_("Ruang lingkup yang tertulis di sertifikat. Kosongkan bila tidak diketahui."),
    )
    issued_on = models.DateField(
        _("tanggal terbit"),
        null=True,
        blank=True,
        help_text=_("Untuk tanggal yang hanya diketahui tahunnya, isi 31 Desember tahun itu dan pilih ketelitiannya."),
    )
    issued_precision = precision_field(
        _("ketelitian tanggal terbit"), help_text=_("Seberapa pasti tanggal terbit diketahui.")
    )
    expires_on = models.DateField(
        _("tanggal kedaluwarsa"),
        null=True,
        blank=True,
        help_text=_("Hari terakhir sertifikat berlaku. Tanpa tanggal ini sertifikat tidak dihitung berlaku."),
    )
    expires_precision = precision_field(
        _("ketelitian tanggal kedaluwarsa"),
        help_text=_("Tanggal turunan (terbit + 3 tahun) tidak lebih pasti daripada tanggal terbitnya."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CertificateStatus.choices,
        default=CertificateStatus.ACTIVE,
        help_text=_("Dibekukan: sementara tidak berlaku. Dicabut: tidak dapat aktif kembali."),
    )
    status_changed_on = models.DateField(
        _("tanggal perubahan status"),
        null=True,
        blank=True,
        help_text=_("Tanggal pembekuan atau pencabutan terakhir. Wajib bila status bukan aktif."),
    )
    status_reason = models.TextField(
        _("alasan perubahan status"), blank=True, help_text=_("Wajib bila status bukan aktif.")
    )
    source = models.TextField(_("sumber"), help_text=_("Dari mana data sertifikat ini berasal."))
    notes = models.TextField(_("catatan"), blank=True, help_text=_("Apa yang belum diketahui atau perlu diperiksa."))

    objects = CertificateQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("riwayat sertifikat"))

    class Meta:
        verbose_name = _("sertifikat")
        verbose_name_plural = pgettext_lazy("plural", "sertifikat")
        permissions = [("change_certificate_status", _("Dapat membekukan, memulihkan dan mencabut sertifikat"))]
        ordering = ["agency__name", F("expires_on").desc(nulls_last=True), "pk"]
        indexes = [
            models.Index(fields=["issued_on", "expires_on"], name="certificate_validity_idx"),
            # The public check matches numbers with iexact, which PostgreSQL runs as
            # UPPER("number"::text) = UPPER(%s): this index is that expression.
            models.Index(Upper(Cast("number", models.TextField())), name="certificate_number_upper_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "number"],
                condition=~Q(number="") & Q(body__isnull=False),
                name="certificate_number_unique_per_body",
                violation_error_message=_("Lembaga ini sudah menerbitkan sertifikat dengan nomor yang sama."),
            ),
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True) | Q(expires_on__isnull=True) | Q(expires_on__gt=F("issued_on")),
                name="certificate_expires_after_issue",
                violation_error_message=_("Tanggal kedaluwarsa harus sesudah tanggal terbit."),
            ),
            models.CheckConstraint(condition=Q(status__in=CertificateStatus.values), name="certificate_status_valid"),
            models.CheckConstraint(
                condition=Q(status=CertificateStatus.ACTIVE)
                | (Q(status_changed_on__isnull=False) & ~Q(status_reason="")),
                name="certificate_status_change_recorded",
                violation_error_message=_(
                    "Sertifikat yang dibekukan atau dicabut wajib mencatat tanggal dan alasannya."
                ),
            ),
            has_text("source", name="certificate_has_source", message=SOURCE_REQUIRED),
            *approximate_date_constraints("certificate", "issued_on", "issued_precision"),
            *approximate_date_constraints("certificate", "expires_on", "expires_precision"),
        ]

    def __str__(self):
        number = self.number or _("nomor tidak diketahui")
        return f"{self.agency} — {self.standard} ({number})"

    def state_on(self, day: datetime.date) -> str:
        """The ``CertificateState`` on ``day``; the same rules as ``Certificate.objects.valid``."""
        if self.status != CertificateStatus.ACTIVE and self.status_changed_on and self.status_changed_on <= day:
            return (
                CertificateState.SUSPENDED if self.status == CertificateStatus.SUSPENDED else CertificateState.WITHDRAWN
            )
        if self.issued_on is None or self.expires_on is None:
            return CertificateState.UNKNOWN
        if day < self.issued_on:
            return CertificateState.NOT_YET_VALID
        lapse = self.standard.certificates_valid_until
        if lapse is not None and lapse < day and lapse < self.expires_on:
            return CertificateState.STANDARD_LAPSED
        if self.expires_on < day:
            return CertificateState.EXPIRED
        return CertificateState.VALID

    @property
    def issued_display(self) -> str:
        return format_approximate(self.issued_on, self.issued_precision)

    @property
    def expires_display(self) -> str:
        return format_approximate(self.expires_on, self.expires_precision)

    def clean(self):
        errors = {}
        for field, precision in (("issued_on", self.issued_precision), ("expires_on", self.expires_precision)):
            try:
                validate_approximate(getattr(self, field), precision, field=field)
            except ValidationError as error:
                errors.update(error.message_dict)
        if self.status != self.Status.ACTIVE:
            if self.status_changed_on is None:
                errors["status_changed_on"] = [_("Isi tanggal pembekuan atau pencabutan.")]
            if not (self.status_reason or "").strip():
                errors["status_reason"] = [_("Tulis alasan pembekuan atau pencabutan.")]
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            errors.setdefault("expires_on", []).append(_("Tanggal kedaluwarsa harus sesudah tanggal terbit."))
        if not (self.source or "").strip():
            errors["source"] = [SOURCE_REQUIRED]
        if self.pk and self.status != self.Status.WITHDRAWN and self.is_withdrawn_in_database():
            # Not a CHECK: it compares with the stored row. Every write path (admin form,
            # history revert, services) validates through here.
            errors.setdefault("status", []).append(WITHDRAWN_IS_FINAL)
        if errors:
            raise ValidationError(errors)

    def is_withdrawn_in_database(self) -> bool:
        return type(self)._default_manager.filter(pk=self.pk, status=self.Status.WITHDRAWN).exists()


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


class AuditQuerySet(PublicDataQuerySet):
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
        help_text=_("Sertifikat yang diawasi. Kosong untuk audit sertifikasi awal (tahap 1 dan 2) dan audit internal."),
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

    @property
    def clause_set(self) -> str:
        """The standard's clause list, or "" when the standard is unknown."""
        return self.standard.clause_set if self.standard_id else ""


class Clause2008(models.TextChoices):
    """The sub-clauses of ISO 9001:2008 clauses 4 to 8, with the usual SNI wording."""

    C4_1 = "4.1", format_lazy("4.1 {}", _("Persyaratan umum"))
    C4_2_1 = "4.2.1", format_lazy("4.2.1 {}", _("Persyaratan dokumentasi: umum"))
    C4_2_2 = "4.2.2", format_lazy("4.2.2 {}", _("Manual mutu"))
    C4_2_3 = "4.2.3", format_lazy("4.2.3 {}", _("Pengendalian dokumen"))
    C4_2_4 = "4.2.4", format_lazy("4.2.4 {}", _("Pengendalian rekaman"))
    C5_1 = "5.1", format_lazy("5.1 {}", _("Komitmen manajemen"))
    C5_2 = "5.2", format_lazy("5.2 {}", _("Fokus pelanggan"))
    C5_3 = "5.3", format_lazy("5.3 {}", _("Kebijakan mutu"))
    C5_4_1 = "5.4.1", format_lazy("5.4.1 {}", _("Sasaran mutu"))
    C5_4_2 = "5.4.2", format_lazy("5.4.2 {}", _("Perencanaan sistem manajemen mutu"))
    C5_5_1 = "5.5.1", format_lazy("5.5.1 {}", _("Tanggung jawab dan wewenang"))
    C5_5_2 = "5.5.2", format_lazy("5.5.2 {}", _("Wakil manajemen"))
    C5_5_3 = "5.5.3", format_lazy("5.5.3 {}", _("Komunikasi internal"))
    C5_6_1 = "5.6.1", format_lazy("5.6.1 {}", _("Tinjauan manajemen: umum"))
    C5_6_2 = "5.6.2", format_lazy("5.6.2 {}", _("Masukan tinjauan"))
    C5_6_3 = "5.6.3", format_lazy("5.6.3 {}", _("Keluaran tinjauan"))
    C6_1 = "6.1", format_lazy("6.1 {}", _("Penyediaan sumber daya"))
    C6_2_1 = "6.2.1", format_lazy("6.2.1 {}", _("Sumber daya manusia: umum"))
    C6_2_2 = "6.2.2", format_lazy("6.2.2 {}", _("Kompetensi, pelatihan dan kepedulian"))
    C6_3 = "6.3", format_lazy("6.3 {}", _("Infrastruktur"))
    C6_4 = "6.4", format_lazy("6.4 {}", _("Lingkungan kerja"))
    C7_1 = "7.1", format_lazy("7.1 {}", _("Perencanaan realisasi produk"))
    C7_2_1 = "7.2.1", format_lazy("7.2.1 {}", _("Penetapan persyaratan yang berkaitan dengan produk"))
    C7_2_2 = "7.2.2", format_lazy("7.2.2 {}", _("Tinjauan persyaratan yang berkaitan dengan produk"))
    C7_2_3 = "7.2.3", format_lazy("7.2.3 {}", _("Komunikasi pelanggan"))
    C7_3_1 = "7.3.1", format_lazy("7.3.1 {}", _("Perencanaan desain dan pengembangan"))
    C7_3_2 = "7.3.2", format_lazy("7.3.2 {}", _("Masukan desain dan pengembangan"))
    C7_3_3 = "7.3.3", format_lazy("7.3.3 {}", _("Keluaran desain dan pengembangan"))
    C7_3_4 = "7.3.4", format_lazy("7.3.4 {}", _("Tinjauan desain dan pengembangan"))
    C7_3_5 = "7.3.5", format_lazy("7.3.5 {}", _("Verifikasi desain dan pengembangan"))
    C7_3_6 = "7.3.6", format_lazy("7.3.6 {}", _("Validasi desain dan pengembangan"))
    C7_3_7 = "7.3.7", format_lazy("7.3.7 {}", _("Pengendalian perubahan desain dan pengembangan"))
    C7_4_1 = "7.4.1", format_lazy("7.4.1 {}", _("Proses pembelian"))
    C7_4_2 = "7.4.2", format_lazy("7.4.2 {}", _("Informasi pembelian"))
    C7_4_3 = "7.4.3", format_lazy("7.4.3 {}", _("Verifikasi produk yang dibeli"))
    C7_5_1 = "7.5.1", format_lazy("7.5.1 {}", _("Pengendalian produksi dan penyediaan jasa"))
    C7_5_2 = "7.5.2", format_lazy("7.5.2 {}", _("Validasi proses produksi dan penyediaan jasa"))
    C7_5_3 = "7.5.3", format_lazy("7.5.3 {}", _("Identifikasi dan mampu telusur"))
    C7_5_4 = "7.5.4", format_lazy("7.5.4 {}", _("Milik pelanggan"))
    C7_5_5 = "7.5.5", format_lazy("7.5.5 {}", _("Preservasi produk"))
    C7_6 = "7.6", format_lazy("7.6 {}", _("Pengendalian peralatan pemantauan dan pengukuran"))
    C8_1 = "8.1", format_lazy("8.1 {}", _("Pengukuran, analisis dan perbaikan: umum"))
    C8_2_1 = "8.2.1", format_lazy("8.2.1 {}", _("Kepuasan pelanggan"))
    C8_2_2 = "8.2.2", format_lazy("8.2.2 {}", _("Audit internal"))
    C8_2_3 = "8.2.3", format_lazy("8.2.3 {}", _("Pemantauan dan pengukuran proses"))
    C8_2_4 = "8.2.4", format_lazy("8.2.4 {}", _("Pemantauan dan pengukuran produk"))
    C8_3 = "8.3", format_lazy("8.3 {}", _("Pengendalian produk tidak sesuai"))
    C8_4 = "8.4", format_lazy("8.4 {}", _("Analisis data"))
    C8_5_1 = "8.5.1", format_lazy("8.5.1 {}", _("Perbaikan berkelanjutan"))
    C8_5_2 = "8.5.2", format_lazy("8.5.2 {}", _("Tindakan korektif"))
    C8_5_3 = "8.5.3", format_lazy("8.5.3 {}", _("Tindakan pencegahan"))


class Clause2015(models.TextChoices):
    """The clauses of ISO 9001:2015 clauses 4 to 10, second level.

    The Indonesian titles are our rendering of the English ones; check them against
    SNI ISO 9001:2015 before treating them as official.
    """

    C4_1 = "4.1", format_lazy("4.1 {}", _("Memahami organisasi dan konteksnya"))
    C4_2 = "4.2", format_lazy("4.2 {}", _("Memahami kebutuhan dan harapan pihak berkepentingan"))
    C4_3 = "4.3", format_lazy("4.3 {}", _("Menentukan ruang lingkup sistem manajemen mutu"))
    C4_4 = "4.4", format_lazy("4.4 {}", _("Sistem manajemen mutu dan prosesnya"))
    C5_1 = "5.1", format_lazy("5.1 {}", _("Kepemimpinan dan komitmen"))
    C5_2 = "5.2", format_lazy("5.2 {}", _("Kebijakan"))
    C5_3 = "5.3", format_lazy("5.3 {}", _("Peran, tanggung jawab dan wewenang dalam organisasi"))
    C6_1 = "6.1", format_lazy("6.1 {}", _("Tindakan untuk menangani risiko dan peluang"))
    C6_2 = "6.2", format_lazy("6.2 {}", _("Sasaran mutu dan perencanaan untuk mencapainya"))
    C6_3 = "6.3", format_lazy("6.3 {}", _("Perencanaan perubahan"))
    C7_1 = "7.1", format_lazy("7.1 {}", _("Sumber daya"))
    C7_2 = "7.2", format_lazy("7.2 {}", _("Kompetensi"))
    C7_3 = "7.3", format_lazy("7.3 {}", _("Kepedulian"))
    C7_4 = "7.4", format_lazy("7.4 {}", _("Komunikasi"))
    C7_5 = "7.5", format_lazy("7.5 {}", _("Informasi terdokumentasi"))
    C8_1 = "8.1", format_lazy("8.1 {}", _("Perencanaan dan pengendalian operasi"))
    C8_2 = "8.2", format_lazy("8.2 {}", _("Persyaratan produk dan jasa"))
    C8_3 = "8.3", format_lazy("8.3 {}", _("Desain dan pengembangan produk dan jasa"))
    C8_4 = "8.4", format_lazy("8.4 {}", _("Pengendalian proses, produk dan jasa dari penyedia eksternal"))
    C8_5 = "8.5", format_lazy("8.5 {}", _("Produksi dan penyediaan jasa"))
    C8_6 = "8.6", format_lazy("8.6 {}", _("Pelepasan produk dan jasa"))
    C8_7 = "8.7", format_lazy("8.7 {}", _("Pengendalian keluaran yang tidak sesuai"))
    C9_1 = "9.1", format_lazy("9.1 {}", _("Pemantauan, pengukuran, analisis dan evaluasi"))
    C9_2 = "9.2", format_lazy("9.2 {}", _("Audit internal"))
    C9_3 = "9.3", format_lazy("9.3 {}", _("Tinjauan manajemen"))
    C10_1 = "10.1", format_lazy("10.1 {}", _("Peningkatan: umum"))
    C10_2 = "10.2", format_lazy("10.2 {}", _("Ketidaksesuaian dan tindakan korektif"))
    C10_3 = "10.3", format_lazy("10.3 {}", _("Peningkatan berkelanjutan"))


# Each clause list by the standard it belongs to. The same number ("4.1", "7.1") means
# different things in the two standards: a finding's clause is read with its audit's standard.
CLAUSES = {ClauseSet.ISO_9001_2008: Clause2008, ClauseSet.ISO_9001_2015: Clause2015}
ALL_CLAUSE_VALUES = sorted(set(Clause2008.values) | set(Clause2015.values))


def clause_choices(clause_set: str = "") -> list:
    """Form choices for a finding's clause: one standard's list, or both grouped when unknown."""
    if clause_set in CLAUSES:
        return CLAUSES[clause_set].choices
    return [(ClauseSet(key).label, choices.choices) for key, choices in CLAUSES.items()]


def clause_label(clause_set: str, clause: str) -> str:
    """The clause's number and title in its standard; the bare number when the standard is unknown."""
    choices = CLAUSES.get(clause_set)
    if choices is not None and clause in choices.values:
        return str(choices(clause).label)
    return clause


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


class FindingQuerySet(PublicDataQuerySet):
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
        help_text=_("Audit yang menemukan."),
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
                condition=Q(closed_on__isnull=True)
                | Q(action_proposed_on__isnull=True)
                | Q(closed_on__gte=F("action_proposed_on")),
                name="finding_closed_after_proposal",
                violation_error_message=CLOSED_BEFORE_PROPOSAL,
            ),
        ]

    def __str__(self):
        return f"{self.get_grade_display()} {self.clause} — {self.audit.agency}"

    @property
    def clause_display(self) -> str:
        return clause_label(self.audit.clause_set, self.clause)

    def is_overdue(self, *, on: datetime.date) -> bool:
        return self.status in OPEN_STATUSES and self.due_on is not None and self.due_on < on

    def clean(self):
        errors = {}
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


class Ceremony(models.Model):
    slug = models.SlugField(
        _("slug"), max_length=200, help_text=_("Bagian alamat halaman upacara; jangan diubah setelah terbit.")
    )
    title = models.CharField(_("judul"), max_length=200, help_text=_("Judul singkat upacara."))
    held_on = models.DateField(
        _("tanggal"),
        null=True,
        blank=True,
        help_text=_("Untuk tanggal yang hanya diketahui tahunnya, isi 31 Desember tahun itu."),
    )
    held_precision = precision_field(_("ketelitian tanggal"), help_text=_("Seberapa pasti tanggal upacara diketahui."))
    venue = models.CharField(_("tempat"), max_length=200, blank=True, help_text=_("Tempat upacara, bila diketahui."))
    presided_by = models.CharField(
        _("diserahkan oleh"), max_length=200, blank=True, help_text=_("Pejabat yang menyerahkan sertifikat.")
    )
    description = models.TextField(_("uraian"), blank=True, help_text=_("Apa yang terjadi, menurut sumber."))
    source = models.TextField(_("sumber"), help_text=_("Dari mana data upacara ini berasal."))
    notes = models.TextField(
        _("catatan"), blank=True, help_text=_("Tafsiran atas sumber dan hal yang belum diketahui.")
    )
    certificates = models.ManyToManyField(
        Certificate,
        verbose_name=_("sertifikat yang diserahkan"),
        blank=True,
        related_name="ceremonies",
        help_text=_("Sertifikat yang diserahkan dalam upacara ini."),
    )

    objects = PublicDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("upacara penyerahan")
        verbose_name_plural = pgettext_lazy("plural", "upacara penyerahan")
        ordering = [F("held_on").desc(nulls_last=True), "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="ceremony_slug_unique",
                violation_error_message=_("Slug upacara ini sudah dipakai."),
                violation_error_code="unique",
            ),
            has_text("source", name="ceremony_has_source", message=SOURCE_REQUIRED),
            *approximate_date_constraints("ceremony", "held_on", "held_precision"),
        ]

    def __str__(self):
        return f"{self.title} ({self.held_display})"

    def get_absolute_url(self):
        return reverse("certifications:ceremony_detail", kwargs={"slug": self.slug})

    @property
    def held_display(self) -> str:
        return format_approximate(self.held_on, self.held_precision)

    def clean(self):
        require_text(self, "source", SOURCE_REQUIRED)
        validate_approximate(self.held_on, self.held_precision, field="held_on")


@dataclass(frozen=True)
class Progress:
    """The programme's standing on one day."""

    on: datetime.date
    certified: int
    target: int
    # Agencies that held a certificate at some time but not on this day, by reason. One
    # agency can count under several reasons (an expired 2008 certificate is both).
    expired: int
    standard_lapsed: int
    suspended: int
    withdrawn: int

    @property
    def percent(self) -> int:
        if not self.target:
            return 0
        return int((Decimal(self.certified * 100) / Decimal(self.target)).quantize(Decimal(1), ROUND_HALF_UP))

    @property
    def remaining(self) -> int:
        return max(self.target - self.certified, 0)

    @property
    def lapsed(self) -> bool:
        return any((self.expired, self.standard_lapsed, self.suspended, self.withdrawn))


class ProgrammeQuerySet(PublicDataQuerySet):
    def current(self):
        """The programme the public pages report: the one with the latest deadline."""
        return self.order_by("-deadline", "pk").first()


class Programme(models.Model):
    slug = models.SlugField(_("slug"), max_length=100, help_text=_("Kunci tetap program; dipakai pemuat data."))
    name = models.CharField(_("nama"), max_length=200, help_text=_("Nama program sertifikasi."))
    target_agencies = models.PositiveIntegerField(
        _("target jumlah SKPD"), help_text=_("Jumlah SKPD yang ditargetkan bersertifikat.")
    )
    deadline = models.DateField(
        _("batas waktu"), help_text=_("Hari terakhir target; 'pada tahun 2013' berarti 31 Desember 2013.")
    )
    reported_certified = models.PositiveIntegerField(
        _("jumlah bersertifikat yang dilaporkan"),
        null=True,
        blank=True,
        help_text=_("Angka yang disebut sumber, bukan hitungan portal."),
    )
    reported_total = models.PositiveIntegerField(
        _("jumlah SKPD yang dilaporkan"), null=True, blank=True, help_text=_("Jumlah SKPD menurut sumber.")
    )
    reported_on = models.DateField(
        _("tanggal laporan"), null=True, blank=True, help_text=_("Kapan angka itu dilaporkan.")
    )
    reported_precision = precision_field(
        _("ketelitian tanggal laporan"), help_text=_("Seberapa pasti tanggal laporan diketahui.")
    )
    source = models.TextField(_("sumber"), help_text=_("Sumber target dan angka yang dilaporkan."))
    notes = models.TextField(_("catatan"), blank=True, help_text=_("Tafsiran atas sumber."))

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("program sertifikasi")
        verbose_name_plural = pgettext_lazy("plural", "program sertifikasi")
        ordering = ["-deadline", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="programme_slug_unique",
                violation_error_message=_("Slug program ini sudah dipakai."),
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=Q(target_agencies__gt=0),
                name="programme_target_positive",
                violation_error_message=_("Target jumlah SKPD harus lebih dari nol."),
            ),
            models.CheckConstraint(
                condition=Q(reported_certified__isnull=True)
                | Q(reported_total__isnull=True)
                | Q(reported_certified__lte=F("reported_total")),
                name="programme_reported_within_total",
                violation_error_message=_("Jumlah bersertifikat yang dilaporkan melebihi jumlah SKPD yang dilaporkan."),
            ),
            has_text("source", name="programme_has_source", message=SOURCE_REQUIRED),
            *approximate_date_constraints("programme", "reported_on", "reported_precision"),
        ]

    def __str__(self):
        return self.name

    @property
    def reported_display(self) -> str:
        return format_approximate(self.reported_on, self.reported_precision)

    def clean(self):
        require_text(self, "source", SOURCE_REQUIRED)
        validate_approximate(self.reported_on, self.reported_precision, field="reported_on")
        if (
            self.reported_certified is not None
            and self.reported_total is not None
            and self.reported_certified > self.reported_total
        ):
            raise ValidationError(
                {"reported_certified": _("Jumlah bersertifikat yang dilaporkan melebihi jumlah SKPD yang dilaporkan.")}
            )

    def progress(self, *, on: datetime.date) -> Progress:
        """Certified agencies against the target on ``on``, with why the others lapsed.

        One query: the certificates issued by then, grouped per agency into flags (holds a
        valid one, holds an expired one, ...), then summed; lapse reasons count only the
        agencies without a valid certificate.
        """

        def flag(condition: Q):
            return Max(Case(When(condition, then=Value(1)), default=Value(0)))

        def unless_valid(name: str):
            return Coalesce(Sum(Case(When(has_valid=0, then=F(f"has_{name}")), default=Value(0))), 0)

        reasons = ("expired", "standard_lapsed", "suspended", "withdrawn")
        totals = (
            Certificate.objects.filter(issued_on__lte=on)
            .values("agency")
            .annotate(
                has_valid=flag(valid_on(on)),
                has_expired=flag(Q(expires_on__lt=on)),
                has_standard_lapsed=flag(Q(standard__certificates_valid_until__lt=on)),
                has_suspended=flag(Q(status=CertificateStatus.SUSPENDED, status_changed_on__lte=on)),
                has_withdrawn=flag(Q(status=CertificateStatus.WITHDRAWN, status_changed_on__lte=on)),
            )
            .aggregate(certified=Coalesce(Sum("has_valid"), 0), **{name: unless_valid(name) for name in reasons})
        )
        return Progress(on=on, target=self.target_agencies, **totals)
