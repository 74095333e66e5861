from django.apps import AppConfig

from .public_cache import connect_signals, data_changed


class BandungIsoConfig(AppConfig):
    """The project's infrastructure as an installed app: the admin's shared templates, the page cache's receivers."""

    name = "bandung_iso"
    verbose_name = "Bandung ISO"

    def ready(self):
        # Every write to the data the public pages show invalidates the shared page cache.
        connect_signals(data_changed, uid="public-cache")
