from django.http import HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def certificate_check(request):
    return HttpResponse("TODO")


@require_safe
def ceremony_list(request):
    return HttpResponse("TODO")


@require_safe
def ceremony_detail(request, slug):
    return HttpResponse("TODO")
