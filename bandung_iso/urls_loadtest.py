"""The portal's URLs plus /_floor for the load test (bandung_iso.settings.loadtest); never deployed."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from bandung_iso.urls import handler500
from bandung_iso.urls import urlpatterns as portal_urlpatterns

__all__ = ["handler500", "urlpatterns"]


@require_safe
def floor(request):
    """The least a Django view can do: every middleware runs, no template, no database."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [path("_floor", floor, name="loadtest_floor"), *portal_urlpatterns]
