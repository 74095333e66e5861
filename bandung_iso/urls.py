from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from bandung_iso import health
from bandung_iso.ratelimit import limit_admin_login

# ISO 9001 without its year: the agencies hold 2008 and 2015 certificates alike.
admin.site.site_header = _("Portal Sertifikasi SMM ISO 9001 Kota Bandung")
admin.site.site_title = _("Portal ISO Kota Bandung")
admin.site.index_title = _("Pengelolaan data sertifikasi SKPD")
# Per-address rate limit on every request to /admin/login/ (before admin.site.urls reads it);
# django-axes still locks a username and address after wrong passwords.
limit_admin_login(admin.site)

urlpatterns = [
    # Probes for the load balancer: outside i18n_patterns, no language prefix.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]

# An unreachable database met outside a view is the 503 page too; anything else is Django's 500.
handler500 = "bandung_iso.middleware.server_error"

# Indonesian without a prefix, English under /en/.
urlpatterns += i18n_patterns(
    path("", include("portal.urls")),
    path("", include("portal.urls.agencies")),
    path("", include("portal.urls.certificates")),
    prefix_default_language=False,
)
