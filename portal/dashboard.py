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
    CertificateStatus,
    Finding,
    FindingGrade,
    Programme,
    Progress,
    Standard,
)

from .charts import BarChart, LineChart, bar_chart, line_chart

ATTENTION_DAYS = 90
REASONS = ("expired", "standard_lapsed", "suspended", "withdrawn")
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


def series_days(*, since: datetime.date | None, until: datetime.date) -> list[datetime.date]:
    """Each year's end from the year before ``since`` (at most 40 years back) to ``until``, then ``until``."""
    first_year = (since.year - 1) if since else until.year
    first_year = max(min(first_year, until.year), until.year - 40)
    return [datetime.date(year, 12, 31) for year in range(first_year, until.year)] + [until]


def _flag(condition: Q):
    return Max(Case(When(condition, then=Value(1)), default=Value(0)))


def _reasons(on: datetime.date) -> dict[str, Q]:
    """Why a certificate issued by ``on`` does not make its agency certified then (``Programme.progress``'s rules)."""
    return {
        "expired": Q(issued_on__lte=on, expires_on__lt=on),
        "standard_lapsed": Q(issued_on__lte=on, standard__certificates_valid_until__lt=on),
        "suspended": Q(issued_on__lte=on, status=CertificateStatus.SUSPENDED, status_changed_on__lte=on),
        "withdrawn": Q(issued_on__lte=on, status=CertificateStatus.WITHDRAWN, status_changed_on__lte=on),
    }


class _Conditions:
    """``valid_on`` and ``_reasons`` on the certificate's own columns, the standards' ends known.

    The same rules; the standards (a handful of rows) are read once, so the conditions name
    the lapsed standards' ids instead of joining the standards for each of some 30 flags: a
    cheaper query to build in Python and to run in the database.
    """

    def __init__(self, standards: list):
        self.standards = standards

    def _lapsed(self, on: datetime.date) -> Q:
        ids = [
            s.pk for s in self.standards if s.certificates_valid_until is not None and s.certificates_valid_until < on
        ]
        return Q(standard_id__in=ids) if ids else Q(pk__isnull=True)  # the latter: never

    def valid(self, on: datetime.date) -> Q:
        # A certificate always has a standard (a required foreign key): not lapsed = none of those.
        return (
            Q(issued_on__lte=on, expires_on__gte=on)
            & ~self._lapsed(on)
            & (Q(status=CertificateStatus.ACTIVE) | Q(status_changed_on__gt=on))
        )

    def reasons(self, on: datetime.date) -> dict[str, Q]:
        return {**_reasons(on), "standard_lapsed": Q(issued_on__lte=on) & self._lapsed(on)}


@dataclass
class Standing:
    """Every agency's standing on a few days, from ``standing()``."""

    certified: dict  # day -> agencies certified then
    reasons: dict  # report day -> {reason: agencies not certified then that have it}
    troubled: dict  # report day -> agencies with a suspension or withdrawal and no valid certificate
    certified_by_kind: dict  # kind -> agencies certified on the kinds' day

    def progress(self, programme: Programme, on: datetime.date) -> Progress:
        """The same figures as ``programme.progress(on=on)``, from this one pass."""
        return Progress(on=on, target=programme.target_agencies, certified=self.certified[on], **self.reasons[on])


def standing(
    *, days: list, report_days: list, kinds_on: datetime.date, kinds: list, standards: list | None = None
) -> Standing:
    """Certified agencies on each of ``days``; on each of ``report_days`` also why the others lapsed.

    One query whatever the number of agencies (and one for ``standards`` unless given): the
    certificates are grouped per agency once into a flag per day and reason (as
    ``Programme.progress`` does for one day), and the flags are summed. Grouping 40,000
    agencies' certificates is the dashboard's dearest step, so it is done once for every figure
    that needs it, not per figure.
    """
    days = sorted(set(days) | set(report_days) | {kinds_on})
    index = {day: i for i, day in enumerate(days)}
    conditions = _Conditions(list(Standard.objects.all()) if standards is None else standards)
    flags = {f"v{i}": _flag(conditions.valid(day)) for i, day in enumerate(days)}
    for j, day in enumerate(report_days):
        flags.update({f"r{j}_{name}": _flag(condition) for name, condition in conditions.reasons(day).items()})
    if kinds:
        # One row per agency: Max() of a column the group shares keeps the grouping to the agency alone.
        flags["kind"] = Max("agency__kind")

    def when(condition: Q, then=None):
        return Coalesce(Sum(Case(When(condition, then=then or Value(1)), default=Value(0))), 0)

    sums = {f"c{i}": Coalesce(Sum(f"v{i}"), 0) for i in range(len(days))}
    for j, day in enumerate(report_days):
        valid = f"v{index[day]}"
        for name in REASONS:
            sums[f"n{j}_{name}"] = when(Q(**{valid: 0}), then=F(f"r{j}_{name}"))
        sums[f"t{j}"] = when(Q(**{valid: 0}) & (Q(**{f"r{j}_suspended": 1}) | Q(**{f"r{j}_withdrawn": 1})))
    for k, kind in enumerate(kinds):
        sums[f"k{k}"] = when(Q(kind=kind, **{f"v{index[kinds_on]}": 1}))

    totals = Certificate.objects.filter(issued_on__lte=max(days)).values("agency").annotate(**flags).aggregate(**sums)
    return Standing(
        certified={day: totals[f"c{i}"] for i, day in enumerate(days)},
        reasons={day: {name: totals[f"n{j}_{name}"] for name in REASONS} for j, day in enumerate(report_days)},
        troubled={day: totals[f"t{j}"] for j, day in enumerate(report_days)},
        certified_by_kind={kind: totals[f"k{k}"] for k, kind in enumerate(kinds)},
    )


