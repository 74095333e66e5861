"""Handover ceremonies and the certification programme with its progress toward the target."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import AgencyStatus
from bandung_iso.db import has_text, require_text
from bandung_iso.signals import SignallingQuerySet

from ..dates import approximate_date_constraints, format_approximate, precision_field, validate_approximate
from ..timeline import REASONS
from .certificates import SOURCE_REQUIRED, Certificate
from .timeline import StatusStretch


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

    objects = SignallingQuerySet.as_manager()

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

    @property
    def interpreted_recipients(self) -> int:
        """How many of its certificates are on record by an interpretation of the source (prefetch them)."""
        return sum(1 for certificate in self.certificates.all() if certificate.interpretation)

    def clean(self):
        require_text(self, "source", SOURCE_REQUIRED)
        validate_approximate(self.held_on, self.held_precision, field="held_on")


MEMBER_ENDS_BEFORE_START = _("Tanggal akhir keanggotaan tidak boleh sebelum tanggal mulainya.")


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


class ProgrammeMemberQuerySet(SignallingQuerySet):
    def on(self, day: datetime.date):
        """The memberships that hold on ``day``."""
        return self.filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gte=day)
        )


class ProgrammeMember(models.Model):
    """An SKPD that counts toward a programme's target, from a day (and to a day when merged or dissolved)."""

    programme = models.ForeignKey(
        "Programme",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="members",
        help_text=_("Program yang targetnya menghitung SKPD ini."),
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("SKPD"),
        on_delete=models.CASCADE,
        related_name="memberships",
        help_text=_("SKPD yang dihitung dalam target."),
    )
    starts_on = models.DateField(
        _("dihitung sejak"),
        null=True,
        blank=True,
        help_text=_("Kosongkan bila SKPD ini dihitung sejak program dimulai (tanggal pastinya tidak diketahui)."),
    )
    ends_on = models.DateField(
        _("dihitung sampai"),
        null=True,
        blank=True,
        help_text=_("Hari terakhir SKPD ini dihitung, bila dilebur atau dibubarkan."),
    )
    source = models.TextField(_("sumber"), help_text=_("Sumber yang menyatakan SKPD ini termasuk program."))

    objects = ProgrammeMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("anggota program")
        verbose_name_plural = pgettext_lazy("plural", "anggota program")
        ordering = ["programme", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "agency"],
                name="programmemember_unique",
                violation_error_message=_("SKPD ini sudah tercatat sebagai anggota program ini."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="programmemember_ends_after_start",
                violation_error_message=MEMBER_ENDS_BEFORE_START,
            ),
            has_text("source", name="programmemember_has_source", message=SOURCE_REQUIRED),
        ]

    def __str__(self):
        return f"{self.agency} ({self.programme})"

    def clean(self):
        require_text(self, "source", SOURCE_REQUIRED)
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": MEMBER_ENDS_BEFORE_START})


class ProgrammeQuerySet(SignallingQuerySet):
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

    def member_ids(self, *, on: datetime.date):
        """The ids of the agencies that count toward the target on ``on``, as a subquery."""
        return ProgrammeMember.objects.filter(programme=self).on(on).values("agency")

    def progress(self, *, on: datetime.date) -> Progress:
        """Certified members against the target on ``on``, with why the others lapsed.

        One query over the stored timeline: the stretch holding that day of each agency that
        counts toward the target then (its membership holds that day). An agency outside the
        programme (a UPTD the register keeps for its own sake, say) never counts.
        """
        totals = (
            StatusStretch.objects.on(on)
            .filter(agency__in=self.member_ids(on=on))
            .aggregate(
                certified=Count("pk", filter=Q(status=AgencyStatus.CERTIFIED)),
                **{name: Count("pk", filter=Q(**{name: True})) for name in REASONS},
            )
        )
        return Progress(on=on, target=self.target_agencies, **totals)
