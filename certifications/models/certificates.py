"""Standards, certification bodies and certificates: what a certificate is and when it is in force."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Cast, Lower, Upper
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from bandung_iso.db import has_text, require_text
from bandung_iso.signals import SignallingQuerySet

from ..clauses import ClauseSet
from ..dates import approximate_date_constraints, format_approximate, precision_field, validate_approximate
from ..statuses import CertificateStatus
from ..timeline import CertificateFacts, certificate_state, expiring_on, valid_on, validity_unknown_on

SOURCE_REQUIRED = _("Sumber wajib diisi: dari mana data ini berasal.")
EXPIRY_UNKNOWN = _("masa berlaku tidak diketahui")
WITHDRAWN_IS_FINAL = _(
    "Sertifikat yang sudah dicabut tidak dapat aktif atau dibekukan lagi; SKPD perlu sertifikasi awal yang baru."
)


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

    objects = SignallingQuerySet.as_manager()

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

    objects = SignallingQuerySet.as_manager()

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


class CertificateQuerySet(SignallingQuerySet):
    def valid(self, *, on: datetime.date):
        """Certificates in force on ``on`` (``certifications.timeline.valid_on``)."""
        return self.filter(valid_on(on))

    def validity_unknown(self, *, on: datetime.date):
        """Certificates whose validity on ``on`` nobody knows (``certifications.timeline.validity_unknown_on``)."""
        return self.filter(validity_unknown_on(on))

    def expiring(self, *, on: datetime.date, within_days: int):
        """Valid on ``on`` and ceasing to be valid within ``within_days`` (``certifications.timeline.expiring_on``)."""
        return self.filter(expiring_on(on, within_days=within_days))

    def without_expiry(self):
        """Certificates whose expiry date is not recorded: never counted valid, so their validity is unknown."""
        return self.filter(expires_on__isnull=True)

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
        help_text=_(
            "Hari terakhir sertifikat berlaku. Tanpa tanggal ini masa berlakunya tidak diketahui: sertifikat "
            "tidak dihitung berlaku, juga tidak dihitung tidak berlaku."
        ),
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
    interpretation = models.TextField(
        _("tafsiran"),
        blank=True,
        help_text=_(
            "Bila sertifikat ini tercatat karena tafsiran atas sumber, bukan pernyataan langsungnya, jelaskan "
            "tafsirannya di sini: halaman publik menandainya 'tafsiran' di mana pun penerimanya disebut."
        ),
    )

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
        """The ``CertificateState`` on ``day`` (``certifications.timeline.certificate_state``)."""
        return certificate_state(CertificateFacts.of(self), day)

    @property
    def issued_display(self) -> str:
        return format_approximate(self.issued_on, self.issued_precision)

    @property
    def expires_display(self) -> str:
        if self.expires_on is None:
            return str(EXPIRY_UNKNOWN)
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
