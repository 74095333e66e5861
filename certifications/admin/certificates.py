"""Standards, certification bodies and certificates."""

from django.contrib import admin
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bandung_iso.admin_base import RowRuleHistoryAdmin, SelectedIdsMixin, YesNoListFilter

from ..models import Certificate, CertificateState, CertificationBody, Standard
from .approximate_dates import DATE_PRECISION_DESCRIPTION, YearListFilter
from .certificate_form import DATE_FIELDS, CertificateForm
from .certificate_interpretation import KEEP_FIELD
from .cycle import CertificateCycleMixin
from .tasks import ExpiryKnownFilter
from .workflow import CertificateStatusActionsMixin, RefuseDeleteWithFindingsMixin

# The workflow services and the status actions write these; no change form does.
CERTIFICATE_STATUS_FIELDS = ["status", "status_changed_on", "status_reason"]


def audit_picker_agency(request) -> int | None:
    """The agency an audit's certificate picker asks for (``?agency=``), or None for any other search.

    Sent by certifications/audit_certificate.js, or put in the picker's address by
    ``AuditAdmin`` when the audit's agency is known: only that agency's certificates are offered.
    """
    params = request.GET
    if (params.get("app_label"), params.get("model_name"), params.get("field_name")) != (
        "certifications",
        "audit",
        "certificate",
    ):
        return None
    return primary_key_param(params.get("agency"))


def primary_key_param(value) -> int | None:
    """A primary key (an audit's, an agency's) from a request parameter, or None for anything that cannot be one."""
    if not value or not value.isascii() or not value.isdecimal():
        return None
    number = int(value)
    return number if 0 < number < 2**63 else None


class ExpiryYearFilter(YearListFilter):
    title = _("tahun kedaluwarsa")
    parameter_name = "tahun_kedaluwarsa"
    field_name = "expires_on"


# The third answer of the "today" filters: a certificate's validity nobody knows.
UNKNOWN_VALIDITY = "tidak_diketahui"


class ValidTodayFilter(YesNoListFilter):
    """Certificates in force today (``Certificate.objects.valid``), known not to be, or of unknown validity."""

    title = _("berlaku hari ini")
    parameter_name = "berlaku_hari_ini"
    yes_label = _("berlaku hari ini")
    no_label = _("tidak berlaku hari ini")

    def lookups(self, request, model_admin):
        return [*super().lookups(request, model_admin), (UNKNOWN_VALIDITY, CertificateState.VALIDITY_UNKNOWN.label)]

    def queryset(self, request, queryset):
        if self.value() == UNKNOWN_VALIDITY:
            on = timezone.localdate()
            return queryset.filter(pk__in=Certificate.objects.validity_unknown(on=on).values("pk"))
        return super().queryset(request, queryset)

    def yes(self, queryset, *, on):
        return queryset.filter(pk__in=Certificate.objects.valid(on=on).values("pk"))

    def no(self, queryset, *, on):
        return queryset.exclude(pk__in=Certificate.objects.valid(on=on).values("pk")).exclude(
            pk__in=Certificate.objects.validity_unknown(on=on).values("pk")
        )


@admin.register(Standard)
class StandardAdmin(SelectedIdsMixin, admin.ModelAdmin):
    list_display = ["code", "title", "published_on", "certificates_valid_until"]
    search_fields = ["code", "title"]
    fieldsets = [
        (None, {"fields": ["code", "title"]}),
        (_("Tanggal"), {"fields": ["published_on", "certificates_valid_until"]}),
        (_("Sumber"), {"fields": ["source"]}),
    ]


@admin.register(CertificationBody)
class CertificationBodyAdmin(SelectedIdsMixin, admin.ModelAdmin):
    list_display = ["name", "accreditation_reference", "website"]
    search_fields = ["name", "accreditation_reference"]
    fields = ["name", "accreditation_reference", "website", "notes"]
    # A typed address without a scheme is an https one (Django 6 makes this the default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Certificate)
class CertificateAdmin(
    SelectedIdsMixin,
    CertificateStatusActionsMixin,
    CertificateCycleMixin,
    RefuseDeleteWithFindingsMixin,
    RowRuleHistoryAdmin,
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
        ExpiryKnownFilter,
        "standard",
        "body",
        "agency__kind",
    ]
    search_fields = ["agency__name", "agency__short_name", "number", "body__name"]
    list_select_related = ["agency", "standard", "body"]
    autocomplete_fields = ["agency", "standard", "body"]
    form = CertificateForm
    readonly_fields = [*CERTIFICATE_STATUS_FIELDS, "status_changes"]
    # The only empty cell in the list is an unknown certification body.
    empty_value_display = _("tidak diketahui")
    fieldsets = [
        (None, {"fields": ["agency", "standard", "body", "number", "scope"]}),
        (
            _("Tanggal"),
            {
                "fields": DATE_FIELDS,
                "description": DATE_PRECISION_DESCRIPTION,
            },
        ),
        (
            _("Perubahan status"),
            {
                "fields": [*CERTIFICATE_STATUS_FIELDS, "status_changes"],
                "description": _(
                    "Status berubah hanya melalui tindakan Bekukan, Pulihkan dan Cabut di daftar sertifikat, "
                    "yang mencatat tanggal, alasan dan pengubahnya."
                ),
            },
        ),
        (_("Sumber dan catatan"), {"fields": ["source", "interpretation", KEEP_FIELD, "notes"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        agency_id = audit_picker_agency(request)
        if agency_id is not None:
            queryset = queryset.filter(agency_id=agency_id)
        return queryset, may_have_duplicates

    def get_queryset(self, request):
        # __str__ uses agency and standard: the autocomplete answers need them too.
        today = timezone.localdate()
        valid_today = Certificate.objects.valid(on=today).filter(pk=OuterRef("pk"))
        unknown_today = Certificate.objects.validity_unknown(on=today).filter(pk=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .select_related("agency", "standard", "body")
            .annotate(valid_today=Exists(valid_today), validity_unknown_today=Exists(unknown_today))
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
        # Neither yes nor no (the admin's "unknown" icon) while nobody knows the expiry.
        return None if obj.validity_unknown_today else obj.valid_today
