from django.urls import path

from ..views import dashboard as views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("tentang-data/", views.about, name="about"),
]
