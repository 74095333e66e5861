import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import models
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.admin_history import RowRuleHistoryAdmin

from .admin_cycle import CertificateCycleMixin
from .admin_workflow import (
    CertificateStatusActionsMixin,
    FindingVerificationActionsMixin,
    RefuseDeleteWithFindingsMixin,
)
from .models import Audit, Ceremony, Certificate, CertificationBody, Finding, Programme, Standard

DATE_PRECISION_DESCRIPTION = _(
    "Tanggal yang hanya diketahui bulan atau tahunnya diisi dengan hari terakhir periode itu "
    "(31 Desember untuk tahun), lalu pilih ketelitiannya. Daftar hanya menampilkan yang diketahui, "
    "misalnya 'sekitar 2012'."
)


class YearListFilter(admin.SimpleListFilter):
    """The years of a date stored with a precision, plus 'tidak diketahui' for no date.

    A date known only roughly is stored as its period's last day, so its year is still the
    year the source gives: filtering on the stored year is right for every precision.
    """

    field_name: str
    UNKNOWN = "tidak_diketahui"

    def lookups(self, request, model_admin):
        years = model_admin.model._default_manager.dates(self.field_name, "year", order="DESC")
        return [(str(year.year), str(year.year)) for year in years] + [(self.UNKNOWN, _("tidak diketahui"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == self.UNKNOWN:
            return queryset.filter(**{f"{self.field_name}__isnull": True})
        try:
            year = int(value)
        except ValueError:
            raise IncorrectLookupParameters(value) from None
        if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
            raise IncorrectLookupParameters(value)
        return queryset.filter(**{f"{self.field_name}__year": year})


class ExpiryYearFilter(YearListFilter):
    title = _("tahun kedaluwarsa")
    parameter_name = "tahun_kedaluwarsa"
    field_name = "expires_on"


class HeldYearFilter(YearListFilter):
    title = _("tahun upacara")
    parameter_name = "tahun"
    field_name = "held_on"


class ValidTodayFilter(admin.SimpleListFilter):
    """Certificates in force today (``Certificate.objects.valid``), or not."""

    title = _("berlaku hari ini")
    parameter_name = "berlaku_hari_ini"

    VALID = "ya"
    NOT_VALID = "tidak"

    def lookups(self, request, model_admin):
        return [(self.VALID, _("berlaku hari ini")), (self.NOT_VALID, _("tidak berlaku hari ini"))]

    def queryset(self, request, queryset):
        valid = Certificate.objects.valid(on=timezone.localdate()).values("pk")
        if self.value() == self.VALID:
            return queryset.filter(pk__in=valid)
        if self.value() == self.NOT_VALID:
            return queryset.exclude(pk__in=valid)
        return queryset


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "published_on", "certificates_valid_until"]
    search_fields = ["code", "title"]
    fieldsets = [
        (None, {"fields": ["code", "title"]}),
        (_("Tanggal"), {"fields": ["published_on", "certificates_valid_until"]}),
        (_("Sumber"), {"fields": ["source"]}),
    ]


@admin.register(CertificationBody)
class CertificationBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "accreditation_reference", "website"]
    search_fields = ["name", "accreditation_reference"]
    fields = ["name", "accreditation_reference", "website", "notes"]
    # A typed address without a scheme is an https one (Django 6 makes this the default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Certificate)
class CertificateAdmin(
    CertificateStatusActionsMixin, CertificateCycleMixin, RefuseDeleteWithFindingsMixin, RowRuleHistoryAdmin
):
    list_display = [
        "agency",
        "standard",
        "number_display",
        "body",
        "issued",
        "expires",
        "status",
        "valid_today",
    ]
    list_filter = [
        ValidTodayFilter,
        "status",
        ExpiryYearFilter,
        "standard",
        "body",
        "agency__kind",
    ]
    search_fields = ["agency__name", "agency__short_name", "number", "body__name"]
    list_select_related = ["agency", "standard", "body"]
    autocomplete_fields = ["agency", "standard", "body"]
    # The only empty cell in the list is an unknown certification body.
    empty_value_display = _("tidak diketahui")
    fieldsets = [
        (None, {"fields": ["agency", "standard", "body", "number", "scope"]}),
        (
            _("Tanggal"),
            {
                "fields": [("issued_on", "issued_precision"), ("expires_on", "expires_precision")],
                "description": DATE_PRECISION_DESCRIPTION,
            },
        ),
        (
            _("Perubahan status"),
            {
                "fields": ["status", "status_changed_on", "status_reason"],
                "description": _("Tanggal dan alasan wajib diisi bila sertifikat dibekukan atau dicabut."),
            },
        ),
        (_("Sumber dan catatan"), {"fields": ["source", "notes"]}),
    ]

    def get_queryset(self, request):
        # __str__ uses agency and standard: the autocomplete answers need them too.
        valid_today = Certificate.objects.valid(on=timezone.localdate()).filter(pk=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .select_related("agency", "standard", "body")
            .annotate(valid_today=Exists(valid_today))
        )

    @admin.display(description=_("nomor sertifikat"), ordering="number")
    def number_display(self, obj):
        return obj.number or _("tidak diketahui")

    @admin.display(description=_("terbit"), ordering="issued_on")
    def issued(self, obj):
        return obj.issued_display

    @admin.display(description=pgettext_lazy("column of expiry dates", "kedaluwarsa"), ordering="expires_on")
    def expires(self, obj):
        return obj.expires_display

    @admin.display(description=_("berlaku hari ini"), boolean=True, ordering="valid_today")
    def valid_today(self, obj):
        return obj.valid_today


class FindingInline(admin.TabularInline):
    """An audit's findings. Every field that ``Finding.clean()`` reports on is in the form."""

    model = Finding
    extra = 0
    show_change_link = True
    fields = ["clause", "grade", "description", "due_on", "status", "closed_on"]


@admin.register(Audit)
class AuditAdmin(RefuseDeleteWithFindingsMixin, RowRuleHistoryAdmin):
    list_display = ["starts_on", "ends_on", "agency", "kind", "body", "status", "findings_count"]
    list_filter = ["kind", "status", "body", "agency__kind"]
    search_fields = ["agency__name", "agency__short_name", "body__name", "certificate__number", "team"]
    date_hierarchy = "starts_on"
    list_select_related = ["agency", "body"]
    autocomplete_fields = ["agency", "certificate", "body", "lead_auditor"]
    inlines = [FindingInline]
    fieldsets = [
        (None, {"fields": ["agency", "kind", "certificate", "body", "status"]}),
        (_("Waktu"), {"fields": [("starts_on", "ends_on")]}),
        (_("Tim auditor"), {"fields": ["lead_auditor", "team"]}),
        (_("Hasil"), {"fields": ["summary"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency").annotate(findings_count=Count("findings"))

    @admin.display(description=_("jumlah temuan"), ordering="findings_count")
    def findings_count(self, obj):
        return obj.findings_count


@admin.register(Finding)
class FindingAdmin(FindingVerificationActionsMixin, RowRuleHistoryAdmin):
    list_display = ["agency", "audit_display", "clause", "grade", "summary", "status", "due_on", "closed_on"]
    # No clause filter: fifty sub-clauses swamp the sidebar, and the search finds "4.2.3".
    list_filter = ["status", "grade", "audit__kind"]
    search_fields = ["description", "audit__agency__name", "audit__agency__short_name", "clause"]
    date_hierarchy = "due_on"
    list_select_related = ["audit__agency"]
    autocomplete_fields = ["audit", "verified_by"]
    fieldsets = [
        (None, {"fields": ["audit", "clause", "grade", "description", "evidence"]}),
        (_("Tindak lanjut"), {"fields": ["correction", "root_cause", "corrective_action", "due_on", "status"]}),
        (_("Verifikasi"), {"fields": ["verified_by", "closed_on"]}),
    ]

    def get_queryset(self, request):
        # __str__ uses the audit's agency: the autocomplete answers need it too.
        return super().get_queryset(request).select_related("audit__agency")

    @admin.display(description=_("SKPD"), ordering="audit__agency__name")
    def agency(self, obj):
        return obj.audit.agency

    @admin.display(description=_("audit"), ordering="audit__starts_on")
    def audit_display(self, obj):
        return f"{obj.audit.get_kind_display()} ({obj.audit.starts_on:%Y-%m-%d})"

    @admin.display(description=_("uraian"))
    def summary(self, obj):
        return Truncator(obj.description).chars(80)


@admin.register(Ceremony)
class CeremonyAdmin(admin.ModelAdmin):
    list_display = ["title", "held", "venue", "presided_by", "certificates_count"]
    list_filter = [HeldYearFilter]
    search_fields = ["title", "slug", "venue", "presided_by"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["certificates"]
    fieldsets = [
        (
            None,
            {
                "fields": ["title", "slug", ("held_on", "held_precision"), "venue", "presided_by"],
                "description": DATE_PRECISION_DESCRIPTION,
            },
        ),
        (_("Sertifikat"), {"fields": ["certificates"]}),
        (_("Uraian, sumber dan catatan"), {"fields": ["description", "source", "notes"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(certificates_count=Count("certificates"))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "certificates":
            # Each option's label (Certificate.__str__) names the agency and the standard.
            kwargs["queryset"] = Certificate.objects.select_related("agency", "standard")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("tanggal"), ordering="held_on")
    def held(self, obj):
        return obj.held_display

    @admin.display(description=_("jumlah sertifikat"), ordering="certificates_count")
    def certificates_count(self, obj):
        return obj.certificates_count


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "target_agencies", "deadline", "reported_certified", "reported_total", "reported"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["progress_today"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "target_agencies", "deadline"]}),
        (
            _("Angka yang dilaporkan sumber"),
            {
                "fields": ["reported_certified", "reported_total", ("reported_on", "reported_precision")],
                "description": DATE_PRECISION_DESCRIPTION,
            },
        ),
        (_("Capaian menurut portal"), {"fields": ["progress_today"]}),
        (_("Sumber dan catatan"), {"fields": ["source", "notes"]}),
    ]

    @admin.display(description=_("tanggal laporan"), ordering="reported_on")
    def reported(self, obj):
        return obj.reported_display

    @admin.display(description=_("capaian hari ini"))
    def progress_today(self, obj):
        if obj is None or obj.pk is None:
            return _("Tersedia setelah program disimpan.")
        progress = obj.progress(on=timezone.localdate())
        return _("%(certified)s dari %(target)s SKPD bersertifikat (%(percent)s%%)") % {
            "certified": progress.certified,
            "target": progress.target,
            "percent": progress.percent,
        }
