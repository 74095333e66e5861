from django.urls import path

from ..views import certificates as views

app_name = "certifications"

urlpatterns = [
    path("verifikasi/", views.certificate_check, name="check"),
    path("upacara/", views.ceremony_list, name="ceremony_list"),
    path("upacara/<slug:slug>/", views.ceremony_detail, name="ceremony_detail"),
]
