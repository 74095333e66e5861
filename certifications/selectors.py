"""Reads of an agency's status on a day, from the stored timeline (``StatusStretch``).

The register, the agency page, the admin and the dashboard ask these; none works the status
out from the certificates again. An agency without a stored stretch has no certificate on
record: it is "not yet certified" only when the city has said so
(``Agency.certification_reported``), else its status is unknown.
"""

import datetime
from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, FilteredRelation, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from agencies.models import Agency, AgencyStatus, CertificationReport, FormerName

from .models import Programme, Progress, StatusStretch
from .timeline import without_records_status

EVERY_AGENCY = "*"  # the row of status_counts' query that counts every agency
REPORTED_NONE = "-"  # its row that counts the agencies reported uncertified, without a stretch that day


def with_status(queryset=None, *, on: datetime.date, only: str | None = None):
    """``queryset`` (all agencies by default) with ``status``, an ``AgencyStatus``, annotated for ``on``.

    A LEFT JOIN on the one stretch holding that day, so filters, sorting and grouping by
    ``status`` stay one query. ``only`` keeps the agencies with that status; any status but
    "not yet" is matched on the stretch itself, which lets the database start from the
    stretches instead of every agency.
    """
    queryset = Agency.objects.all() if queryset is None else queryset
    stretch = FilteredRelation(
        "status_stretches", condition=Q(status_stretches__starts_on__lte=on, status_stretches__ends_on__gte=on)
    )
    annotated = queryset.annotate(stretch_on_day=stretch).annotate(
        status=Coalesce("stretch_on_day__status", without_records_status(), output_field=CharField())
    )
    if only is None:
        return annotated
    if only in (AgencyStatus.NOT_YET, AgencyStatus.UNKNOWN):
        return annotated.filter(status=only)
    return annotated.filter(stretch_on_day__status=only)


def with_name_on(queryset, *, on: datetime.date):
    """``queryset`` with ``name_then``: the former name the agency went by on ``on``, or None if its current one.

    A subquery inside the same query: the earliest former name still in use on that day.
    """
    then = FormerName.objects.filter(agency=OuterRef("pk"), used_until__gte=on).order_by("used_until", "pk")
    return queryset.annotate(name_then=Subquery(then.values("name")[:1]))


def status_counts(*, on: datetime.date) -> dict[str, int]:
    """How many agencies have each ``AgencyStatus`` on ``on`` (zeros included), in one query.

    The stretches holding that day, counted per status, beside the number of agencies and of
    those reported uncertified without a stretch then: the rest have an unknown status.
    Cheaper than grouping every agency joined to its stretch (tens of milliseconds at 40,000
    agencies; see docs/benchmarks.md).
    """
    # COUNT(*), not COUNT(id): PostgreSQL then counts from the (ends_on, starts_on, status) index alone.
    per_status = StatusStretch.objects.on(on).order_by().values("status").annotate(n=Count("*"))
    agencies = (
        Agency.objects.order_by()
        .annotate(status=Value(EVERY_AGENCY, output_field=CharField()))
        .values("status")
        .annotate(n=Count("*"))
    )
    reported_none = (
        Agency.objects.order_by()
        .filter(certification_reported=CertificationReport.NOT_CERTIFIED)
        .exclude(Exists(StatusStretch.objects.filter(agency=OuterRef("pk")).on(on)))
        .annotate(status=Value(REPORTED_NONE, output_field=CharField()))
        .values("status")
        .annotate(n=Count("*"))
    )
    found = dict(per_status.union(agencies, reported_none, all=True).values_list("status", "n"))
    counts = {status: found.get(status, 0) for status in AgencyStatus.values if status != AgencyStatus.UNKNOWN}
    counts[AgencyStatus.NOT_YET] += found.get(REPORTED_NONE, 0)
    counts[AgencyStatus.UNKNOWN] = found.get(EVERY_AGENCY, 0) - sum(counts.values())
    return {status: counts[status] for status in AgencyStatus.values}


