from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bandung_iso.roles import is_programme_staff

from .models import Reminder


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
