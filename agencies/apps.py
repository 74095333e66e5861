from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("SKPD")

    def ready(self):
        # Models are importable only once the registry is ready.
        from . import former_slugs

        # Every change of an agency's slug keeps the old one, whose address then redirects.
        former_slugs.connect()
