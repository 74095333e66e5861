"""Agencies (SKPD), with their certificates inline.

The agency admin lives with certifications because its form embeds certificates: the agencies
app, below certifications, may not import them.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyStatus, FormerName
from bandung_iso.admin_base import ModelErrorsForm, RowRuleHistoryAdmin, SelectedIdsMixin, YesNoListFilter
from bandung_iso.display import PEOPLE_ORDER
from bandung_iso.roles import Role

from .. import selectors
from ..models import Certificate, ProgrammeMember
from .agency_address import ADDRESS_FIELD, AgencyAddressForm, offers_address
from .agency_import import AgencyImportExportMixin
from .certificate_form import DATE_FIELDS, CertificateForm
from .certificate_interpretation import KEEP_FIELD
from .certificates import CERTIFICATE_STATUS_FIELDS, UNKNOWN_VALIDITY
from .tasks import StatusTodayFilter


class CertifiedTodayFilter(YesNoListFilter):
    """Agencies certified today (``timezone.localdate()``), known not to be, or whose validity is unknown."""

    title = _("status sertifikat hari ini")
    parameter_name = "sertifikat_hari_ini"
    yes_label = _("bersertifikat hari ini")
    no_label = _("tidak bersertifikat hari ini")

    def yes(self, queryset, *, on):
        return selectors.certified(queryset, on=on)

    def no(self, queryset, *, on):
        return selectors.not_certified(queryset, on=on)

    def lookups(self, request, model_admin):
        return [*super().lookups(request, model_admin), (UNKNOWN_VALIDITY, AgencyStatus.VALIDITY_UNKNOWN.label)]

    def queryset(self, request, queryset):
        if self.value() == UNKNOWN_VALIDITY:
            return selectors.validity_unknown(queryset, on=timezone.localdate())
        return super().queryset(request, queryset)


class CertificateInline(admin.StackedInline):
    """An agency's certificates. Every field that ``Certificate.clean()`` reports on is in the form."""

    model = Certificate
    form = CertificateForm
    extra = 0
    show_change_link = True
    autocomplete_fields = ["standard", "body"]
    # Changed only through the status actions of the certificate list, which keep date and reason.
    readonly_fields = CERTIFICATE_STATUS_FIELDS
    fieldsets = [
        (None, {"fields": ["standard", "body", "number"]}),
        (
            _("Tanggal"),
            {
                "fields": DATE_FIELDS,
                "description": _(
                    "Tanggal yang hanya diketahui bulan atau tahunnya diisi dengan hari terakhir periode itu "
                    "(31 Desember untuk tahun), lalu pilih ketelitiannya."
                ),
            },
        ),
        (_("Perubahan status"), {"fields": CERTIFICATE_STATUS_FIELDS}),
        (_("Sumber"), {"fields": ["source", "interpretation", KEEP_FIELD]}),
    ]


class FormerNameInline(admin.TabularInline):
    """Names the agency went by before a reorganisation renamed it; the register finds it by them."""

    model = FormerName
    form = ModelErrorsForm
    extra = 0
    fields = ["name", "used_until", "source"]


class MembershipInline(admin.TabularInline):
    """The programmes whose target counts this agency."""

    model = ProgrammeMember
    form = ModelErrorsForm
    extra = 0
    fields = ["programme", "starts_on", "ends_on", "source"]


@admin.register(Agency)
class AgencyAdmin(AgencyImportExportMixin, SelectedIdsMixin, RowRuleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "name_confirmed", "is_active", "certified_today"]
    list_filter = [
        "kind",
        CertifiedTodayFilter,
        StatusTodayFilter,
        "name_confirmed",
        "certification_reported",
        "is_active",
    ]
    search_fields = ["name", "short_name", "slug", "former_names__name"]
    form = AgencyAddressForm
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "merged_into"]
    # A plain two-list widget of the group's accounts, not an autocomplete: staff may not read
    # user accounts, so the user admin's autocomplete would refuse them.
    filter_horizontal = ["quality_representatives"]
    inlines = [CertificateInline, MembershipInline, FormerNameInline]
    readonly_fields = ["former_slug_list"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "former_slug_list", "kind", "parent"]}),
        (_("Status"), {"fields": ["is_active", "name_confirmed", "certification_reported"]}),
        (
            _("Peleburan atau pembubaran"),
            {"fields": [("ceased_on", "ceased_how"), "merged_into"], "classes": ["collapse"]},
        ),
        (_("Wakil manajemen SKPD"), {"fields": ["quality_representatives"]}),
        (_("Sumber dan catatan"), {"fields": ["source", "notes"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not offers_address(obj, request.POST.get("name")) or not self.has_change_permission(request, obj):
            return fieldsets
        (title, options), *rest = fieldsets
        fields = list(options["fields"])
        fields.insert(fields.index("slug") + 1, ADDRESS_FIELD)
        return [(title, {**options, "fields": fields}), *rest]

    def get_queryset(self, request):
        # One EXISTS per row inside the list query, not a query per row.
        today = timezone.localdate()
        return (
            super()
            .get_queryset(request)
            .annotate(
                certified_today=selectors.certified_on(today),
                validity_unknown_today=selectors.certified_on(today, status=AgencyStatus.VALIDITY_UNKNOWN),
            )
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "quality_representatives":
            kwargs["queryset"] = (
                get_user_model()
                ._default_manager.filter(groups__name=Role.REPRESENTATIVE)
                .distinct()
                .order_by(*PEOPLE_ORDER)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("slug lama"))
    def former_slug_list(self, obj):
        # Each one's public address redirects to this agency's (agencies.former_slugs).
        slugs = [] if obj is None or obj.pk is None else [former.slug for former in obj.former_slugs.all()]
        return ", ".join(slugs) or "-"

    @admin.display(description=_("bersertifikat hari ini"), boolean=True, ordering="certified_today")
    def certified_today(self, obj):
        # Neither yes nor no (the admin's "unknown" icon) while a certificate's validity is unknown.
        return None if obj.validity_unknown_today else obj.certified_today
