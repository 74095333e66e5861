import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import BLANK_CHOICE_DASH, Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role, is_programme_staff
from bandung_iso.admin_base import (
    ModelErrorsForm,
    RowRuleHistoryAdmin,
    SafeInitialDataMixin,
    SelectedIdsMixin,
    YesNoListFilter,
)

from . import rules, services
from .admin_cycle import CertificateCycleMixin
from .admin_workflow import (
    CertificateStatusActionsMixin,
    FindingVerificationActionsMixin,
    RefuseDeleteWithFindingsMixin,
    _report_dropped,
)
from .models import (
    ALL_CLAUSE_VALUES,
    NONCONFORMITY_GRADES,
    Audit,
    Ceremony,
    Certificate,
    CertificationBody,
    Finding,
    Programme,
    Standard,
    clause_choices,
)

DATE_PRECISION_DESCRIPTION = _(
    "Tanggal yang hanya diketahui bulan atau tahunnya diisi dengan hari terakhir periode itu "
    "(31 Desember untuk tahun), lalu pilih ketelitiannya. Daftar hanya menampilkan yang diketahui, "
    "misalnya 'sekitar 2012'."
)


# The workflow services and the status actions write these; no change form does.
CERTIFICATE_STATUS_FIELDS = ["status", "status_changed_on", "status_reason"]


# --- Row rules: which audits and findings each user sees and changes (certifications.rules) -------


def sees_audit(request, audit) -> bool:
    """The audit is among ``rules.audits_visible_to(user)``; asked once per request and audit."""
    if is_programme_staff(request.user):
        return True
    seen = request.__dict__.setdefault("_audits_seen", {})
    if audit.pk not in seen:
        seen[audit.pk] = rules.audits_visible_to(request.user).filter(pk=audit.pk).exists()
    return seen[audit.pk]


def audits_changeable_by(user):
    """The audits ``rules.can_change_audit`` allows: every one for a superuser, else those the auditor leads."""
    audits = rules.audits_visible_to(user)
    if user.is_superuser:
        return audits
    if has_role(user, Role.AUDITOR):
        return audits.filter(lead_auditor=user)
    return audits.none()


