"""The public parameters' parsers (portal/params.py) on the days a calendar makes awkward."""

import datetime

import pytest
from django.utils import timezone

from portal.params import latest_day
from tests.factories import AgencyFactory

D = datetime.date


@pytest.mark.parametrize(
    ("today", "latest"),
    [
        (D(2026, 12, 3), D(2036, 12, 3)),
        (D(2028, 2, 29), D(2038, 2, 28)),  # 2038 has no 29 February
        (D(2030, 2, 28), D(2040, 2, 28)),
        (D(2032, 2, 29), D(2042, 2, 28)),
    ],
)
def test_the_latest_day_is_ten_years_on_and_never_a_day_the_calendar_lacks(today, latest):
    assert latest_day(today) == latest


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "query"), [("/", {}), ("/skpd/", {}), ("/skpd/dinas-uji/", {}), ("/verifikasi/", {"nomor": "ABC 1"})]
)
def test_every_page_given_per_answers_on_29_february(client, monkeypatch, path, query):
    AgencyFactory(slug="dinas-uji")
    # Bandung's date is 29 February 2028: every "?per=" is checked against ten years on.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: D(2028, 2, 29))
    assert client.get(path, {**query, "per": "2013-12-31"}).status_code == 200
    assert client.get(path, {**query, "per": "2038-02-28"}).status_code == 200
    assert client.get(path, {**query, "per": "2038-03-01"}).status_code == 400
