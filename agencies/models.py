from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from bandung_iso.db import has_text, require_text
from bandung_iso.signals import SignallingQuerySet

SOURCE_REQUIRED = _("Setiap SKPD wajib mencatat sumbernya.")


class AgencyKind(models.TextChoices):
    """The kinds of perangkat daerah, in the order of the SKPD register (the register sorts by it).

    The public register's ``?jenis=`` spells them in Bahasa Indonesia: see
    ``portal.forms.agencies.KINDS_BY_PARAMETER``.
    """

    SECRETARIAT = "secretariat", _("Sekretariat")
    DEPARTMENT = "department", _("Dinas")
    BOARD = "board", _("Badan")
    OFFICE = "office", _("Kantor")
    INSPECTORATE = "inspectorate", _("Inspektorat")
    CIVIL_SERVICE_POLICE = "civil_service_police", _("Satuan Polisi Pamong Praja")
    DISTRICT = "district", _("Kecamatan")
    HOSPITAL = "hospital", _("Rumah sakit")
    HEALTH_CENTRE = "health_centre", _("Puskesmas")
    OTHER = "other", _("Lainnya")
    UNKNOWN = "unknown", _("Belum diketahui")


class AgencyStatus(models.TextChoices):
    """Where an agency stands on a given day, as the public register shows it."""

    CERTIFIED = "certified", _("bersertifikat")
    SUSPENDED = "suspended", _("dibekukan")
    WITHDRAWN = "withdrawn", _("dicabut")
    EXPIRED = "expired", _("tidak berlaku lagi")
    NOT_YET = "not_yet", _("belum bersertifikat")


class AgencyQuerySet(SignallingQuerySet):
    def unconfirmed(self):
        return self.filter(name_confirmed=False)

    def search(self, text: str):
        """Agencies whose name or short name contains ``text`` (case-insensitive); all when it is blank."""
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(short_name__icontains=text))


class Agency(models.Model):
    """A Satuan Kerja Perangkat Daerah (SKPD) of Pemerintah Kota Bandung."""

    Kind = AgencyKind

    name = models.CharField(
        _("nama"),
        max_length=200,
        help_text=_("Nama resmi SKPD, tanpa singkatan. Harus unik (huruf besar/kecil tidak dibedakan)."),
    )
    short_name = models.CharField(
        _("singkatan"),
        max_length=50,
        blank=True,
        help_text=_("Singkatan yang dipakai sumber, misalnya 'Satpol PP'. Kosongkan bila sumber tidak menyebutnya."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        help_text=_("Bagian alamat halaman publik SKPD. Jangan diubah setelah diterbitkan: tautan lama akan putus."),
    )
    kind = models.CharField(
        _("jenis"),
        max_length=20,
        choices=AgencyKind.choices,
        default=AgencyKind.UNKNOWN,
        help_text=_("Jenis perangkat daerah. Pilih 'Belum diketahui' bila sumber tidak menyebutnya."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("SKPD induk, misalnya Dinas Kesehatan untuk sebuah puskesmas (UPTD)."),
    )
    is_active = models.BooleanField(
        _("masih aktif"),
        default=True,
        help_text=_("Hapus centang bila SKPD sudah dilebur atau berganti nama; datanya tetap disimpan."),
    )
    name_confirmed = models.BooleanField(
        _("nama terkonfirmasi"),
        default=False,
        help_text=_("Centang hanya bila nama ini tertulis dalam sumber yang disebut di kolom sumber."),
    )
    source = models.TextField(
        _("sumber"),
        help_text=_("Dari mana data ini berasal: judul, penerbit, dan tanggal sumber."),
    )
    notes = models.TextField(
        _("catatan"),
        blank=True,
        help_text=_("Tafsiran, keraguan, atau hal yang perlu diperiksa staf."),
    )
    quality_representatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("wakil manajemen"),
        blank=True,
        related_name="represented_agencies",
        help_text=_(
            "Akun wakil manajemen mutu SKPD ini. Mereka melihat audit dan temuan SKPD ini saja "
            "dan menjawab temuannya; akunnya perlu grup 'Wakil manajemen SKPD'."
        ),
    )

    objects = AgencyQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("riwayat SKPD"))

    class Meta:
        verbose_name = _("SKPD")
        verbose_name_plural = _("SKPD")
        ordering = ["name"]
        # The register filters by kind and pages through names.
        indexes = [
            models.Index(fields=["kind", "name"], name="agency_kind_name_idx"),
            models.Index(fields=["name"], name="agency_name_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="agency_name_unique",
                violation_error_message=_("Sudah ada SKPD dengan nama ini."),
            ),
            models.UniqueConstraint(
                fields=["slug"],
                name="agency_slug_unique",
                violation_error_message=_("Sudah ada SKPD dengan slug ini."),
                violation_error_code="unique",
            ),
            models.CheckConstraint(condition=Q(kind__in=AgencyKind.values), name="agency_kind_valid"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="agency_not_own_parent"),
            has_text("source", name="agency_has_source", message=SOURCE_REQUIRED),
            has_text("name", name="agency_has_name", message=_("Nama SKPD wajib diisi.")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("agencies:detail", kwargs={"slug": self.slug})

    def clean(self):
        require_text(self, "source", SOURCE_REQUIRED)
        if self.parent_id is None or self.pk is None:
            return
        if self.parent_id == self.pk:
            raise ValidationError({"parent": _("Sebuah SKPD tidak dapat menjadi induk dirinya sendiri.")})
        # A loop (A under B under A) spans rows, so no CHECK can see it; the walk is as deep as the tree.
        seen, ancestor = {self.pk}, self.parent
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError(
                    {"parent": _("SKPD induk ini berada di bawah SKPD ini sendiri; pilih induk lain.")}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class SeedRecord(models.Model):
    """What ``load_initial_agencies`` last wrote to one record, so a rerun can tell its own values from a person's.

    Generic over the loaded models (``agencies.seeds``). The record is found again by
    ``object_pk``, never by its current slug or number, which staff may change; a seed record
    whose object is gone means staff deleted it, so it outlives the object.
    """

    model = models.CharField(
        _("model"), max_length=100, help_text=_("Label model yang dimuat, misalnya 'agencies.agency'.")
    )
    key = models.CharField(
        _("kunci alami"),
        max_length=500,
        help_text=_("Kunci rekaman seperti tertulis di berkas data, misalnya slug SKPD atau 'slug-skpd|standar'."),
    )
    object_pk = models.PositiveBigIntegerField(
        _("id rekaman"), null=True, blank=True, help_text=_("Id rekaman yang dimuat; kosong bila tidak pernah ada.")
    )
    values = models.JSONField(
        _("nilai yang dimuat"),
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text=_("Setiap kolom rekaman seperti terakhir ditulis pemuat."),
    )
    written_at = models.DateTimeField(_("terakhir ditulis"), help_text=_("Kapan pemuat terakhir menulis rekaman ini."))

    # Public pages never read it: it changes none of them (bandung_iso.public_cache.public_models).
    derived_from_records = True

    class Meta:
        verbose_name = _("rekaman muatan awal")
        verbose_name_plural = pgettext_lazy("plural", "rekaman muatan awal")
        ordering = ["model", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "key"],
                name="seedrecord_key_unique",
                violation_error_message=_("Kunci ini sudah punya rekaman muatan awal."),
                violation_error_code="unique",
            ),
        ]

    def __str__(self):
        return f"{self.model} {self.key}"
