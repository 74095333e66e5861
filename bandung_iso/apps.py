from django.apps import AppConfig


class BandungIsoConfig(AppConfig):
    """The project's infrastructure as an installed app, so that its templates (the admin's shared ones) are found."""

    name = "bandung_iso"
    verbose_name = "Bandung ISO"
