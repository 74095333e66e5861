"""The programme's progress as the public reads it (portal/progress.py) against ``Programme.progress``."""

import datetime

import pytest
from django.core.management import call_command

from certifications.models import Programme
from portal.progress import change_days, progress_on, progress_series

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2013, 12, 31)
ONE_DAY = datetime.timedelta(days=1)


@pytest.fixture
def programme():
    call_command("load_initial_agencies", verbosity=0)
    return Programme.objects.current()


def test_progress_on_the_deadline_equals_the_programme_rule(programme):
    (got,) = progress_on(programme, days=[DEADLINE])
    assert got == programme.progress(on=DEADLINE)
    assert (got.certified, got.target) == (44, 83)


def test_the_series_holds_each_change_and_each_years_end_in_order(programme):
    until = datetime.date(2014, 6, 30)
    series = progress_series(programme, until=until)
    days = [each.on for each in series]
    assert days == sorted(set(days))
    assert days[-1] <= until
    assert {datetime.date(2012, 12, 31), DEADLINE} <= set(days)
    for each in series:
        assert each == programme.progress(on=each.on)


def test_nothing_changes_between_two_days_of_the_series(programme):
    series = progress_series(programme, until=datetime.date(2014, 6, 30))
    listed = {each.on for each in series}
    gaps = [(a, b) for a, b in zip(series, series[1:], strict=False) if b.on - ONE_DAY not in listed]
    assert gaps, "the shipped data has days between its changes"
    for earlier, later in gaps:
        day_before = later.on - ONE_DAY
        assert programme.progress(on=day_before) == earlier.__class__(**{**earlier.__dict__, "on": day_before})


def test_no_day_before_the_first_record():
    assert change_days(until=datetime.date(1990, 1, 1)) == []
