from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bandung_iso.roles import is_programme_staff

from .models import MailPreference, Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """What send_reminders sent: a log, read by programme staff and never edited by hand.

    Adding or deleting a row here would make the command skip or resend someone's mail.
    """

    list_display = ["sent_on", "recipient", "recipient_email", "subject", "item_count", "created_at"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "recipient__email", "subject"]
    date_hierarchy = "sent_on"
    fields = ["recipient", "sent_on", "created_at", "item_count", "subject", "body"]

    def has_view_permission(self, request, obj=None):
        # The bodies quote other people's findings: programme staff only, whatever else a role holds.
        return is_programme_staff(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("alamat email saat ini"), ordering="recipient__email")
    def recipient_email(self, obj):
        return obj.recipient.email


@admin.register(MailPreference)
class MailPreferenceAdmin(admin.ModelAdmin):
    """Each back-office user chooses the language of their own mails; programme staff may set anyone's.

    No model permission is asked: choosing one's language is every active back-office user's own business.
    """

    list_display = ["user", "language"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = ["user", "language"]
    # One row per person, changed on its page: no bulk action to reach other people's rows.
    actions = None

    def _may_use(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def _may_touch(self, request, obj) -> bool:
        return self._may_use(request) and (
            obj is None or is_programme_staff(request.user) or obj.user_id == request.user.pk
        )

    def has_module_permission(self, request):
        return self._may_use(request)

    def has_view_permission(self, request, obj=None):
        return self._may_touch(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_touch(request, obj)

    def has_add_permission(self, request):
        # Asked on every admin page (the sidebar): no query. Adding a second row for oneself
        # changes the first (save_model).
        return self._may_use(request)

    def has_delete_permission(self, request, obj=None):
        return self._may_touch(request, obj)

    def get_object(self, request, object_id, from_field=None):
        # Someone else's row is found and then refused by the permission checks (403), rather
        # than hidden by the user's own list (a redirect saying it does not exist).
        try:
            return self.model._default_manager.select_related("user").get(pk=object_id)
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def get_queryset(self, request):
        preferences = super().get_queryset(request)
        return preferences if is_programme_staff(request.user) else preferences.filter(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return [] if is_programme_staff(request.user) else ["user"]

    def save_model(self, request, obj, form, change):
        if not is_programme_staff(request.user):
            obj.user = request.user
        if not change:
            # One row per person: "adding" it again changes the language already chosen.
            obj.pk = MailPreference.objects.filter(user=obj.user).values_list("pk", flat=True).first()
        super().save_model(request, obj, form, change)
