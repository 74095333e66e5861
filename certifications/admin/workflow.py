"""Admin actions that go through the workflow services, and deletions refused for records with findings.

An admin action runs on the selected ids with only the model permission checked. Here each
action also needs its workflow permission (``allowed_permissions``), runs only on the rows of
the user's row rule (rows selected outside it are dropped and counted), and hands each row to
the service, which checks the rule and the state again: a refused row is named with the
service's message and left as it was, the others are applied, each in its own transaction.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bandung_iso.display import person_name
from bandung_iso.widgets import DayInput

from .. import rules, services
from ..dates import EARLIEST_DAY
from ..models import Audit, Certificate, CertificateStatus, Finding

ACTION_TEMPLATE = "admin/certifications/workflow_action.html"
# Marks the second POST (the filled-in form) of an action; the first comes from the changelist.
CONFIRM = "workflow_confirm"
FORM_PREFIX = "workflow"


# --- Forms of the intermediate pages ---------------------------------------------------------


# As every other staff form reads a day (the Indonesian locale's first input format), with ISO
# accepted too: 03-12-2026 and 2026-12-03 are the same day here as in a change form.
ACTION_DAY_FORMATS = ["%d-%m-%Y", "%Y-%m-%d"]


class ActionDayField(forms.DateField):
    """A day written DD-MM-YYYY (or YYYY-MM-DD), from 1 January 1990 to today: a workflow step is never later."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ACTION_DAY_FORMATS)
        kwargs.setdefault(
            "widget", DayInput(format=ACTION_DAY_FORMATS[0], attrs={"inputmode": "numeric", "autocomplete": "off"})
        )
        super().__init__(**kwargs)
        self.error_messages["invalid"] = _(
            "Tanggal harus berbentuk HH-BB-TTTT (atau TTTT-BB-HH) dan ada di kalender, misalnya 31-12-2013."
        )
        self.error_messages["required"] = _("Isi tanggalnya.")

    def validate(self, value):
        super().validate(value)
        today = timezone.localdate()
        if value is not None and not EARLIEST_DAY <= value <= today:
            raise forms.ValidationError(
                _("Tanggal harus antara %(first)s dan hari ini (%(today)s)."),
                params={"first": EARLIEST_DAY.isoformat(), "today": today.isoformat()},
            )


def _text_field(label, help_text, required_message):
    return forms.CharField(
        label=label,
        help_text=help_text,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        error_messages={
            "required": required_message,
            "null_characters_not_allowed": _("Teks tidak boleh mengandung karakter NUL."),
        },
    )


class CertificateStatusForm(forms.Form):
    on = ActionDayField(
        label=_("Tanggal berlaku"),
        help_text=_("Hari perubahan status berlaku, menurut keputusan lembaga sertifikasi. Format HH-BB-TTTT."),
    )
    reason = _text_field(
        _("Alasan"),
        _("Alasan menurut keputusan lembaga sertifikasi; disimpan di sertifikat dan di riwayatnya."),
        _("Tulis alasan perubahan status."),
    )


class CloseFindingForm(forms.Form):
    verification = _text_field(
        _("Hasil verifikasi"),
        _("Bagaimana efektivitas tindakan korektif diperiksa dan apa hasilnya."),
        _("Tulis hasil verifikasinya."),
    )
    on = ActionDayField(label=_("Tanggal verifikasi"), help_text=_("Hari temuan ditutup. Format HH-BB-TTTT."))


class ReturnFindingForm(forms.Form):
    reason = _text_field(
        _("Alasan"),
        _("Mengapa tindakan korektif yang diusulkan belum diterima; SKPD membacanya di riwayat temuan."),
        _("Tulis mengapa tindakan korektif belum diterima."),
    )


# --- Running an action row by row ---------------------------------------------------------------


def _refusal_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error) or gettext("Anda tidak berwenang.")


def _merge_actions(modeladmin, request, actions: dict, names) -> dict:
    """Add the mixin's actions to ``get_actions`` with the same permission filter Django applies."""
    if modeladmin.actions is None or IS_POPUP_VAR in request.GET:
        return actions
    for name in names:
        func = getattr(type(modeladmin), name)
        permissions = getattr(func, "allowed_permissions", ())
        if all(getattr(modeladmin, f"has_{permission}_permission")(request) for permission in permissions):
            actions[name] = (func, name, func.short_description)
    return actions


