"""What the public dashboard reports on a day, computed in a fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, F, Max, Min, OuterRef, Prefetch, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from agencies.models import Agency, AgencyStatus
from certifications.cycle import lapsing_standard_agencies
from certifications.models import (
    Audit,
    Ceremony,
    Certificate,
    Finding,
    FindingGrade,
    Programme,
    Progress,
    Standard,
    valid_on,
)

from .charts import BarChart, LineChart, bar_chart, line_chart

ATTENTION_DAYS = 90
ATTENTION_ROWS = 10
STALE_AFTER_DAYS = 365
# How long before a standard's end of validity the dashboard names the agencies still holding only it.
STANDARD_END_NOTICE_DAYS = 365


@dataclass
class Attention:
    """Agencies that need attention on the day: a few rows and how many in all."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)


@dataclass
class Dashboard:
    programme: Programme
    today: datetime.date
    day: datetime.date  # the day every section reports
    chosen: bool  # the visitor asked for this day with ?per=
    lead: Progress
    at_today: Progress | None  # beside the lead when the lead is another day
    lapsed_standards: list
    unconfirmed: int
    unknown_dates: int
    series: LineChart
    kinds: BarChart
    kind_rows: list
    suspended_or_withdrawn: Attention
    expiring: Attention
    ceremony: Ceremony | None
    audits: dict
    findings: list
    newest_record: datetime.date | None
    notes: list = field(default_factory=list)
    # cycle.LapsingStandard per standard ending within STANDARD_END_NOTICE_DAYS of the day.
    lapsing: list = field(default_factory=list)

    @property
    def deadline_passed(self) -> bool:
        return self.today > self.programme.deadline

    @property
    def data_is_stale(self) -> bool:
        return self.newest_record is not None and (self.today - self.newest_record).days > STALE_AFTER_DAYS


def report_day(programme: Programme, *, today: datetime.date, chosen: datetime.date | None) -> datetime.date:
    """The day the dashboard leads with: the visitor's, else the deadline once it has passed, else today."""
    if chosen is not None:
        return chosen
    return programme.deadline if today > programme.deadline else today


def certified_series(*, since: datetime.date | None, until: datetime.date) -> list[tuple[datetime.date, int]]:
    """Certified agencies at each year's end from the year before ``since`` to ``until``.

    One pass over the certificates grouped per agency, a flag per day, summed: the same
    answer as ``Agency.objects.certified(on=day).count()`` without an EXISTS per agency per day.
    """
    first_year = (since.year - 1) if since else until.year
    first_year = max(min(first_year, until.year), until.year - 40)
    days = [datetime.date(year, 12, 31) for year in range(first_year, until.year)] + [until]
    flags = {f"v{i}": Max(Case(When(valid_on(day), then=Value(1)), default=Value(0))) for i, day in enumerate(days)}
    counts = (
        Certificate.objects.filter(issued_on__lte=until)
        .values("agency")
        .annotate(**flags)
        .aggregate(**{f"p{i}": Coalesce(Sum(f"v{i}"), 0) for i in range(len(days))})
    )
    return [(day, counts[f"p{i}"]) for i, day in enumerate(days)]


def build(programme: Programme, *, today: datetime.date, chosen: datetime.date | None = None) -> Dashboard:
    day = report_day(programme, today=today, chosen=chosen)
    lead = programme.progress(on=day)
    at_today = programme.progress(on=today) if day != today else None

    certified_by_kind = dict(
        Certificate.objects.valid(on=day)
        .values_list("agency__kind")
        .annotate(n=Count("agency", distinct=True))
        .order_by()
    )
    kind_rows = [
        {**row, "certified": certified_by_kind.get(row["kind"], 0)}
        for row in Agency.objects.values("kind").annotate(total=Count("pk")).order_by("kind")
    ]
    labels = dict(Agency.Kind.choices)
    for row in kind_rows:
        row["label"] = labels.get(row["kind"], row["kind"])
    kind_rows.sort(key=lambda row: (-row["total"], str(row["label"])))

    first_issue = Certificate.objects.aggregate(first=Min("issued_on"))["first"]
    series = certified_series(since=first_issue, until=max(day, today))

    # Only agencies with a suspension or withdrawal in force are given a status at all.
    mine = Certificate.objects.filter(agency=OuterRef("pk"))
    troubled = (
        Agency.objects.filter(Q(Exists(mine.suspended(on=day))) | Q(Exists(mine.withdrawn(on=day))))
        .with_status(on=day)
        .filter(status__in=[AgencyStatus.SUSPENDED, AgencyStatus.WITHDRAWN])
    )
    expiring = Certificate.objects.expiring(on=day, within_days=ATTENTION_DAYS).select_related("agency", "standard")

    ceremony = (
        Ceremony.objects.filter(Q(held_on__lte=day) | Q(held_on__isnull=True))
        .order_by(F("held_on").desc(nulls_last=True), "title")
        .prefetch_related(Prefetch("certificates", queryset=Certificate.objects.select_related("agency")))
        .first()
    )

    audits = Audit.objects.filter(starts_on__lte=day).aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=Q(status=Audit.Status.COMPLETED)),
        planned=Count("pk", filter=Q(status=Audit.Status.PLANNED)),
    )
    # Observations and opportunities are only noted: never open, never closed.
    closed_by_day = Q(status=Finding.Status.CLOSED, closed_on__lte=day)
    noted = Q(status=Finding.Status.NOTED)
    finding_counts = {
        row["grade"]: row
        for row in Finding.objects.filter(audit__starts_on__lte=day)
        .values("grade")
        .annotate(
            open=Count("pk", filter=~closed_by_day & ~noted),
            closed=Count("pk", filter=closed_by_day),
            noted=Count("pk", filter=noted),
        )
    }
    findings = [
        {
            "grade": grade,
            "label": label,
            **{key: finding_counts.get(grade, {}).get(key, 0) for key in ("open", "closed", "noted")},
        }
        for grade, label in FindingGrade.choices
    ]

    newest = [
        *Certificate.objects.aggregate(a=Max("issued_on"), b=Max("status_changed_on")).values(),
        Ceremony.objects.aggregate(a=Max("held_on"))["a"],
        Audit.objects.aggregate(a=Max("starts_on"))["a"],
    ]
    newest_record = max((d for d in newest if d is not None), default=None)

    return Dashboard(
        programme=programme,
        today=today,
        day=day,
        chosen=chosen is not None,
        lead=lead,
        at_today=at_today,
        lapsed_standards=list(Standard.objects.filter(certificates_valid_until__lt=max(day, today))),
        unconfirmed=Agency.objects.unconfirmed().count(),
        unknown_dates=Certificate.objects.exclude(issued_precision="day").count(),
        series=line_chart(series, target=programme.target_agencies, deadline=programme.deadline, marker=day),
        kinds=bar_chart(kind_rows),
        kind_rows=kind_rows,
        suspended_or_withdrawn=Attention(rows=list(troubled[:ATTENTION_ROWS]), total=troubled.count()),
        expiring=Attention(rows=list(expiring[:ATTENTION_ROWS]), total=expiring.count()),
        ceremony=ceremony,
        audits=audits,
        findings=findings,
        newest_record=newest_record,
        lapsing=lapsing_standard_agencies(on=day, within_days=STANDARD_END_NOTICE_DAYS),
    )
