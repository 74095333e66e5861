"""What the public dashboard reports on a day, computed in a fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q

from agencies.models import Agency
from certifications import selectors
from certifications.cycle import lapsing_standard_agencies
from certifications.models import Audit, Ceremony, Certificate, FindingGrade, Programme, Progress, Standard
from certifications.notice import EXPIRY_NOTICE_DAYS, STANDARD_END_NOTICE_DAYS

from . import figures
from .charts import BarChart, LineChart, bar_chart, line_chart
from .params import AsOf
from .progress import progress_from, wanted_for

ATTENTION_ROWS = 10
STALE_AFTER_DAYS = 365


@dataclass
class Attention:
    """Agencies that need attention on the day: a few rows and how many in all."""

    rows: list
    total: int
    within_days: int | None = None  # how far ahead the list looks, for a list of what is coming

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)


@dataclass
class Dashboard:
    programme: Programme
    today: datetime.date
    day: datetime.date  # the day every section reports
    chosen: bool  # the visitor asked for this day with ?per=
    lead: Progress  # on the day shown
    at_today: Progress | None  # beside the lead when the lead is another day
    # Beside today's lead once the deadline has passed: the programme's target is judged on its deadline.
    at_deadline: Progress | None
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
    membership: selectors.Membership
    # cycle.LapsingStandard per standard ending within STANDARD_END_NOTICE_DAYS of the day.
    lapsing: list = field(default_factory=list)

    @property
    def deadline_passed(self) -> bool:
        return self.today > self.programme.deadline

    def _gap(self, day: datetime.date) -> int | None:
        """The day's year when no record is from it or later: the figure then rests on older records."""
        if self.newest_record is None or self.newest_record.year < day.year:
            return day.year
        return None

    @property
    def lead_gap(self) -> int | None:
        return self._gap(self.day)

    @property
    def today_gap(self) -> int | None:
        return self._gap(self.today)

    @property
    def deadline_gap(self) -> int | None:
        return self._gap(self.programme.deadline)

    @property
    def earlier(self) -> Progress | None:
        """The earlier day beside today whose figure today's is set against, if the page shows one."""
        if self.at_deadline is not None:
            return self.at_deadline
        return self.lead if self.at_today is not None else None

    @property
    def now(self) -> Progress:
        return self.at_today or self.lead

    @property
    def data_is_stale(self) -> bool:
        return self.newest_record is not None and (self.today - self.newest_record).days > STALE_AFTER_DAYS


def series_days(*, since: datetime.date | None, until: datetime.date) -> list[datetime.date]:
    """Each year's end from the year before ``since`` (at most 40 years back) to ``until``, then ``until``."""
    first_year = (since.year - 1) if since else until.year
    first_year = max(min(first_year, until.year), until.year - 40)
    return [datetime.date(year, 12, 31) for year in range(first_year, until.year)] + [until]


def _wanted(*, days: list, report_days: list, kinds: list, day: datetime.date) -> list[tuple[str, datetime.date]]:
    """Every figure the page shows, each with its day."""
    wanted = [("certified", each) for each in days] + wanted_for(report_days)
    wanted += [("troubled", each) for each in report_days]
    wanted += [(f"certified:{kind}", day) for kind in kinds]
    wanted += [
        (key, day)
        for key in ("expiring", "audits", f"audits:{Audit.Status.COMPLETED}", f"audits:{Audit.Status.PLANNED}")
    ]
    wanted += [
        (f"findings:{grade}:{what}", day) for grade in FindingGrade.values for what in ("open", "closed", "noted")
    ]
    return list(dict.fromkeys(wanted))


def _kind_rows(constants: dict, got: dict, day: datetime.date) -> list[dict]:
    """Agencies and certified agencies per kind on the day, the largest kinds first."""
    labels = dict(Agency.Kind.choices)
    rows = []
    for key, total in constants.items():
        if key.startswith("agencies:") and total:
            kind = key.split(":", 1)[1]
            rows.append(
                {
                    "kind": kind,
                    "total": total,
                    "certified": got[f"certified:{kind}", day],
                    "label": labels.get(kind, kind),
                }
            )
    rows.sort(key=lambda row: (-row["total"], str(row["label"])))
    return rows


