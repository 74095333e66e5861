from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from agencies.models import Agency
from bandung_iso.public_cache import public_page
from certifications.cycle import CERTIFICATE_YEARS
from certifications.dates import DatePrecision
from certifications.models import Audit, Ceremony, Certificate, Programme, Standard

from .. import dashboard
from ..params import AsOfForm, BadParameter, bad_request, parse


@require_safe
@public_page
def home(request):
    """The dashboard on today (or a chosen day), with the deadline's standing beside today once it has passed."""
    try:
        form = parse(AsOfForm, request)
    except BadParameter as error:
        return bad_request(request, error)
    programme = Programme.objects.current()
    board = None
    if programme is not None:
        today = timezone.localdate()
        as_of = form.as_of(default=today)
        board = dashboard.build(programme, today=today, as_of=as_of)
    return render(request, "portal/dashboard.html", {"programme": programme, "board": board})


@require_safe
@public_page
def about(request):
    """What the portal holds, where each figure comes from, what is missing, and the counting rules.

    Every number is read from the database in a fixed number of queries: one aggregate per
    table, one grouped query for the agencies' sources, and the short reference tables.
    """
    sources_shown = 10
    agencies = Agency.objects.aggregate(total=Count("pk"), unconfirmed=Count("pk", filter=Q(name_confirmed=False)))
    certificates = Certificate.objects.aggregate(
        total=Count("pk"),
        unnumbered=Count("pk", filter=Q(number="")),
        body_unknown=Count("pk", filter=Q(body__isnull=True)),
        scope_unknown=Count("pk", filter=Q(scope="")),
        **{f"issued_{value}": Count("pk", filter=Q(issued_precision=value)) for value in DatePrecision.values},
    )
    rough_labels = {
        DatePrecision.MONTH: _("hanya bulan dan tahunnya diketahui"),
        DatePrecision.YEAR: _("hanya tahunnya diketahui"),
        DatePrecision.ABOUT_YEAR: _('hanya perkiraan tahunnya ("sekitar")'),
        DatePrecision.BY_YEAR: _('hanya batas tahunnya ("paling lambat")'),
    }
    certificates["issued_rough"] = sum(certificates[f"issued_{value}"] for value in rough_labels)
    audits = Audit.objects.aggregate(total=Count("pk", distinct=True), findings=Count("findings"))
    agency_sources = list(
        Agency.objects.values("source").annotate(agencies=Count("pk")).order_by("-agencies", "source")
    )
    programme = Programme.objects.current()
    # The SKPD the target counts that the portal lists by now (whatever their dates).
    members = programme.members.values("agency").distinct().count() if programme else 0
    ceremonies = list(Ceremony.objects.all())
    context = {
        "agencies": agencies,
        "certificates": certificates,
        "issued_rough": [(rough_labels[value], certificates[f"issued_{value}"]) for value in rough_labels],
        "audits": audits,
        "agency_sources": agency_sources[:sources_shown],
        "agency_sources_more": max(len(agency_sources) - sources_shown, 0),
        "programme": programme,
        "members": members,
        "agencies_missing": max(programme.target_agencies - members, 0) if programme else 0,
        "ceremonies": ceremonies,
        "ceremonies_undated": [ceremony for ceremony in ceremonies if ceremony.held_precision != DatePrecision.DAY],
        "standards": list(Standard.objects.all()),
        "validity_years": CERTIFICATE_YEARS,
    }
    return render(request, "portal/about.html", context)
