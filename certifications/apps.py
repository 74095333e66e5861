from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationsConfig(AppConfig):
    name = "certifications"
    verbose_name = _("Sertifikasi")

    def ready(self):
        # Models are importable only once the registry is ready.
        from . import signals, timeline_store

        # Every write to a certificate or a standard's end rebuilds its agencies' stored timeline.
        timeline_store.connect()
        # A finding added by any path is announced to whoever listens (the reminders' mails).
        signals.connect()