def _troubled(programme: Programme, day: datetime.date) -> list:
    """The first agencies suspended or withdrawn on the day, from the stored timeline, each with its status."""
    agencies = []
    for stretch in selectors.troubled(on=day, programme=programme)[:ATTENTION_ROWS]:
        stretch.agency.status = stretch.status
        agencies.append(stretch.agency)
    return agencies


def _latest_ceremony(day: datetime.date) -> Ceremony | None:
    """The latest ceremony held by the day (or on a day nobody knows), with its certificates' agencies."""
    return (
        Ceremony.objects.filter(Q(held_on__lte=day) | Q(held_on__isnull=True))
        .order_by(F("held_on").desc(nulls_last=True), "title")
        .prefetch_related(Prefetch("certificates", queryset=Certificate.objects.select_related("agency")))
        .first()
    )


def _findings(got: dict, day: datetime.date) -> list[dict]:
    return [
        {
            "grade": grade,
            "label": label,
            **{what: got[f"findings:{grade}:{what}", day] for what in ("open", "closed", "noted")},
        }
        for grade, label in FindingGrade.choices
    ]


def _beside_today(programme: Programme, *, today: datetime.date, day: datetime.date) -> datetime.date | None:
    """The deadline, shown beside today's figure when today is shown and the deadline has passed."""
    return programme.deadline if day == today and today > programme.deadline else None


def build(programme: Programme, *, today: datetime.date, as_of: AsOf) -> Dashboard:
    """The page on ``as_of.day``: every list and count follows that day; today's figure and, once passed,
    the deadline's stand beside it. Without ``?per=`` the view passes today (``AsOfForm.as_of``).
    """
    day = as_of.day
    state = figures.current()
    constants = figures.constants()
    days = series_days(since=state.first_issued, until=max(day, today))
    deadline = _beside_today(programme, today=today, day=day)
    report_days = list(dict.fromkeys(each for each in (day, today, deadline) if each is not None))
    kinds = [key.split(":", 1)[1] for key, total in constants.items() if key.startswith("agencies:") and total]
    wanted = _wanted(days=days, report_days=report_days, kinds=kinds, day=day)
    got = dict(zip(wanted, figures.values(wanted), strict=True))  # one query

    def progress(on: datetime.date) -> Progress:
        return progress_from(programme, got, on)

    kind_rows = _kind_rows(constants, got, day)
    expiring = Certificate.objects.expiring(on=day, within_days=EXPIRY_NOTICE_DAYS).select_related("agency", "standard")
    return Dashboard(
        programme=programme,
        today=today,
        day=day,
        chosen=as_of.chosen,
        lead=progress(day),
        at_today=progress(today) if day != today else None,
        at_deadline=progress(deadline) if deadline is not None else None,
        lapsed_standards=[
            s
            for s in Standard.objects.all()
            if s.certificates_valid_until is not None and s.certificates_valid_until < max(day, today)
        ],
        unconfirmed=constants.get("unconfirmed", 0),
        unknown_dates=constants.get("unknown_dates", 0),
        series=line_chart(
            [(each, got["certified", each]) for each in days],
            target=programme.target_agencies,
            deadline=programme.deadline,
            marker=day,
        ),
        kinds=bar_chart(kind_rows),
        kind_rows=kind_rows,
        suspended_or_withdrawn=Attention(rows=_troubled(programme, day), total=got["troubled", day]),
        expiring=Attention(
            rows=list(expiring[:ATTENTION_ROWS]), total=got["expiring", day], within_days=EXPIRY_NOTICE_DAYS
        ),
        ceremony=_latest_ceremony(day),
        audits={
            "total": got["audits", day],
            "completed": got[f"audits:{Audit.Status.COMPLETED}", day],
            "planned": got[f"audits:{Audit.Status.PLANNED}", day],
        },
        findings=_findings(got, day),
        newest_record=state.newest_record,
        membership=selectors.membership(programme, on=day),
        lapsing=lapsing_standard_agencies(on=day, within_days=STANDARD_END_NOTICE_DAYS),
    )
