from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bandung_iso.public_cache import connect_signals


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal publik")

    def ready(self):
        # Models are importable only once the registry is ready.
        from .figures import mark_changed

        # Every write to the data the public pages show makes the dashboard's figures stale.
        connect_signals(mark_changed, uid="dashboard-figures")
