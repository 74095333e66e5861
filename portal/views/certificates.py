from django.db.models import Count, F, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from bandung_iso.public_cache import public_page
from bandung_iso.ratelimit import CERTIFICATE_CHECK, rate_limited
from certifications.models import Ceremony, Certificate, CertificateState

from ..forms.certificates import CertificateCheckForm, is_check


@rate_limited(CERTIFICATE_CHECK)  # outermost: a refused method and a cached answer count too
@require_safe
@public_page
def certificate_check(request):
    """``/verifikasi/?nomor=...&lembaga=...&per=...``: a certificate's state on a day, by its exact number.

    No parameter: the empty form. Found or not found: 200. A parameter that cannot be used
    (no number, NUL byte, too long, unknown body, bad date): the form again, naming it, 400.
    """
    today = timezone.localdate()
    checking = is_check(request.GET)
    form = CertificateCheckForm(request.GET if checking else None)
    context = {
        "form": form,
        "checking": checking,
        "today": today,
        "coverage": Certificate.objects.aggregate(total=Count("pk"), unnumbered=Count("pk", filter=Q(number=""))),
    }
    if not checking:
        return render(request, "certifications/certificate_check.html", context)
    if not form.is_valid():
        return render(request, "certifications/certificate_check.html", context, status=400)

    number, body = form.cleaned_data["nomor"], form.body
    day = form.as_of(default=today).day
    found = Certificate.objects.with_number(number).select_related("agency", "standard", "body")
    if body is not None:
        found = found.filter(body=body)
    found = found.order_by(F("body__name").asc(nulls_last=True), "agency__name", "pk")
    context.update(
        number=number,
        body=body,
        day=day,
        results=[(certificate, CertificateState(certificate.state_on(day))) for certificate in found],
        State=CertificateState,
    )
    return render(request, "certifications/certificate_check.html", context)


def _ceremonies():
    """Ceremonies with the certificates handed over, each with its agency and standard (two queries)."""
    handed_over = Certificate.objects.select_related("agency", "standard").order_by("agency__name", "standard__code")
    return Ceremony.objects.prefetch_related(Prefetch("certificates", queryset=handed_over))


@require_safe
@public_page
def ceremony_list(request):
    return render(request, "certifications/ceremony_list.html", {"ceremonies": _ceremonies()})


@require_safe
@public_page
def ceremony_detail(request, slug):
    ceremony = get_object_or_404(_ceremonies(), slug=slug)
    return render(request, "certifications/ceremony_detail.html", {"ceremony": ceremony})
