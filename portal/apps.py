from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal publik")

    def ready(self):
        # Every write to the data the public pages show invalidates the shared page cache.
        from bandung_iso.public_cache import connect_signals

        connect_signals()