def certified_on(day: datetime.date, *, status: str = AgencyStatus.CERTIFIED) -> Exists:
    """True for an agency certified on ``day`` (or with another stored ``status`` then): an expression
    for filters and annotations over agencies."""
    return Exists(StatusStretch.objects.filter(agency=OuterRef("pk"), status=status).on(day))


def certified(queryset=None, *, on: datetime.date):
    """The agencies of ``queryset`` (all by default) certified on ``on``."""
    queryset = Agency.objects.all() if queryset is None else queryset
    return queryset.filter(certified_on(on))


def not_certified(queryset=None, *, on: datetime.date):
    """The agencies of ``queryset`` (all by default) known not certified on ``on``: neither certified nor
    holding a certificate of unknown validity."""
    queryset = Agency.objects.all() if queryset is None else queryset
    return queryset.exclude(certified_on(on)).exclude(certified_on(on, status=AgencyStatus.VALIDITY_UNKNOWN))


def validity_unknown(queryset=None, *, on: datetime.date):
    """The agencies of ``queryset`` (all by default) whose certificate's validity on ``on`` nobody knows."""
    queryset = Agency.objects.all() if queryset is None else queryset
    return queryset.filter(certified_on(on, status=AgencyStatus.VALIDITY_UNKNOWN))


def members_on(programme: Programme, *, on: datetime.date):
    """The agencies that count toward ``programme``'s target on ``on``."""
    return Agency.objects.filter(pk__in=programme.member_ids(on=on))


def troubled(*, on: datetime.date, programme: Programme | None = None):
    """The stretches of agencies suspended or withdrawn on ``on``, with their agency, by name; only the
    programme's members then when ``programme`` is given."""
    stretches = (
        StatusStretch.objects.all()
        if programme is None
        else StatusStretch.objects.filter(agency__in=members_on(programme, on=on))
    )
    return (
        stretches.on(on)
        .filter(status__in=[AgencyStatus.SUSPENDED, AgencyStatus.WITHDRAWN])
        .select_related("agency")
        .order_by("agency__name", "agency__pk")
    )


@dataclass(frozen=True)
class Membership:
    """How the programme's target stands on a day: its members by what is known of them, and the rest."""

    on: datetime.date
    target: int
    members: int
    named: int  # members whose name a source gives (not placeholders)
    certified: int
    validity_unknown: int  # holding a certificate issued whose expiry nobody knows, and nothing else decides
    not_certified: int  # known not certified: lapsed on record, or reported uncertified by the city
    unknown: int  # no certificate on record and nothing reported

    @property
    def unlisted(self) -> int:
        """Of the target, how many the portal does not list yet."""
        return max(self.target - self.members, 0)


def membership(programme: Programme, *, on: datetime.date) -> Membership:
    """The programme's members on ``on`` counted by name and status, in one query."""
    totals = with_status(members_on(programme, on=on), on=on).aggregate(
        members=Count("pk"),
        named=Count("pk", filter=Q(name_confirmed=True)),
        certified=Count("pk", filter=Q(status=AgencyStatus.CERTIFIED)),
        validity_unknown=Count("pk", filter=Q(status=AgencyStatus.VALIDITY_UNKNOWN)),
        unknown=Count("pk", filter=Q(status=AgencyStatus.UNKNOWN)),
    )
    return Membership(
        on=on,
        target=programme.target_agencies,
        not_certified=totals["members"] - totals["certified"] - totals["validity_unknown"] - totals["unknown"],
        **totals,
    )


def report_exceeded(programme: Programme) -> Progress | None:
    """The programme's standing on the day of its report, when the records count more certified than it says.

    The report's day is its period's last day (31 December for "about 2012"): records that
    count more by then than the source reported are a sign of an agency counted twice, say a
    real agency imported beside the placeholder that stands for it.
    """
    if programme.reported_certified is None or programme.reported_on is None:
        return None
    progress = programme.progress(on=programme.reported_on)
    return progress if progress.certified > programme.reported_certified else None
