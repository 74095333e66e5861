"""The row rules (``certifications.rules``) in the admin: which audits and findings each user sees and changes."""

from django.http import Http404
from django.utils.translation import gettext

from bandung_iso.roles import Role, has_role, is_programme_staff

from .. import rules
from .workflow import report_dropped


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
                report_dropped(modeladmin, request, rows)
                return response

            delete_within_rules.allowed_permissions = getattr(delete, "allowed_permissions", ("delete",))
            actions["delete_selected"] = (delete_within_rules, name, description)
        return actions