class RowRuleObjectMixin:
    """A row outside the user's rule answers 404, as a row that does not exist does: the list hides it,
    and its change, delete and history pages say nothing about whether it exists."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not is_programme_staff(request.user) and self.has_view_or_change_permission(request):
            raise Http404(gettext("Data ini tidak ada atau tidak dapat Anda buka."))
        return obj

    def get_actions(self, request):
        # Django's bulk delete acts on the selected rows inside get_queryset and drops the others
        # without a word: count them, as the workflow actions do (an account given the delete
        # permission by hand may select rows outside its rule).
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            delete, name, description = actions["delete_selected"]

            def delete_within_rules(modeladmin, request, queryset):
                rows = list(queryset.values_list("pk", flat=True))  # before the deletion empties it
                response = delete(modeladmin, request, queryset)
                _report_dropped(modeladmin, request, rows)
                return response

            delete_within_rules.allowed_permissions = getattr(delete, "allowed_permissions", ("delete",))
            actions["delete_selected"] = (delete_within_rules, name, description)
        return actions


class ClauseField(forms.ChoiceField):
    """The clauses of the audit's standard (both standards, grouped, while it is unknown).

    Any known clause number passes here: ``Finding.clean()`` checks it against the audit's
    standard and says which standard it is not in, which a bare "not a valid choice" does not.
    """

    def __init__(self, *, clause_set: str, **kwargs):
        super().__init__(choices=[*BLANK_CHOICE_DASH, *clause_choices(clause_set)], **kwargs)

    def valid_value(self, value):
        return value in ALL_CLAUSE_VALUES


def use_clause_field(form_class, clause_set: str) -> None:
    """Replace the free-text clause of a generated finding form (a class of its own) with ``ClauseField``."""
    current = form_class.base_fields.get("clause")
    if current is not None:
        form_class.base_fields["clause"] = ClauseField(
            clause_set=clause_set, label=current.label, help_text=current.help_text, required=current.required
        )


class FindingForm(ModelErrorsForm):
    """A finding's status is never typed: a new one, or one still open or noted, follows its grade.

    Nonconformities are open, observations and opportunities only noted. Later steps (action
    proposed, closed) are taken by the workflow services alone.
    """

    # Set by FindingAdmin on a second pass when the workflow service refused the answer.
    refusal = None

    def clean(self):
        cleaned_data = super().clean()
        grade = cleaned_data.get("grade")
        if grade and (self.instance.pk is None or self.instance.status in (Finding.Status.OPEN, Finding.Status.NOTED)):
            self.instance.status = Finding.Status.OPEN if grade in NONCONFORMITY_GRADES else Finding.Status.NOTED
        if isinstance(self.refusal, ValidationError):
            self.add_error(None, self.refusal)
        elif self.refusal is not None:
            self.add_error(None, str(self.refusal) or gettext("Anda tidak berwenang menjawab temuan ini."))
        return cleaned_data


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


class ValidTodayFilter(YesNoListFilter):
    """Certificates in force today (``Certificate.objects.valid``), or not."""

    title = _("berlaku hari ini")
    parameter_name = "berlaku_hari_ini"
    yes_label = _("berlaku hari ini")
    no_label = _("tidak berlaku hari ini")

    def yes(self, queryset, *, on):
        return queryset.filter(pk__in=Certificate.objects.valid(on=on).values("pk"))

    def no(self, queryset, *, on):
        return queryset.exclude(pk__in=Certificate.objects.valid(on=on).values("pk"))


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
        "standard",
        "body",
        "agency__kind",
    ]
    search_fields = ["agency__name", "agency__short_name", "number", "body__name"]
    list_select_related = ["agency", "standard", "body"]
    autocomplete_fields = ["agency", "standard", "body"]
    form = ModelErrorsForm
    readonly_fields = [*CERTIFICATE_STATUS_FIELDS, "status_changes"]
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
                "fields": [*CERTIFICATE_STATUS_FIELDS, "status_changes"],
                "description": _(
                    "Status berubah hanya melalui tindakan Bekukan, Pulihkan dan Cabut di daftar sertifikat, "
                    "yang mencatat tanggal, alasan dan pengubahnya."
                ),
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
    """An audit's findings, under the audit's row rule: an inline does not inherit the parent admin's.

    Only those who may change the audit (its lead auditor, a superuser) add or change its findings;
    staff and the agency's representatives read them. Status and closing date are read-only: the
    workflow services change them.
    """

    model = Finding
    form = FindingForm
    extra = 0
    show_change_link = True
    fields = ["clause", "grade", "description", "due_on", "status", "closed_on"]
    readonly_fields = ["status", "closed_on"]

    def get_queryset(self, request):
        # The change link shows each finding's __str__, which names the audit's agency.
        return super().get_queryset(request).select_related("audit__agency", "audit__standard")

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or sees_audit(request, obj))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or rules.can_change_audit(request.user, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or rules.can_change_audit(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or rules.can_change_audit(request.user, obj)
        )

    def get_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return ["clause_display" if name == "clause" else name for name in self.fields]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "clause_display"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        use_clause_field(formset.form, obj.clause_set if obj is not None else "")
        return formset

    @admin.display(description=_("klausul"))
    def clause_display(self, obj):
        return obj.clause_display


@admin.register(Audit)
class AuditAdmin(SelectedIdsMixin, RowRuleObjectMixin, RefuseDeleteWithFindingsMixin, RowRuleHistoryAdmin):
    """Staff read every audit, an auditor the audits they lead, a representative their agencies'.

    An auditor who adds an audit becomes its lead auditor; only a superuser chooses another one.
    Only a superuser deletes an audit (and never one with findings).
    """

    list_display = ["starts_on", "ends_on", "agency", "kind", "body", "status", "findings_count"]
    # Only the bodies of the audits the user sees: a representative may not read the others.
    list_filter = ["kind", "status", ("body", admin.RelatedOnlyFieldListFilter), "agency__kind"]
    search_fields = ["agency__name", "agency__short_name", "body__name", "certificate__number", "team"]
    date_hierarchy = "starts_on"
    # The findings count groups the query, which drops the model's default ordering: the
    # autocomplete's pages need one.
    ordering = Audit._meta.ordering
    list_select_related = ["agency", "body"]
    # Not lead_auditor: its choices are the Auditor group, and only a superuser may read users.
    autocomplete_fields = ["agency", "certificate", "body"]
    inlines = [FindingInline]
    fieldsets = [
        (None, {"fields": ["agency", "kind", "certificate", "standard", "body", "status"]}),
        (_("Waktu"), {"fields": [("starts_on", "ends_on")]}),
        (_("Tim auditor"), {"fields": ["lead_auditor", "team"]}),
        (_("Hasil"), {"fields": ["summary"]}),
    ]

    def get_queryset(self, request):
        # The changelist skips list_select_related when the queryset already selects some: name them all.
        audits = super().get_queryset(request).select_related("agency", "body")
        audits = audits.annotate(findings_count=Count("findings"))
        return rules.audits_visible_to(request.user, audits)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or sees_audit(request, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or rules.can_change_audit(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and not request.user.is_superuser:
            lead = _("Anda dicatat sebagai ketua auditor audit ini.")
            fieldsets = [
                (name, {**options, "description": lead} if "lead_auditor" in options["fields"] else options)
                for name, options in fieldsets
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("lead_auditor")
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        lead = form.base_fields.get("lead_auditor")
        if lead is not None:
            # The Auditor group, and the audit's present lead even if no longer in it (else a save would drop them).
            chosen = Q(groups__name=Role.AUDITOR)
            if obj is not None and obj.lead_auditor_id:
                chosen |= Q(pk=obj.lead_auditor_id)
            lead.queryset = get_user_model()._default_manager.filter(chosen).distinct().order_by("username")
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "standard":
            kwargs["queryset"] = Standard.objects.order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.lead_auditor = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("jumlah temuan"), ordering="findings_count")
    def findings_count(self, obj):
        return obj.findings_count


def _audit_id(value) -> int | None:
    """An audit's primary key from a request parameter, or None for anything that cannot be one."""
    if not value or not value.isascii() or not value.isdecimal():
        return None
    number = int(value)
    return number if 0 < number < 2**63 else None


