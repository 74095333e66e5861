from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Portal Sertifikasi SMM ISO 9001:2008 Kota Bandung")
admin.site.site_title = _("Portal ISO Kota Bandung")
admin.site.index_title = _("Pengelolaan data sertifikasi SKPD")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("portal.urls")),
]