def certified_series(*, since: datetime.date | None, until: datetime.date) -> list[tuple[datetime.date, int]]:
    """Certified agencies at each year's end from the year before ``since`` to ``until``.

    The same answer as ``Agency.objects.certified(on=day).count()`` for each day, in one query.
    """
    days = series_days(since=since, until=until)
    certified = standing(days=days, report_days=[], kinds_on=until, kinds=[]).certified
    return [(day, certified[day]) for day in days]


def build(programme: Programme, *, today: datetime.date, chosen: datetime.date | None = None) -> Dashboard:
    day = report_day(programme, today=today, chosen=chosen)

    kind_rows = list(Agency.objects.values("kind").annotate(total=Count("pk")).order_by("kind"))
    dates = Certificate.objects.aggregate(
        first=Min("issued_on"), issued=Max("issued_on"), changed=Max("status_changed_on")
    )
    days = series_days(since=dates["first"], until=max(day, today))
    report_days = [day] if day == today else [day, today]
    standards = list(Standard.objects.all())
    state = standing(
        days=days,
        report_days=report_days,
        kinds_on=day,
        kinds=[row["kind"] for row in kind_rows],
        standards=standards,
    )
    lead = state.progress(programme, day)
    at_today = state.progress(programme, today) if day != today else None
    series = [(each, state.certified[each]) for each in days]

    labels = dict(Agency.Kind.choices)
    for row in kind_rows:
        row["certified"] = state.certified_by_kind[row["kind"]]
        row["label"] = labels.get(row["kind"], row["kind"])
    kind_rows.sort(key=lambda row: (-row["total"], str(row["label"])))

    # Agencies with a suspension or withdrawal in force and no valid certificate: their
    # status is then "suspended" (which wins) or "withdrawn", as Agency.objects.with_status says.
    # The count comes from the pass above; the first rows are looked up by name.
    mine = Certificate.objects.filter(agency=OuterRef("pk"))
    reasons = _reasons(day)
    troubled = (
        Agency.objects.filter(
            pk__in=Certificate.objects.filter(reasons["suspended"] | reasons["withdrawn"]).values("agency")
        )
        .exclude(Exists(mine.valid(on=day)))
        .annotate(
            status=Case(
                When(Exists(mine.suspended(on=day)), then=Value(AgencyStatus.SUSPENDED)),
                default=Value(AgencyStatus.WITHDRAWN),
            )
        )
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
        dates["issued"],
        dates["changed"],
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
        lapsed_standards=[
            s
            for s in standards
            if s.certificates_valid_until is not None and s.certificates_valid_until < max(day, today)
        ],
        unconfirmed=Agency.objects.unconfirmed().count(),
        unknown_dates=Certificate.objects.exclude(issued_precision="day").count(),
        series=line_chart(series, target=programme.target_agencies, deadline=programme.deadline, marker=day),
        kinds=bar_chart(kind_rows),
        kind_rows=kind_rows,
        suspended_or_withdrawn=Attention(rows=list(troubled[:ATTENTION_ROWS]), total=state.troubled[day]),
        expiring=Attention(rows=list(expiring[:ATTENTION_ROWS]), total=expiring.count()),
        ceremony=ceremony,
        audits=audits,
        findings=findings,
        newest_record=newest_record,
        lapsing=lapsing_standard_agencies(on=day, within_days=STANDARD_END_NOTICE_DAYS),
    )
