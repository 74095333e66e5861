from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from certifications.models import Programme


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
        )
    return render(request, "portal/home.html", context)
