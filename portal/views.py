from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from agencies.models import Agency
from certifications.models import Programme, Standard


@require_safe
def home(request):
    """The programme's headline: where the city stood on its deadline and where it stands today."""
    programme = Programme.objects.current()
    context = {"programme": programme}
    if programme is not None:
        today = timezone.localdate()
        context.update(
            today=today,
            at_deadline=programme.progress(on=programme.deadline),
            at_today=programme.progress(on=today),
            deadline_passed=today > programme.deadline,
            lapsed_standards=list(Standard.objects.filter(certificates_valid_until__lt=today)),
            unconfirmed_count=Agency.objects.unconfirmed().count(),
        )
    return render(request, "portal/home.html", context)


@require_safe
def about(request):
    return render(request, "portal/about.html", {})