def report_dropped(modeladmin, request, rows: list) -> None:
    """Selected ids that are not among the rows the user may act on: dropped, and said so (not named)."""
    if request.POST.get("select_across") == "1":
        return
    selected = set(request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))
    dropped = len(selected) - len(rows)
    if dropped > 0:
        modeladmin.message_user(
            request,
            gettext("%(count)d baris yang dipilih di luar data yang boleh Anda ubah; baris itu diabaikan.")
            % {"count": dropped},
            messages.WARNING,
        )


def run_workflow_action(
    modeladmin,
    request,
    rows: list,
    *,
    action: str,
    form_class: type[forms.Form],
    initial: dict,
    title,
    intro,
    submit,
    apply,
    done,
    label=str,
):
    """First POST: the form. Second POST: ``apply(row, cleaned_data)`` per row, each in its own transaction.

    A row the service refuses (PermissionDenied, ValidationError) is named with the message and
    left unchanged; the others are applied. The form keeps what was typed when it is invalid.
    """
    report_dropped(modeladmin, request, rows)
    if not rows:
        modeladmin.message_user(request, gettext("Tidak ada baris yang dapat diproses."), messages.WARNING)
        return None
    confirmed = CONFIRM in request.POST
    form = form_class(request.POST if confirmed else None, prefix=FORM_PREFIX, initial=initial)
    if confirmed and form.is_valid():
        _apply_each(modeladmin, request, rows, form.cleaned_data, apply=apply, done=done, label=label)
        return None

    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "intro": intro,
        "submit_label": submit,
        "objects": [(row, label(row)) for row in rows],
        "form": form,
        "action": action,
        "confirm_name": CONFIRM,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": opts,
        "app_label": opts.app_label,
        "media": modeladmin.media + form.media,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, ACTION_TEMPLATE, context)


def _apply_each(modeladmin, request, rows: list, data: dict, *, apply, done, label) -> None:
    """``apply(row, data)`` per row in its own transaction; each refusal named, the rows applied listed."""
    applied = []
    for row in rows:
        try:
            with transaction.atomic():
                apply(row, data)
        except (PermissionDenied, ValidationError) as error:
            modeladmin.message_user(
                request,
                gettext("%(row)s tidak diubah: %(reason)s") % {"row": label(row), "reason": _refusal_text(error)},
                messages.ERROR,
            )
        else:
            applied.append(label(row))
    if applied:
        modeladmin.message_user(request, done % {"rows": get_text_list(applied, gettext("dan"))}, messages.SUCCESS)


# --- Certificates: suspend, reinstate, withdraw ---------------------------------------------------


