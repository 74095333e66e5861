import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from bandung_iso.db import has_text, require_text
from bandung_iso.signals import SignallingQuerySet

SOURCE_REQUIRED = _("Setiap SKPD wajib mencatat sumbernya.")
CEASED_NEEDS_BOTH = _("Isi tanggal dan cara berakhirnya bersama-sama, atau kosongkan keduanya.")
MERGED_INTO_ONLY_WHEN_MERGED = _("SKPD tujuan peleburan hanya diisi bila SKPD ini dilebur.")
SLUG_TAKEN_BEFORE = _("Slug ini dulu dipakai SKPD lain dan alamat lamanya kini dialihkan ke SKPD itu; pilih slug lain.")
# The agencies the shipped data knows only as "one of 35 certified before": their slugs are
# skpd-belum-teridentifikasi-01 ... -35 until the city's list names them (an import merges a
# named agency into one of them, keeping its certificates).
PLACEHOLDER_SLUG_PATTERN = r"^skpd-belum-teridentifikasi-([0-9]+)$"  # both engines' regular expressions read it
PLACEHOLDER_SLUG = re.compile(PLACEHOLDER_SLUG_PATTERN)


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
    # A certificate issued whose expiry nobody knows, and nothing else decides: perhaps certified.
    VALIDITY_UNKNOWN = "validity_unknown", _("masa berlaku tidak diketahui")
    SUSPENDED = "suspended", _("dibekukan")
    WITHDRAWN = "withdrawn", _("dicabut")
    EXPIRED = "expired", _("tidak berlaku lagi")
    NOT_YET = "not_yet", _("belum bersertifikat")
    # No certificate on record and nobody has reported that the agency has none.
    UNKNOWN = "unknown", _("status tidak diketahui")


class CertificationReport(models.TextChoices):
    """What the city has said of an agency that has no certificate on record."""

    UNKNOWN = "unknown", _("belum ada laporan")
    NOT_CERTIFIED = "not_certified", _("belum bersertifikat menurut Pemkot")


class AgencyEnd(models.TextChoices):
    """How an agency ceased to exist."""

    MERGED = "merged", _("dilebur ke SKPD lain")
    DISSOLVED = "dissolved", _("dibubarkan")


