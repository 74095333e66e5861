"""A finding's next workflow step on its own page: what happens next, and a button for each step the user may take.

The representative proposes the corrective action with the answer form (``FindingAnswerForm``), whose
one button is that step. Verifying and closing, and returning, run the list's own actions
(``FindingVerificationActionsMixin``) on the one row from ``<id>/verifikasi/`` and ``<id>/kembalikan/``:
the same forms, intermediate page, checks and services; a refused step shows the service's message
and changes nothing, and either way the page leads back to the finding.
"""

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext

from bandung_iso.roles import Role, has_role

from .. import rules
from ..models import Finding

# Which form a user gets for a finding (FindingAdmin.finding_mode).
EDIT, ANSWER, READ = "edit", "answer", "read"
# Set on the request by FindingAdmin.save_model once an answer proposed the action: the finding's id.
PROPOSED = "_proposed_finding"


def _day(day) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else gettext("tanggal tidak tercatat")


def next_step_hint(finding: Finding, *, answering: bool, verifying: bool) -> str:
    """What happens next to ``finding``, said to a reader who answers it, verifies it, or only waits."""
    Status = Finding.Status
    if finding.status == Status.NOTED:
        return gettext("Observasi dan peluang perbaikan hanya dicatat: tidak ada langkah berikutnya.")
    if finding.status == Status.CLOSED:
        return gettext("Temuan ini ditutup pada %(day)s: tidak ada langkah berikutnya.") % {
            "day": _day(finding.closed_on)
        }
    if finding.status == Status.ACTION_PROPOSED:
        if verifying:
            return gettext(
                "SKPD mengusulkan tindakan korektif pada %(day)s. Periksa usulannya, lalu verifikasi dan tutup "
                "temuan, atau kembalikan ke SKPD dengan alasannya."
            ) % {"day": _day(finding.action_proposed_on)}
        return gettext("Menunggu verifikasi ketua auditor: tindakan korektif diusulkan pada %(day)s.") % {
            "day": _day(finding.action_proposed_on)
        }
    due = gettext(" Batas waktu: %(day)s.") % {"day": _day(finding.due_on)} if finding.due_on else ""
    if finding.returned:
        # The reason is the history's: the verifier wrote it when sending the answer back.
        due += gettext(" Usulan sebelumnya dikembalikan; alasannya tercatat di riwayat temuan.")
    if answering:
        return (
            gettext(
                "Langkah Anda berikutnya: isi koreksi, akar masalah dan tindakan korektif, lalu tekan "
                "“Usulkan tindakan korektif”. Ketua auditor kemudian memverifikasinya."
            )
            + due
        )
    return gettext("Menunggu wakil manajemen SKPD mengusulkan tindakan korektif.") + due


class FindingStepsMixin:
    """The finding's change page with its next steps; needs ``finding_mode`` and the verification actions."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/verifikasi/", wrap(self.close_view), name=f"{name}_close"),
            path("<path:object_id>/kembalikan/", wrap(self.return_view), name=f"{name}_return"),
            *super().get_urls(),
        ]

    def _finding_url(self, finding, view: str) -> str:
        return reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}",
            args=(quote(finding.pk),),
            current_app=self.admin_site.name,
        )

    def close_view(self, request, object_id):
        return self._step_view(request, object_id, self.close_findings)

    def return_view(self, request, object_id):
        return self._step_view(request, object_id, self.return_findings)

    def _step_view(self, request, object_id, action):
        """The list's ``action`` on this one finding: its page with the form, then back to the finding."""
        finding = self.get_object(request, unquote(object_id))
        if finding is None:
            raise Http404(gettext("Data ini tidak ada atau tidak dapat Anda buka."))
        if not self.has_verify_finding_permission(request):
            raise PermissionDenied
        back = self._finding_url(finding, "change")
        if request.method != "POST" and not rules.can_verify_finding_now(request.user, finding):
            self.message_user(
                request,
                gettext("Temuan ini tidak menunggu verifikasi Anda; statusnya: %(status)s.")
                % {"status": finding.get_status_display()},
                messages.WARNING,
            )
            return redirect(back)
        # A POST goes through the action whatever the state: the service refuses with its own message.
        response = action(request, self.get_queryset(request).filter(pk=finding.pk))
        if response is None:
            return redirect(back)
        response.context_data["back_url"] = back
        return response

    def workflow_context(self, request, finding) -> dict:
        """The hint and buttons of the finding's page, and the answer form's one button."""
        answering = self.finding_mode(request, finding) == ANSWER
        verifying = self.has_verify_finding_permission(request) and rules.can_verify_finding_now(request.user, finding)
        steps = []
        if verifying:
            steps = [
                {"url": self._finding_url(finding, "close"), "label": gettext("Verifikasi dan tutup")},
                {"url": self._finding_url(finding, "return"), "label": gettext("Kembalikan ke SKPD")},
            ]
        context = {
            "workflow_hint": next_step_hint(finding, answering=answering, verifying=verifying),
            "workflow_steps": steps,
        }
        if answering:
            context["submit_step_label"] = gettext("Usulkan tindakan korektif")
        return context

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            context.update(self.workflow_context(request, obj))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def readonly_reason(self, request, obj) -> str:
        if obj.status == Finding.Status.CLOSED:
            return gettext("temuan ini sudah ditutup dan tidak diubah lagi.")
        if has_role(request.user, Role.REPRESENTATIVE):
            if obj.status == Finding.Status.ACTION_PROPOSED:
                return gettext("tindakan korektif sudah diusulkan dan menunggu verifikasi ketua auditor.")
            if obj.status == Finding.Status.NOTED:
                return gettext("observasi dan peluang perbaikan dicatat tanpa jawaban SKPD.")
        return gettext("hanya ketua auditor audit ini yang mengubah uraian temuan.")

    def response_change(self, request, obj):
        # Django's "you may edit it again below" is untrue once the answer is sent: the page is read-only now.
        if request.__dict__.get(PROPOSED) == obj.pk:
            self.message_user(
                request,
                gettext("Tindakan korektif diusulkan untuk %(finding)s. Menunggu verifikasi ketua auditor.")
                % {"finding": obj},
                messages.SUCCESS,
            )
            return redirect(self._finding_url(obj, "change"))
        return super().response_change(request, obj)
