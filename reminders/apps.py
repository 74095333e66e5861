from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Pengingat")

    def ready(self):
        # Models are importable only once the registry is ready.
        from . import workflow

        # A mail on each step of a finding's workflow: certifications announces, reminders mails.
        workflow.connect()