class _AnswerRefused(Exception):
    """The workflow service refused a representative's answer; the form is shown again with why."""

    def __init__(self, error):
        super().__init__(error)
        self.error = error


# Which form a user gets for a finding (FindingAdmin.finding_mode).
EDIT, ANSWER, READ = "edit", "answer", "read"
FINDING_AUDIT_FIELDS = ["audit", "clause", "grade", "description", "evidence", "due_on"]
FINDING_ANSWER_FIELDS = ["correction", "root_cause", "corrective_action"]
# Written only by the workflow services (and the verification actions that call them).
FINDING_WORKFLOW_FIELDS = ["status", "action_proposed_on", "verification", "verified_by", "closed_on"]


@admin.register(Finding)
class FindingAdmin(SelectedIdsMixin, RowRuleObjectMixin, FindingVerificationActionsMixin, RowRuleHistoryAdmin):
    """A finding's form depends on who opens it.

    The audit's lead auditor (or a superuser) edits what was found; the agency's representative
    answers an open finding (correction, root cause, corrective action), and saving the answer
    proposes the corrective action through ``services.propose_action``; everyone else reads.
    The workflow fields are read-only for everyone.
    """

    form = FindingForm
    list_display = ["agency", "audit_display", "clause_display", "grade", "summary", "status", "due_on", "closed_on"]
    # No clause filter: fifty sub-clauses swamp the sidebar, and the search finds "4.2.3".
    list_filter = ["status", "grade", "audit__kind"]
    search_fields = ["description", "audit__agency__name", "audit__agency__short_name", "clause"]
    date_hierarchy = "due_on"
    list_select_related = ["audit__agency", "audit__standard"]
    autocomplete_fields = ["audit"]

    def get_queryset(self, request):
        # __str__ uses the audit's agency, the clause its standard: the autocomplete answers need them too.
        findings = super().get_queryset(request).select_related("audit__agency", "audit__standard")
        return rules.findings_visible_to(request.user, findings)

    def finding_mode(self, request, obj) -> str:
        """EDIT (lead auditor, superuser, or anyone adding), ANSWER (representative, open finding) or READ."""
        if obj is None or obj.pk is None:
            return EDIT
        modes = request.__dict__.setdefault("_finding_modes", {})
        key = (obj.pk, obj.status)
        if key not in modes:
            if rules.can_change_finding(request.user, obj):
                modes[key] = EDIT
            elif rules.can_propose_action(request.user, obj):
                modes[key] = ANSWER
            else:
                modes[key] = READ
        return modes[key]

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or sees_audit(request, obj.audit))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self.finding_mode(request, obj) != READ)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or rules.can_change_finding(request.user, obj)
        )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": FINDING_AUDIT_FIELDS,
                        "description": _(
                            "Ketidaksesuaian tercatat terbuka; observasi dan peluang perbaikan tercatat tanpa tindakan."
                        ),
                    },
                )
            ]
        mode = self.finding_mode(request, obj)
        clause = "clause" if mode == EDIT else "clause_display"
        answer = {"fields": ["due_on", *FINDING_ANSWER_FIELDS, "action_proposed_on", "status"]}
        if mode == ANSWER:
            answer["description"] = _(
                "Isi koreksi, akar masalah dan tindakan korektif, lalu simpan. Menyimpan berarti mengusulkan "
                "tindakan korektif kepada ketua auditor; temuan tidak dapat diubah lagi sampai diverifikasi "
                "atau dikembalikan."
            )
        return [
            (None, {"fields": ["audit", clause, "grade", "description", "evidence"]}),
            (_("Tindak lanjut"), answer),
            (_("Verifikasi"), {"fields": ["verification", "verified_by", "closed_on"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        mode = self.finding_mode(request, obj)
        if mode == EDIT:
            return [*FINDING_WORKFLOW_FIELDS, *FINDING_ANSWER_FIELDS]
        readonly = [*FINDING_WORKFLOW_FIELDS, *FINDING_AUDIT_FIELDS, "clause_display"]
        return readonly if mode == ANSWER else [*readonly, *FINDING_ANSWER_FIELDS]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        use_clause_field(form, self._clause_set(request, obj))
        refusal = request.__dict__.get("_finding_answer_refused")
        if refusal is not None:
            form = type(form.__name__, (form,), {"refusal": refusal})
        return form

    def _clause_set(self, request, obj) -> str:
        """The standard of the audit the form is about: the one posted or asked for, else the finding's."""
        audit_id = _audit_id(request.POST.get("audit") or request.GET.get("audit"))
        if audit_id is not None:
            audit = audits_changeable_by(request.user).filter(pk=audit_id).select_related("standard").first()
            if audit is not None:
                return audit.clause_set
        return obj.audit.clause_set if obj is not None else ""

    def get_changeform_initial_data(self, request):
        # "?audit=" fills the add form (a link from the audit); anything but an audit id is dropped,
        # as the audit widget would otherwise look it up and fail.
        initial = super().get_changeform_initial_data(request)
        if "audit" in initial and _audit_id(request.GET.get("audit")) is None:
            del initial["audit"]
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "audit":
            kwargs["queryset"] = audits_changeable_by(request.user).select_related("agency")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        request._finding_change_form = True
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _AnswerRefused as refused:
            # The first pass rolled back. The second shows the same form, with what was typed and why.
            request._finding_answer_refused = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not (change and self.finding_mode(request, obj) == ANSWER):
            super().save_model(request, obj, form, change)
            return
        try:
            services.propose_action(
                finding=obj,
                by=request.user,
                on=timezone.localdate(),
                today=timezone.localdate(),
                **{name: form.cleaned_data.get(name, "") for name in FINDING_ANSWER_FIELDS},
            )
        except (ValidationError, PermissionDenied) as error:
            if request.__dict__.get("_finding_change_form"):
                raise _AnswerRefused(error) from error
            raise
        obj.refresh_from_db()

    @admin.display(description=_("SKPD"), ordering="audit__agency__name")
    def agency(self, obj):
        return obj.audit.agency

    @admin.display(description=_("audit"), ordering="audit__starts_on")
    def audit_display(self, obj):
        return f"{obj.audit.get_kind_display()} ({obj.audit.starts_on:%Y-%m-%d})"

    @admin.display(description=_("klausul"), ordering="clause")
    def clause_display(self, obj):
        return obj.clause_display

    @admin.display(description=_("uraian"))
    def summary(self, obj):
        return Truncator(obj.description).chars(80)


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


@admin.register(Programme)
class ProgrammeAdmin(SelectedIdsMixin, admin.ModelAdmin):
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