class AgencyQuerySet(SignallingQuerySet):
    def unconfirmed(self):
        return self.filter(name_confirmed=False)

    def placeholders(self):
        """The agencies still known only as one of the 35 certified before (see ``PLACEHOLDER_SLUG``)."""
        return self.filter(slug__regex=PLACEHOLDER_SLUG_PATTERN)

    def formerly(self, slug: str):
        """The agency whose address was ``slug`` before (at most one)."""
        return self.filter(former_slugs__slug=slug)

    def with_slug_or_former(self, slug: str):
        """The agency whose address is or was ``slug`` (at most one: a former slug is never reused)."""
        return self.filter(Q(slug=slug) | Q(former_slugs__slug=slug)).distinct()

    def search(self, text: str):
        """Agencies whose name, short name or a former name contains ``text`` (case-insensitive); all when blank."""
        text = (text or "").strip()
        if not text:
            return self
        former = FormerName.objects.filter(agency=OuterRef("pk"), name__icontains=text)
        return self.filter(Q(name__icontains=text) | Q(short_name__icontains=text) | Exists(former))


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
        help_text=_(
            "Bagian alamat halaman publik SKPD. Bila diubah, alamat lama tetap dicatat dan dialihkan ke alamat baru; "
            "slug lama SKPD lain tidak dapat dipakai."
        ),
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
    # A new agency is entered from its source (a Perda, the city's list), which names it: its
    # name starts confirmed, on the admin's add form and in an import alike (a row that leaves
    # the cell empty keeps this). A placeholder or an agency known only from hearsay says "no".
    name_confirmed = models.BooleanField(
        _("nama terkonfirmasi"),
        default=True,
        help_text=_(
            "Tercentang bila nama ini tertulis dalam sumber yang disebut di kolom sumber; SKPD baru tercentang "
            "sejak awal. Hapus centang bila sumbernya tidak menyebut nama ini."
        ),
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
    certification_reported = models.CharField(
        _("laporan status sertifikasi"),
        max_length=20,
        choices=CertificationReport.choices,
        default=CertificationReport.UNKNOWN,
        help_text=_(
            "Hanya untuk SKPD tanpa catatan sertifikat. Pilih 'belum bersertifikat menurut Pemkot' hanya bila "
            "Pemkot menyatakannya (sebut sumbernya di catatan); tanpa laporan statusnya 'tidak diketahui'. "
            "Catatan sertifikat selalu didahulukan."
        ),
    )
    ceased_on = models.DateField(
        _("tidak ada lagi sejak"),
        null=True,
        blank=True,
        help_text=_("Tanggal berlakunya peleburan atau pembubaran: sejak hari itu SKPD ini tidak ada lagi."),
    )
    ceased_how = models.CharField(
        _("cara berakhir"),
        max_length=20,
        choices=AgencyEnd.choices,
        blank=True,
        help_text=_("Dilebur ke SKPD lain atau dibubarkan; diisi bersama tanggalnya."),
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("dilebur ke"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_agencies",
        help_text=_("SKPD yang menerima SKPD ini, bila dilebur."),
    )
    quality_representatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("wakil manajemen"),
        blank=True,
        related_name="represented_agencies",
        help_text=_(
            "Akun wakil manajemen SKPD ini. Mereka melihat audit dan temuan SKPD ini saja "
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
            models.CheckConstraint(
                condition=Q(certification_reported__in=CertificationReport.values),
                name="agency_certification_reported_valid",
            ),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True, ceased_how="")
                | Q(ceased_on__isnull=False, ceased_how__in=AgencyEnd.values),
                name="agency_ceased_with_date_and_how",
                violation_error_message=CEASED_NEEDS_BOTH,
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(ceased_how=AgencyEnd.MERGED),
                name="agency_merged_into_only_when_merged",
                violation_error_message=MERGED_INTO_ONLY_WHEN_MERGED,
            ),
            models.CheckConstraint(condition=~Q(merged_into=F("pk")), name="agency_not_merged_into_itself"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("agencies:detail", kwargs={"slug": self.slug})

    @property
    def placeholder_number(self) -> int | None:
        """NN of skpd-belum-teridentifikasi-NN, or None for an agency the sources name."""
        match = PLACEHOLDER_SLUG.match(self.slug or "")
        return int(match[1]) if match else None

    def slug_taken_before(self) -> bool:
        """Whether ``slug`` is a former slug of another agency (its old address redirects there)."""
        return bool(self.slug) and FormerSlug.objects.filter(slug=self.slug).exclude(agency_id=self.pk).exists()

    def clean(self):
        require_text(self, "source", SOURCE_REQUIRED)
        if (self.ceased_on is None) != (not self.ceased_how):
            raise ValidationError({"ceased_on" if self.ceased_on is None else "ceased_how": CEASED_NEEDS_BOTH})
        if self.merged_into_id is not None and self.ceased_how != AgencyEnd.MERGED:
            raise ValidationError({"merged_into": MERGED_INTO_ONLY_WHEN_MERGED})
        if self.merged_into_id is not None and self.merged_into_id == self.pk:
            raise ValidationError({"merged_into": _("Sebuah SKPD tidak dapat dilebur ke dirinya sendiri.")})
        if self.slug_taken_before():
            raise ValidationError({"slug": SLUG_TAKEN_BEFORE})
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


class FormerName(models.Model):
    """A name an agency went by until a reorganisation renamed it (Bandung's 2016 one, say)."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("SKPD"),
        on_delete=models.CASCADE,
        related_name="former_names",
        help_text=_("SKPD yang dulu memakai nama ini."),
    )
    name = models.CharField(_("nama lama"), max_length=200, help_text=_("Nama resmi yang dipakai sebelumnya."))
    used_until = models.DateField(
        _("dipakai sampai"),
        help_text=_("Hari terakhir nama ini dipakai: sehari sebelum nama berikutnya berlaku."),
    )
    source = models.TextField(_("sumber"), help_text=_("Peraturan atau dokumen yang menyebut perubahan nama."))

    # Bulk writes too must reach the page cache: the register shows the name an agency had on a day.
    objects = SignallingQuerySet.as_manager()

    class Meta:
        verbose_name = _("nama lama SKPD")
        verbose_name_plural = _("nama lama SKPD")
        ordering = ["agency", "-used_until"]
        constraints = [
            models.UniqueConstraint(
                "agency",
                Lower("name"),
                name="formername_unique_per_agency",
                violation_error_message=_("Nama lama ini sudah tercatat untuk SKPD ini."),
            ),
            has_text("name", name="formername_has_name", message=_("Nama lama wajib diisi.")),
            has_text("source", name="formername_has_source", message=SOURCE_REQUIRED),
        ]

    def __str__(self):
        return f"{self.name} (s.d. {self.used_until:%Y-%m-%d})"

    def clean(self):
        require_text(self, "source", SOURCE_REQUIRED)
        require_text(self, "name", _("Nama lama wajib diisi."))


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


class FormerSlug(models.Model):
    """A slug an agency had before: its old public address answers a permanent redirect to the new one.

    Written by ``agencies.former_slugs`` whenever an agency's slug changes (admin, import,
    shell); an agency given back an old slug loses that row. A former slug is never any
    agency's slug again: ``Agency.clean()`` says so, and a save that tries is refused.
    """

    # Written only alongside an agency save, which the page cache and the figures already hear of.
    derived_from_records = True

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("SKPD"),
        on_delete=models.CASCADE,
        related_name="former_slugs",
    )
    slug = models.SlugField(
        _("slug lama"),
        max_length=200,
        help_text=_("Alamat lama SKPD ini; /skpd/<slug lama>/ dialihkan ke alamatnya sekarang."),
    )
    replaced_at = models.DateTimeField(_("diganti pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("slug lama SKPD")
        verbose_name_plural = _("slug lama SKPD")
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="former_slug_unique",
                violation_error_message=_("Slug lama ini sudah tercatat untuk SKPD lain."),
                violation_error_code="unique",
            ),
            has_text("slug", name="former_slug_has_text", message=_("Slug lama wajib diisi.")),
        ]

    def __str__(self):
        return f"{self.slug} → {self.agency.slug}"

    def clean(self):
        if self.slug and Agency.objects.filter(slug=self.slug).exists():
            raise ValidationError({"slug": _("Slug ini masih dipakai sebuah SKPD; alamatnya tidak dapat dialihkan.")})