class CertificateStatusActionsMixin:
    """Bekukan, Pulihkan, Cabut: for users with ``change_certificate_status`` (staff, never auditors)."""

    history_workflow_fields = ("status", "status_changed_on", "status_reason")
    history_workflow_refusal = _(
        "Versi ini mengubah %(fields)s. Status sertifikat hanya berubah melalui tindakan Bekukan, Pulihkan "
        "atau Cabut di daftar sertifikat, dan sertifikat yang dicabut tidak dapat aktif lagi. "
        "Tidak ada yang disimpan."
    )
    status_actions = ("suspend_certificates", "reinstate_certificates", "withdraw_certificates")

    def get_actions(self, request):
        return _merge_actions(self, request, super().get_actions(request), self.status_actions)

    def has_change_certificate_status_permission(self, request):
        return rules.can_change_certificate_status(request.user)

    def _status_action(self, request, queryset, *, action, service, title, intro, submit, done):
        if not self.has_change_certificate_status_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        return run_workflow_action(
            self,
            request,
            list(queryset.select_related("agency", "standard")),
            action=action,
            form_class=CertificateStatusForm,
            initial={"on": today},
            title=title,
            intro=intro,
            submit=submit,
            apply=lambda certificate, data: service(
                certificate=certificate, by=request.user, on=data["on"], reason=data["reason"], today=today
            ),
            done=done,
        )

    @admin.action(description=_("Bekukan"), permissions=["change_certificate_status"])
    def suspend_certificates(self, request, queryset):
        return self._status_action(
            request,
            queryset,
            action="suspend_certificates",
            service=services.suspend_certificate,
            title=_("Bekukan sertifikat"),
            intro=_(
                "Sertifikat yang dibekukan tidak berlaku sejak tanggal di bawah sampai dipulihkan. "
                "Hanya sertifikat aktif yang dapat dibekukan."
            ),
            submit=_("Bekukan"),
            done=_("Dibekukan: %(rows)s."),
        )

    @admin.action(description=_("Pulihkan"), permissions=["change_certificate_status"])
    def reinstate_certificates(self, request, queryset):
        return self._status_action(
            request,
            queryset,
            action="reinstate_certificates",
            service=services.reinstate_certificate,
            title=_("Pulihkan sertifikat"),
            intro=_(
                "Sertifikat yang dipulihkan berlaku lagi sejak tanggal di bawah. "
                "Hanya sertifikat yang dibekukan yang dapat dipulihkan."
            ),
            submit=_("Pulihkan"),
            done=_("Dipulihkan: %(rows)s."),
        )

    @admin.action(description=_("Cabut"), permissions=["change_certificate_status"])
    def withdraw_certificates(self, request, queryset):
        return self._status_action(
            request,
            queryset,
            action="withdraw_certificates",
            service=services.withdraw_certificate,
            title=_("Cabut sertifikat"),
            intro=_(
                "Pencabutan tidak dapat dibatalkan: sertifikat yang dicabut tidak dapat aktif atau dibekukan lagi, "
                "dan SKPD memerlukan sertifikasi awal yang baru."
            ),
            submit=_("Cabut"),
            done=_("Dicabut: %(rows)s."),
        )

    @admin.display(description=_("riwayat status"))
    def status_changes(self, obj):
        """Each change of status from the edit history, oldest first, in one query."""
        if obj is None or obj.pk is None:
            return _("Belum ada: sertifikat belum disimpan.")
        records = (
            Certificate.history.filter(id=obj.pk).order_by("history_date", "history_id").select_related("history_user")
        )
        changes, previous = [], CertificateStatus.ACTIVE
        for record in records:
            status, changed_on, reason = record.status, record.status_changed_on, record.status_reason
            if status != previous:
                by = person_name(record.history_user) or gettext("tidak tercatat")
                changes.append(
                    (
                        changed_on.isoformat() if changed_on else gettext("tanggal tidak tercatat"),
                        CertificateStatus(status).label,
                        reason or gettext("tanpa alasan tercatat"),
                        by,
                    )
                )
            previous = status
        if not changes:
            return _("Status belum pernah berubah.")
        return format_html(
            "<ol class='status-changes'>{}</ol>",
            format_html_join("", "<li>{} — {}: {} ({})</li>", changes),
        )


# --- Findings: verify and close, or return to the agency -------------------------------------------


def _finding_label(finding: Finding) -> str:
    # Two findings of one agency can share grade and clause: the number tells them apart.
    return f"{finding} (#{finding.pk})"


