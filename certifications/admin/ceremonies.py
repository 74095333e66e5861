"""Ceremonies (certificates handed over) and the city's certification programmes."""

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bandung_iso.admin_base import SafeInitialDataMixin, SelectedIdsMixin

from ..models import Ceremony, Certificate, Programme, ProgrammeMember
from .approximate_dates import DATE_PRECISION_DESCRIPTION, YearListFilter


class HeldYearFilter(YearListFilter):
    title = _("tahun upacara")
    parameter_name = "tahun"
    field_name = "held_on"


@admin.register(Ceremony)
class CeremonyAdmin(SelectedIdsMixin, SafeInitialDataMixin, admin.ModelAdmin):
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


class ProgrammeMemberInline(admin.TabularInline):
    """The SKPD that count toward the target, each from and to a day."""

    model = ProgrammeMember
    extra = 0
    autocomplete_fields = ["agency"]
    fields = ["agency", "starts_on", "ends_on", "source"]
    verbose_name_plural = _("SKPD yang dihitung dalam target")


@admin.register(Programme)
class ProgrammeAdmin(SelectedIdsMixin, admin.ModelAdmin):
    list_display = ["name", "target_agencies", "deadline", "reported_certified", "reported_total", "reported"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["progress_today"]
    inlines = [ProgrammeMemberInline]
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
