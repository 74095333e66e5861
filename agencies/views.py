from django.http import HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def agency_list(request):
    return HttpResponse("TODO")


@require_safe
def agency_detail(request, slug):
    return HttpResponse("TODO")
