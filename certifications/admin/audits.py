"""Audits and their findings: the audit admin with its findings inline, and the finding admin.

Both obey the row rules (``rows``): staff read every audit, an auditor the audits they lead, a
representative their agencies'. A finding's form depends on who opens it (``FindingAdmin``).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BLANK_CHOICE_DASH, Count, Q
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bandung_iso.admin_base import ModelErrorsForm, RowRuleHistoryAdmin, SelectedIdsMixin, add_model_errors
from bandung_iso.display import PEOPLE_ORDER, person_name
from bandung_iso.roles import Role, has_role

from .. import rules, services
from ..models import ALL_CLAUSE_VALUES, NONCONFORMITY_GRADES, Audit, Finding, Standard, clause_choices
from .certificates import primary_key_param
from .finding_steps import ANSWER, EDIT, PROPOSED, READ, FindingStepsMixin
from .rows import RowRuleObjectMixin, audits_changeable_by, sees_audit
from .tasks import AuditTaskFilter, FindingTaskFilter
from .workflow import FindingVerificationActionsMixin, RefuseDeleteWithFindingsMixin

FINDING_AUDIT_FIELDS = ["audit", "clause", "grade", "description", "evidence", "raised_on", "due_on"]
FINDING_ANSWER_FIELDS = ["correction", "root_cause", "corrective_action"]
# Written only by the workflow services (and the verification actions that call them).
FINDING_WORKFLOW_FIELDS = ["status", "action_proposed_on", "verification", "verified_by", "closed_on"]
# The verifier read-only by name (a read-only user field shows the username).
FINDING_WORKFLOW_READONLY = [*FINDING_WORKFLOW_FIELDS, "verified_by_name"]


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

    def clean(self):
        cleaned_data = super().clean()
        grade = cleaned_data.get("grade")
        if grade and (self.instance.pk is None or self.instance.status in (Finding.Status.OPEN, Finding.Status.NOTED)):
            self.instance.status = Finding.Status.OPEN if grade in NONCONFORMITY_GRADES else Finding.Status.NOTED
        return cleaned_data


class FindingAnswerForm(FindingForm):
    """A representative's answer to an open finding, validated by the workflow service itself.

    ``clean()`` asks ``services.check_action_proposal`` on the locked row: a refusal is shown on
    the form, above it when it is about a field the form lacks, with what was typed kept. Once the
    form is valid, ``FindingAdmin.save_model`` proposes the action with ``proposal`` in the same
    transaction, on the row as checked.
    """

    answered_by = None  # the user answering: FindingAdmin.get_form sets it on each request's class
    proposal: dict | None = None

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data  # the fields' own messages first, as for any form
        today = timezone.localdate()
        proposal = {name: cleaned_data.get(name, "") for name in FINDING_ANSWER_FIELDS}
        proposal.update(on=today, today=today)
        try:
            services.check_action_proposal(finding=self.instance, by=self.answered_by, **proposal)
        except ValidationError as error:
            add_model_errors(self, error)
        except PermissionDenied as error:
            self.add_error(None, str(error) or gettext("Anda tidak berwenang menjawab temuan ini."))
        else:
            self.proposal = proposal
        return cleaned_data


class FindingInline(admin.StackedInline):
    """An audit's findings, under the audit's row rule: an inline does not inherit the parent admin's.

    Stacked, one finding under another, so that a long description or a field's error stays on the
    page at 1280 px (a table put the due dates and their errors off-screen).
    Only those who may change the audit (its lead auditor, a superuser) add or change its findings;
    staff and the agency's representatives read them. Status and closing date are read-only: the
    workflow services change them.
    """

    model = Finding
    form = FindingForm
    extra = 0
    show_change_link = True
    fields = ["clause", "grade", "description", "raised_on", "due_on", "status", "closed_on"]
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


def limit_certificate_picker(form, agency_id: int | None) -> None:
    """Point the certificate picker at ``agency_id``'s certificates (``CertificateAdmin.get_search_results``).

    The script audit_certificate.js sends the agency chosen on the page with each search; this covers the
    page as it opens, before anyone touches the agency. ``Audit.clean()`` refuses another
    agency's certificate whatever the picker offered.
    """
    field = form.base_fields.get("certificate")
    picker = getattr(getattr(field, "widget", None), "widget", None)
    if agency_id is None or not isinstance(picker, AutocompleteSelect):
        return
    base_url = picker.get_url()
    picker.get_url = lambda: f"{base_url}?{urlencode({'agency': agency_id})}"


@admin.register(Audit)
class AuditAdmin(SelectedIdsMixin, RowRuleObjectMixin, RefuseDeleteWithFindingsMixin, RowRuleHistoryAdmin):
    """Staff read every audit, an auditor the audits they lead, a representative their agencies'.

    An auditor who adds an audit becomes its lead auditor; only a superuser chooses another one.
    Only a superuser deletes an audit (and never one with findings).
    """

    list_display = ["starts_on", "ends_on", "agency", "kind", "body", "lead_auditor_name", "status", "findings_count"]
    # Only the bodies of the audits the user sees: a representative may not read the others.
    list_filter = [AuditTaskFilter, "kind", "status", ("body", admin.RelatedOnlyFieldListFilter), "agency__kind"]
    search_fields = ["agency__name", "agency__short_name", "body__name", "certificate__number", "team"]
    date_hierarchy = "starts_on"
    # The findings count groups the query, which drops the model's default ordering: the
    # autocomplete's pages need one.
    ordering = Audit._meta.ordering
    list_select_related = ["agency", "body", "lead_auditor"]
    # Not lead_auditor: its choices are the Auditor group, and only a superuser may read users.
    autocomplete_fields = ["agency", "certificate", "body"]
    inlines = [FindingInline]
    fieldsets = [
        (None, {"fields": ["agency", "kind", "certificate", "standard", "body", "status"]}),
        (_("Waktu"), {"fields": [("starts_on", "ends_on"), "outside_validity_reason"]}),
        (_("Tim auditor"), {"fields": ["lead_auditor", "team"]}),
        (_("Hasil"), {"fields": ["summary"]}),
    ]

    def get_queryset(self, request):
        # The changelist skips list_select_related when the queryset already selects some: name them all.
        audits = super().get_queryset(request).select_related("agency", "body", "lead_auditor")
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
        if request.user.is_superuser:
            return fieldsets
        # Read-only for everyone else: shown by name, as a plain read-only user field shows the username.
        fieldsets = [
            (name, {**options, "fields": [_lead_by_name(field) for field in options["fields"]]})
            for name, options in fieldsets
        ]
        if obj is None:
            lead = _("Anda dicatat sebagai ketua auditor audit ini.")
            fieldsets = [
                (name, {**options, "description": lead} if "lead_auditor_name" in options["fields"] else options)
                for name, options in fieldsets
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["lead_auditor", "lead_auditor_name"]
        return readonly

    class Media:
        # After jquery.init.js, which defines the django.jQuery the script extends.
        js = ["admin/js/jquery.init.js", "certifications/audit_certificate.js"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        limit_certificate_picker(
            form,
            primary_key_param(request.POST.get("agency") or request.GET.get("agency"))
            or (obj.agency_id if obj is not None else None),
        )
        lead = form.base_fields.get("lead_auditor")
        if lead is not None:
            # The Auditor group, and the audit's present lead even if no longer in it (else a save would drop them).
            chosen = Q(groups__name=Role.AUDITOR)
            if obj is not None and obj.lead_auditor_id:
                chosen |= Q(pk=obj.lead_auditor_id)
            lead.queryset = get_user_model()._default_manager.filter(chosen).distinct().order_by(*PEOPLE_ORDER)
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "standard":
            kwargs["queryset"] = Standard.objects.order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.lead_auditor = request.user
        super().save_model(request, obj, form, change)

    def readonly_reason(self, request, obj) -> str:
        if has_role(request.user, Role.REPRESENTATIVE):
            return gettext(
                "hanya ketua auditor yang mengubah audit ini. Jawab setiap temuan terbuka di halaman temuannya "
                "(tautan “Ubah” atau “Lihat” pada temuan di bawah)."
            )
        return gettext("hanya ketua auditor audit ini yang mengubah audit dan temuannya.")

    @admin.display(description=_("jumlah temuan"), ordering="findings_count")
    def findings_count(self, obj):
        return obj.findings_count

    @admin.display(description=_("ketua auditor"), ordering="lead_auditor__first_name")
    def lead_auditor_name(self, obj):
        return person_name(obj.lead_auditor) or "-"


def _lead_by_name(field):
    return "lead_auditor_name" if field == "lead_auditor" else field


@admin.register(Finding)
class FindingAdmin(
    SelectedIdsMixin, RowRuleObjectMixin, FindingStepsMixin, FindingVerificationActionsMixin, RowRuleHistoryAdmin
):
    """A finding's form depends on who opens it.

    The audit's lead auditor (or a superuser) edits what was found; the agency's representative
    answers an open finding (correction, root cause, corrective action) with ``FindingAnswerForm``:
    the workflow service checks the answer as the form is validated, and saving it proposes the
    corrective action through ``services.propose_action``; everyone else reads. The workflow
    fields are read-only for everyone.
    """

    form = FindingForm
    list_display = ["agency", "audit_display", "clause_display", "grade", "summary", "status", "due_on", "closed_on"]
    # No clause filter: fifty sub-clauses swamp the sidebar, and the search finds "4.2.3".
    list_filter = [FindingTaskFilter, "status", "grade", "audit__kind"]
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
        answer = {"fields": ["raised_on", "due_on", *FINDING_ANSWER_FIELDS, "action_proposed_on", "status"]}
        if mode == ANSWER:
            answer["description"] = _(
                "Isi koreksi, akar masalah dan tindakan korektif, lalu simpan. Menyimpan berarti mengusulkan "
                "tindakan korektif kepada ketua auditor; temuan tidak dapat diubah lagi sampai diverifikasi "
                "atau dikembalikan."
            )
        return [
            (None, {"fields": ["audit", clause, "grade", "description", "evidence"]}),
            (_("Tindak lanjut"), answer),
            (_("Verifikasi"), {"fields": ["verification", "verified_by_name", "closed_on"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        mode = self.finding_mode(request, obj)
        if mode == EDIT:
            return [*FINDING_WORKFLOW_READONLY, *FINDING_ANSWER_FIELDS]
        readonly = [*FINDING_WORKFLOW_READONLY, *FINDING_AUDIT_FIELDS, "clause_display"]
        return readonly if mode == ANSWER else [*readonly, *FINDING_ANSWER_FIELDS]

    def get_form(self, request, obj=None, change=False, **kwargs):
        answering = self.finding_mode(request, obj) == ANSWER
        if answering:
            kwargs["form"] = FindingAnswerForm
        form = super().get_form(request, obj, change, **kwargs)
        use_clause_field(form, self._clause_set(request, obj))
        if answering:
            form.answered_by = request.user  # a class of its own, made for this request
        return form

    def _clause_set(self, request, obj) -> str:
        """The standard of the audit the form is about: the one posted or asked for, else the finding's."""
        audit_id = primary_key_param(request.POST.get("audit") or request.GET.get("audit"))
        if audit_id is not None:
            audit = audits_changeable_by(request.user).filter(pk=audit_id).select_related("standard").first()
            if audit is not None:
                return audit.clause_set
        return obj.audit.clause_set if obj is not None else ""

    def get_changeform_initial_data(self, request):
        # "?audit=" fills the add form (a link from the audit); anything but an audit id is dropped,
        # as the audit widget would otherwise look it up and fail.
        initial = super().get_changeform_initial_data(request)
        if "audit" in initial and primary_key_param(request.GET.get("audit")) is None:
            del initial["audit"]
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "audit":
            kwargs["queryset"] = audits_changeable_by(request.user).select_related("agency")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not isinstance(form, FindingAnswerForm):
            super().save_model(request, obj, form, change)
            return
        # The form checked the answer on the row it locked; the service saves it, in this transaction.
        services.propose_action(finding=obj, by=request.user, **form.proposal)
        obj.refresh_from_db()
        request.__dict__[PROPOSED] = obj.pk  # response_change says so and leads back to the finding

    @admin.display(description=_("SKPD"), ordering="audit__agency__name")
    def agency(self, obj):
        return obj.audit.agency

    @admin.display(description=_("audit"), ordering="audit__starts_on")
    def audit_display(self, obj):
        return f"{obj.audit.get_kind_display()} ({obj.audit.starts_on:%Y-%m-%d})"

    @admin.display(description=_("klausul"), ordering="clause")
    def clause_display(self, obj):
        return obj.clause_display

    @admin.display(description=_("diverifikasi oleh"))
    def verified_by_name(self, obj):
        return person_name(obj.verified_by) or "-"

    @admin.display(description=_("uraian"))
    def summary(self, obj):
        return Truncator(obj.description).chars(80)
