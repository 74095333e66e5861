from django.urls import path

from ..views import agencies as views

app_name = "agencies"

urlpatterns = [
    path("skpd/", views.agency_list, name="list"),
    path("skpd/<slug:slug>/", views.agency_detail, name="detail"),
]
