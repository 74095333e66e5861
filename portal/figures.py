"""The dashboard's figures as step functions of the day, kept in step with the records.

Every figure the dashboard counts on a day is a count of things (agencies, certificates,
audits, findings) for which a condition holds on that day, and for each thing the condition
holds over whole stretches of days: an agency's status over the stretches of its stored
timeline (``certifications.timeline``); a finding is open from its audit's start until it is
closed. Summed over the things, a figure changes only on the days some stretch
starts or ends. ``compute()`` turns the records into those changes and ``rebuild()`` stores,
per figure, its value from each such day (``Figure``); a figure on any day is then the row
with the latest day on or before it: one indexed lookup, whatever the number of agencies,
instead of a pass over 80,000 certificates per request.

The agency figures are read from the stored stretches, and the expiring certificates from
``certifications.timeline.expiring_stretch``: no rule is written here again.
tests/portal/test_figures.py checks that each figure equals ``Programme.progress``, the
selectors, ``Certificate.objects.expiring`` and the audit and finding counts on many random
records and days, on both database engines.

Never stale: every write to the data the public pages show (the same writes as the page
cache's; ``mark_changed`` is connected in ``PortalConfig.ready()``) adds a ``FigureChange``
row in the writer's own transaction; a dashboard request that finds one rebuilds first (one process at a time: the
others wait for it and then find the figures current) and clears the rows it included.
Writes made outside Django need ``manage.py invalidate_public_pages`` (which also marks the
figures stale) or ``rebuild_figures``.
"""

import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, F, Max
from django.utils import timezone

from agencies.models import Agency, AgencyStatus
from certifications.models import (
    Audit,
    Ceremony,
    Certificate,
    Finding,
    FindingStatus,
    Programme,
    ProgrammeMember,
    StatusStretch,
)
from certifications.notice import EXPIRY_NOTICE_DAYS
from certifications.timeline import FACT_LOOKUPS, REASONS, CertificateFacts, expiring_stretch

from .models import Figure, FigureChange, FigureState

# Figures that do not depend on the day are stored once, from the first day there is.
ALWAYS = datetime.date.min
TROUBLED = (AgencyStatus.SUSPENDED, AgencyStatus.WITHDRAWN)
ONE_DAY = datetime.timedelta(days=1)


def _next(day: datetime.date) -> datetime.date | None:
    """The day after ``day``; None after the last day a date can hold (nothing ends then)."""
    return None if day == datetime.date.max else day + ONE_DAY


@dataclass
class Computed:
    """What ``compute()`` finds: per figure key, its change on each day."""

    changes: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))

    def add(self, key: str, day: datetime.date | None, by: int) -> None:
        if day is not None:
            self.changes[key][day] += by

    def stretch(self, key: str, first: datetime.date, after_last: datetime.date | None) -> None:
        """``key`` counts one more from ``first`` up to the day before ``after_last``."""
        self.add(key, first, 1)
        self.add(key, after_last, -1)

    def rows(self) -> list[tuple[str, datetime.date, int]]:
        """Each key's value from each day it changes: (key, day, value), days in order."""
        total = defaultdict(int)
        for key, changes in self.changes.items():
            if key.startswith("certified:"):
                for day, by in changes.items():
                    total[day] += by
        rows = []
        for key, changes in [*self.changes.items(), ("certified", total)]:
            value = 0
            for day in sorted(changes):
                if changes[day]:
                    value += changes[day]
                    rows.append((key, day, value))
        return rows


def _member_days(stretches: list, memberships: dict) -> list:
    """Each stretch cut to the days its agency counts toward the target (its memberships), as
    (agency, first day, last day, status, *reasons); an agency outside the programme drops out.
    """
    cut = []
    for agency, starts_on, ends_on, status, *reasons in stretches:
        for member_from, member_to in memberships.get(agency, ()):
            first, last = max(starts_on, member_from), min(ends_on, member_to)
            if first <= last:
                cut.append((agency, first, last, status, *reasons))
    return cut


