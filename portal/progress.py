"""The programme's progress from the stored figures: on a day, and as a series of the days it changed.

One home for "how far was the programme on day D" as the public reports it: the dashboard, the
open data's progress data set and the API's progress endpoints all read it here, so their
figures agree (tests/portal/test_progress.py checks them against ``Programme.progress``).
"""

import datetime

from certifications.models import Programme, Progress
from certifications.timeline import REASONS

from . import figures
from .models import Figure

PROGRESS_KEYS = ("certified", *REASONS)


def progress_from(programme: Programme, got: dict, on: datetime.date) -> Progress:
    """``Progress`` on ``on`` from figures already read: ``got`` maps (key, day) to the value."""
    return Progress(
        on=on,
        target=programme.target_agencies,
        certified=got["certified", on],
        **{name: got[name, on] for name in REASONS},
    )


def wanted_for(days: list[datetime.date]) -> list[tuple[str, datetime.date]]:
    """The (key, day) pairs ``progress_from`` needs for each of ``days``."""
    return [(key, day) for day in days for key in PROGRESS_KEYS]


def progress_on(programme: Programme, *, days: list[datetime.date]) -> list[Progress]:
    """The programme's progress on each of ``days``, in that order: two queries, whatever the count."""
    figures.current()
    days = list(dict.fromkeys(days))
    wanted = wanted_for(days)
    got = dict(zip(wanted, figures.values(wanted), strict=True))
    return [progress_from(programme, got, day) for day in days]


def change_days(*, until: datetime.date) -> list[datetime.date]:
    """Every day up to ``until`` on which a progress figure changed, and each year's end from the first to
    ``until``'s year (a year's end after ``until`` is left out), in order."""
    state = figures.current()
    changed = set(
        Figure.objects.filter(key__in=PROGRESS_KEYS, day__lte=until)
        .exclude(day=figures.ALWAYS)
        .values_list("day", flat=True)
    )
    first = min([*changed, *([state.first_issued] if state.first_issued else [])], default=until)
    year_ends = {datetime.date(year, 12, 31) for year in range(first.year, until.year + 1)}
    return sorted(day for day in changed | year_ends if day <= until)


def progress_series(programme: Programme, *, until: datetime.date) -> list[Progress]:
    """The progress on every day it changed up to ``until``, and at each year's end: a few queries, any length."""
    return progress_on(programme, days=change_days(until=until))