class FindingVerificationActionsMixin:
    """Verifikasi dan tutup, Kembalikan ke SKPD: for users with ``verify_finding``, on their rows only."""

    history_workflow_fields = ("status", "action_proposed_on", "verification", "verified_by", "closed_on")
    history_workflow_refusal = _(
        "Versi ini mengubah %(fields)s. Alur temuan hanya berubah melalui jawaban SKPD dan tindakan "
        "Verifikasi dan tutup atau Kembalikan ke SKPD di daftar temuan. Tidak ada yang disimpan."
    )
    verification_actions = ("close_findings", "return_findings")

    def get_actions(self, request):
        return _merge_actions(self, request, super().get_actions(request), self.verification_actions)

    def has_revert_permission(self, request, obj):
        # A revert rewrites what the auditor recorded: the lead auditor's (or a superuser's) edit. The
        # agency's representative answers through the answer form, a workflow step, never by a revert.
        return super().has_revert_permission(request, obj) and rules.can_change_finding(request.user, obj)

    def has_verify_finding_permission(self, request):
        return bool(request.user.is_active) and request.user.has_perm("certifications.verify_finding")

    def _rows_in_rule(self, request, queryset) -> list:
        """The selected findings within the user's row rule; the service checks each one again."""
        if not self.has_verify_finding_permission(request):
            raise PermissionDenied
        visible = rules.findings_visible_to(request.user, queryset)
        return list(visible.select_related("audit__agency"))

    @admin.action(description=_("Verifikasi dan tutup"), permissions=["verify_finding"])
    def close_findings(self, request, queryset):
        return run_workflow_action(
            self,
            request,
            self._rows_in_rule(request, queryset),
            action="close_findings",
            form_class=CloseFindingForm,
            initial={"on": timezone.localdate()},
            title=_("Verifikasi dan tutup temuan"),
            intro=_(
                "Hanya temuan yang tindakan korektifnya sudah diusulkan SKPD yang dapat ditutup, oleh ketua auditor "
                "auditnya atau staf program. Anda dicatat sebagai pemverifikasi."
            ),
            submit=_("Verifikasi dan tutup"),
            apply=lambda finding, data: services.close_finding(
                finding=finding,
                by=request.user,
                verification=data["verification"],
                on=data["on"],
                today=timezone.localdate(),
            ),
            done=_("Ditutup: %(rows)s."),
            label=_finding_label,
        )

    @admin.action(description=_("Kembalikan ke SKPD"), permissions=["verify_finding"])
    def return_findings(self, request, queryset):
        return run_workflow_action(
            self,
            request,
            self._rows_in_rule(request, queryset),
            action="return_findings",
            form_class=ReturnFindingForm,
            initial={},
            title=_("Kembalikan temuan ke SKPD"),
            intro=_(
                "Temuan yang dikembalikan terbuka lagi dan SKPD perlu mengusulkan tindakan korektif baru. "
                "Hanya temuan yang tindakan korektifnya sudah diusulkan yang dapat dikembalikan."
            ),
            submit=_("Kembalikan ke SKPD"),
            apply=lambda finding, data: services.return_finding(
                finding=finding, by=request.user, reason=data["reason"]
            ),
            done=_("Dikembalikan ke SKPD: %(rows)s."),
            label=_finding_label,
        )


# --- Deletion refused for records with findings -------------------------------------------------


class RefuseDeleteWithFindingsMixin:
    """A certificate whose audits have findings, or an audit with findings, is never deleted.

    The foreign keys are PROTECT, so the ORM refuses too; this says why and what to do instead,
    from the delete page and from the bulk delete action alike, and deletes nothing.
    """

    def with_findings(self, queryset):
        if issubclass(queryset.model, Certificate):
            return queryset.filter(Exists(Finding.objects.filter(audit__certificate=OuterRef("pk"))))
        if issubclass(queryset.model, Audit):
            return queryset.filter(Exists(Finding.objects.filter(audit=OuterRef("pk"))))
        return queryset.none()

    def delete_refusal(self, objs) -> str:
        names = get_text_list([str(obj) for obj in objs], gettext("dan"))
        if issubclass(self.model, Certificate):
            return gettext(
                "Sertifikat %(names)s tidak dihapus: auditnya memiliki temuan. Cabut sertifikat dengan tindakan "
                "Cabut di daftar sertifikat; riwayatnya tetap tersimpan."
            ) % {"names": names}
        return gettext(
            "Audit %(names)s tidak dihapus: audit ini memiliki temuan. Batalkan audit (status dibatalkan); "
            "temuannya tetap tersimpan."
        ) % {"names": names}

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if (
            obj is not None
            and self.has_delete_permission(request, obj)
            and self.with_findings(self.model._default_manager.filter(pk=obj.pk)).exists()
        ):
            self.message_user(request, self.delete_refusal([obj]), messages.ERROR)
            opts = self.opts
            return redirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=(quote(obj.pk),),
                    current_app=self.admin_site.name,
                )
            )
        return super().delete_view(request, object_id, extra_context=extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            delete, name, description = actions["delete_selected"]

            def delete_unless_findings(modeladmin, request, queryset):
                blocked = list(modeladmin.with_findings(queryset))
                if blocked:
                    modeladmin.message_user(request, modeladmin.delete_refusal(blocked), messages.ERROR)
                    return None
                return delete(modeladmin, request, queryset)

            delete_unless_findings.allowed_permissions = getattr(delete, "allowed_permissions", ("delete",))
            actions["delete_selected"] = (delete_unless_findings, name, description)
        return actions