def _agency_stretches(result: Computed, stretches: list, kinds: dict, memberships: dict) -> None:
    """The agency figures from the stored timeline, on the days each agency counts toward the target:
    each stretch counts under its status and reasons, as ``Programme.progress`` counts them.

    Certified counts under its kind only ("certified:<kind>"; the total is their sum, see
    ``Computed.rows``); "troubled" counts the agencies suspended or withdrawn.
    """
    for agency, starts_on, ends_on, status, *reasons in _member_days(stretches, memberships):
        after = _next(ends_on)
        if status == AgencyStatus.CERTIFIED:
            result.stretch(f"certified:{kinds[agency]}", starts_on, after)
        elif status in TROUBLED:
            result.stretch("troubled", starts_on, after)
        for name, holds in zip(REASONS, reasons, strict=True):
            if holds:
                result.stretch(name, starts_on, after)


def _expiring(result: Computed, certificates: list[CertificateFacts]) -> None:
    """Certificates valid on the day and ceasing within EXPIRY_NOTICE_DAYS of it."""
    for certificate in certificates:
        stretch = expiring_stretch(certificate, within_days=EXPIRY_NOTICE_DAYS)
        if stretch:
            result.stretch("expiring", stretch[0], _next(stretch[1]))


def compute(
    *,
    certificates: list,
    stretches: list,
    kinds: dict,
    memberships: dict,
    audits: list,
    findings: list,
    constants: dict | None = None,
) -> Computed:
    """Every figure's changes from the records (plain tuples; no database).

    ``certificates``: ``CertificateFacts`` each; ``stretches``: the stored timeline's rows as
    (agency, starts_on, ends_on, status, *reasons); ``kinds``: agency id -> kind, every agency;
    ``memberships``: agency id -> [(first day, last day)] it counts toward the current programme;
    ``audits``: (starts_on, status); ``findings``: (grade, status, closed_on, audit's starts_on);
    ``constants``: counts that do not depend on the day, by key.
    """
    result = Computed()
    for key, value in (constants or {}).items():
        result.add(key, ALWAYS, value)
    _expiring(result, certificates)
    _agency_stretches(result, stretches, kinds, memberships)
    for kind in kinds.values():
        result.add(f"agencies:{kind}", ALWAYS, 1)
    for starts_on, status in audits:
        result.add("audits", starts_on, 1)
        result.add(f"audits:{status}", starts_on, 1)
    for grade, status, closed_on, starts_on in findings:
        if status == FindingStatus.NOTED:  # observations and opportunities are only noted: never open or closed
            result.add(f"findings:{grade}:noted", starts_on, 1)
            continue
        closed = max(starts_on, closed_on) if status == FindingStatus.CLOSED and closed_on is not None else None
        result.stretch(f"findings:{grade}:open", starts_on, closed)
        result.add(f"findings:{grade}:closed", closed, 1)
    return result


def _memberships() -> dict:
    """Agency id -> the stretches of days it counts toward the current programme (open ends filled)."""
    memberships = defaultdict(list)
    programme = Programme.objects.current()
    rows = ProgrammeMember.objects.filter(programme=programme).values_list("agency_id", "starts_on", "ends_on")
    for agency, starts_on, ends_on in rows.order_by() if programme else ():
        memberships[agency].append((starts_on or datetime.date.min, ends_on or datetime.date.max))
    return memberships


def _records() -> dict:
    certificates = [CertificateFacts(*row) for row in Certificate.objects.order_by().values_list(*FACT_LOOKUPS)]
    return {
        "certificates": certificates,
        "stretches": list(
            StatusStretch.objects.order_by().values_list("agency_id", "starts_on", "ends_on", "status", *REASONS)
        ),
        "kinds": dict(Agency.objects.order_by().values_list("pk", "kind")),
        "memberships": _memberships(),
        "audits": list(Audit.objects.order_by().values_list("starts_on", "status")),
        "findings": list(Finding.objects.order_by().values_list("grade", "status", "closed_on", "audit__starts_on")),
        "constants": {
            "unconfirmed": Agency.objects.unconfirmed().count(),
            "unknown_dates": Certificate.objects.exclude(issued_precision="day").count(),
        },
    }


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert many rows in one statement.

    ``bulk_create`` builds a model instance per row and, on SQLite, a statement per 333 rows:
    three seconds for the 136,000 figures of 40,000 agencies. PostgreSQL takes the columns as
    arrays (unnest); SQLite, in-process, runs one prepared statement over every row.
    """
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in columns]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    # Only our own table's quoted names and column types go into the text; the values are parameters.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: the fastest way in (unnest of 136,000-element arrays took 1.5 s, mostly
            # psycopg2 quoting them). The values are ours: keys, dates, numbers, statuses;
            # none holds a tab, a newline or a backslash.
            text = "".join("\t".join(r"\N" if v is None else str(v) for v in row) + "\n" for row in rows)
            cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", io.StringIO(text))
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def mark_changed(*, using: str | None = None, **kwargs) -> None:
    """Receiver of every write to the records: the figures are stale from now on (in the writer's transaction)."""
    FigureChange.objects.using(using).create()


def rebuild(*, force: bool = False) -> FigureState:
    """Rebuild every figure from the records, unless they are current (or ``force``)."""
    with transaction.atomic():
        FigureState.objects.bulk_create([FigureState(pk=1)], ignore_conflicts=True)
        # Take the row's write lock before reading anything: a second process wanting to
        # rebuild waits here and then finds the figures current. An UPDATE rather than
        # select_for_update(), which SQLite ignores: there it takes the database's write lock
        # up front instead of failing to upgrade a read lock later.
        FigureState.objects.filter(pk=1).update(built_at=F("built_at"))
        state = FigureState.objects.get(pk=1)
        # The writes committed by now, read before the records: each of them is in what is
        # read next. Exactly these are cleared afterwards; a write still open now (whatever
        # its id) keeps its row and makes the next read rebuild again.
        seen = list(FigureChange.objects.values_list("pk", flat=True))
        if state.built_at is not None and not seen and not force:
            return state
        records = _records()
        result = compute(**records)
        Figure.objects.all().delete()
        _insert(Figure, ["key", "day", "value"], result.rows())
        # The dates from the records already read; only the ceremonies are not among them.
        issued = [c.issued_on for c in records["certificates"] if c.issued_on is not None]
        newest = [
            *issued,
            *(c.status_changed_on for c in records["certificates"] if c.status_changed_on is not None),
            *(starts_on for starts_on, _status in records["audits"]),
            Ceremony.objects.aggregate(a=Max("held_on"))["a"],
        ]
        state.first_issued = min(issued, default=None)
        state.newest_record = max((d for d in newest if d is not None), default=None)
        state.built_at = timezone.now()
        state.save()
        for start in range(0, len(seen), 900):  # under any engine's limit of parameters
            FigureChange.objects.filter(pk__in=seen[start : start + 900]).delete()
        return state


def current() -> FigureState:
    """The figures' state, rebuilt first if a write has made them stale. One query when current."""
    state = FigureState.objects.annotate(stale=Exists(FigureChange.objects.all())).filter(pk=1).first()
    if state is None or state.built_at is None or state.stale:
        state = rebuild()
    return state


def values(wanted: list[tuple[str, datetime.date]]) -> list[int]:
    """Each (key, day)'s figure on that day (0 before its first change), in one query.

    One scalar subquery per figure, each an index probe on (key, day). Written as SQL
    because building 60 ORM subqueries costs more Python than the probes cost the database.
    """
    if not wanted:
        return []
    table, value_, key_, day_ = map(connection.ops.quote_name, (Figure._meta.db_table, "value", "key", "day"))
    # Only quoted identifiers of our own table go into the text; keys and days are parameters.
    probe = f"(SELECT {value_} FROM {table} WHERE {key_} = %s AND {day_} <= %s ORDER BY {day_} DESC LIMIT 1)"  # noqa: S608
    params = [each for key, day in wanted for each in (key, day)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join([probe] * len(wanted)), params)
        return [value or 0 for value in cursor.fetchone()]


def constants() -> dict[str, int]:
    """The figures that do not depend on the day (agencies per kind ...), by key."""
    return dict(Figure.objects.filter(day=ALWAYS).values_list("key", "value"))
