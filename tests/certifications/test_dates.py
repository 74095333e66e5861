"""Dates known only roughly: the pure functions of certifications.dates (no database)."""

import calendar
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from certifications.dates import (
    DatePrecision,
    add_years,
    format_approximate,
    latest_day,
    period_end,
    typed_precision,
    validate_approximate,
    years_later,
)

D = datetime.date
YEAR_PRECISIONS = [DatePrecision.YEAR, DatePrecision.ABOUT_YEAR, DatePrecision.BY_YEAR]


# period_end ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        pytest.param(D(2012, 5, 14), DatePrecision.DAY, D(2012, 5, 14), id="day-unchanged"),
        pytest.param(D(2012, 5, 14), DatePrecision.UNKNOWN, D(2012, 5, 14), id="unknown-unchanged"),
        pytest.param(D(2012, 5, 1), DatePrecision.MONTH, D(2012, 5, 31), id="month-31"),
        pytest.param(D(2012, 4, 1), DatePrecision.MONTH, D(2012, 4, 30), id="month-30"),
        pytest.param(D(2012, 2, 10), DatePrecision.MONTH, D(2012, 2, 29), id="february-leap"),
        pytest.param(D(2013, 2, 10), DatePrecision.MONTH, D(2013, 2, 28), id="february-common"),
        pytest.param(D(1900, 2, 1), DatePrecision.MONTH, D(1900, 2, 28), id="february-1900-not-leap"),
        pytest.param(D(2000, 2, 1), DatePrecision.MONTH, D(2000, 2, 29), id="february-2000-leap"),
        pytest.param(D(2012, 12, 31), DatePrecision.MONTH, D(2012, 12, 31), id="month-already-at-end"),
        *[pytest.param(D(2012, 3, 4), p, D(2012, 12, 31), id=f"{p}-to-31-dec") for p in YEAR_PRECISIONS],
    ],
)
def test_period_end(value, precision, expected):
    assert period_end(value, precision) == expected


# add_years -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "years", "expected"),
    [
        # An exact day: the day before the anniversary (14 May 2012 + 3 years runs through 13 May 2015).
        pytest.param(D(2012, 5, 14), DatePrecision.DAY, 3, D(2015, 5, 13), id="day-before-anniversary"),
        pytest.param(D(2012, 1, 1), DatePrecision.DAY, 3, D(2014, 12, 31), id="day-new-year-to-old-year-end"),
        pytest.param(D(2012, 3, 1), DatePrecision.DAY, 3, D(2015, 2, 28), id="day-1-march"),
        pytest.param(D(2011, 3, 1), DatePrecision.DAY, 1, D(2012, 2, 29), id="day-before-1-march-in-leap-year"),
        # 29 February in a year without one: the period still runs through 28 February.
        pytest.param(D(2012, 2, 29), DatePrecision.DAY, 3, D(2015, 2, 28), id="day-29-february-to-common-year"),
        pytest.param(D(2012, 2, 29), DatePrecision.DAY, 4, D(2016, 2, 28), id="day-29-february-to-leap-year"),
        pytest.param(D(2015, 5, 14), DatePrecision.DAY, -3, D(2012, 5, 13), id="day-negative-years"),
        # 28 February is an ordinary day: the day before its anniversary, 29 February or not.
        pytest.param(D(2028, 2, 28), DatePrecision.DAY, 1, D(2029, 2, 27), id="day-28-february-of-leap-year"),
        pytest.param(D(2027, 2, 28), DatePrecision.DAY, 1, D(2028, 2, 27), id="day-28-february-to-leap-year"),
        pytest.param(D(2028, 12, 31), DatePrecision.DAY, 3, D(2031, 12, 30), id="day-31-december"),
        pytest.param(D(2029, 1, 1), DatePrecision.DAY, 3, D(2031, 12, 31), id="day-1-january-to-31-december"),
        pytest.param(D(2000, 2, 29), DatePrecision.DAY, 100, D(2100, 2, 28), id="day-29-february-to-2100"),
        # Coarser precisions keep their precision and land on the period's last day.
        pytest.param(D(2012, 5, 31), DatePrecision.MONTH, 3, D(2015, 5, 31), id="month"),
        pytest.param(D(2012, 4, 30), DatePrecision.MONTH, 3, D(2015, 4, 30), id="month-30-days"),
        pytest.param(D(2012, 2, 29), DatePrecision.MONTH, 3, D(2015, 2, 28), id="month-february-to-common"),
        pytest.param(D(2011, 2, 28), DatePrecision.MONTH, 1, D(2012, 2, 29), id="month-february-to-leap"),
        *[pytest.param(D(2012, 12, 31), p, 3, D(2015, 12, 31), id=f"{p}") for p in YEAR_PRECISIONS],
    ],
)
def test_add_years(value, precision, years, expected):
    assert add_years(value, precision, years) == expected


@pytest.mark.parametrize("precision", [DatePrecision.MONTH, *YEAR_PRECISIONS])
def test_add_years_result_is_a_valid_stored_date_at_the_same_precision(precision):
    result = add_years(period_end(D(2012, 2, 1), precision), precision, 3)
    assert result == period_end(result, precision)
    validate_approximate(result, precision, field="expires_on")  # must not raise


@pytest.mark.parametrize(
    ("value", "precision"),
    [
        pytest.param(None, DatePrecision.DAY, id="no-date"),
        pytest.param(D(2012, 5, 14), DatePrecision.UNKNOWN, id="unknown-precision"),
    ],
)
def test_add_years_of_an_unknown_date_is_unknown(value, precision):
    assert add_years(value, precision, 3) is None


def test_a_period_from_any_day_of_four_years_lasts_its_years_and_ends_in_the_right_month():
    # Every day of 2027-2030 (one leap year among them): the period of one, three and ten years
    # ends the day before the same day that many years on, or on 28 February from a 29 February.
    day = D(2027, 1, 1)
    while day.year < 2031:
        for years in (1, 3, 10):
            end = add_years(day, DatePrecision.DAY, years)
            if (day.month, day.day) == (2, 29) and not calendar.isleap(day.year + years):
                assert end == D(day.year + years, 2, 28)
            else:
                assert end == day.replace(year=day.year + years) - datetime.timedelta(days=1)
        day += datetime.timedelta(days=1)


# years_later and latest_day --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "years", "expected"),
    [
        pytest.param(D(2028, 2, 29), 10, D(2038, 2, 28), id="29-february-to-common-year"),
        pytest.param(D(2028, 2, 29), 4, D(2032, 2, 29), id="29-february-to-leap-year"),
        pytest.param(D(2028, 2, 29), 1, D(2029, 2, 28), id="29-february-next-year"),
        pytest.param(D(2028, 2, 29), -1, D(2027, 2, 28), id="29-february-a-year-back"),
        pytest.param(D(2000, 2, 29), 100, D(2100, 2, 28), id="2100-is-no-leap-year"),
        pytest.param(D(1996, 2, 29), 4, D(2000, 2, 29), id="2000-is-a-leap-year"),
        pytest.param(D(2027, 2, 28), 1, D(2028, 2, 28), id="28-february-stays-28-february"),
        pytest.param(D(2028, 2, 28), 1, D(2029, 2, 28), id="28-february-of-leap-year"),
        pytest.param(D(2027, 3, 1), 1, D(2028, 3, 1), id="1-march"),
        pytest.param(D(2028, 12, 31), 10, D(2038, 12, 31), id="31-december"),
    ],
)
def test_years_later_is_the_same_day_and_28_february_for_a_missing_29th(value, years, expected):
    assert years_later(value, years) == expected


def test_years_later_never_leaves_the_month():
    day = D(2027, 1, 1)
    while day.year < 2031:
        for years in (-1, 1, 4, 10):
            later = years_later(day, years)
            assert (later.year, later.month) == (day.year + years, day.month)
            assert later.day == min(day.day, calendar.monthrange(later.year, later.month)[1])
        day += datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("today", "latest"),
    [
        (D(2026, 12, 3), D(2036, 12, 3)),
        (D(2028, 2, 29), D(2038, 2, 28)),  # 2038 has no 29 February
        (D(2028, 2, 28), D(2038, 2, 28)),
        (D(2030, 2, 28), D(2040, 2, 28)),  # not 29 February 2040, though 2040 has one
        (D(2032, 2, 29), D(2042, 2, 28)),
        (D(2036, 2, 29), D(2046, 2, 28)),
        (D(2028, 12, 31), D(2038, 12, 31)),
    ],
)
def test_the_latest_typed_day_is_ten_years_on_and_never_a_day_the_calendar_lacks(today, latest):
    assert latest_day(today) == latest


# format_approximate ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        pytest.param(D(2012, 5, 14), DatePrecision.DAY, "14 Mei 2012", id="day"),
        pytest.param(D(2012, 5, 31), DatePrecision.MONTH, "Mei 2012", id="month"),
        pytest.param(D(2012, 12, 31), DatePrecision.YEAR, "2012", id="year"),
        pytest.param(D(2012, 12, 31), DatePrecision.ABOUT_YEAR, "sekitar 2012", id="about-year"),
        pytest.param(D(2012, 12, 31), DatePrecision.BY_YEAR, "paling lambat 2012", id="by-year"),
        pytest.param(None, DatePrecision.UNKNOWN, "tidak diketahui", id="unknown"),
        pytest.param(None, DatePrecision.DAY, "tidak diketahui", id="no-date-at-day-precision"),
        pytest.param(D(2012, 12, 31), DatePrecision.UNKNOWN, "tidak diketahui", id="date-with-unknown-precision"),
    ],
)
def test_format_approximate_in_indonesian_by_default(value, precision, expected):
    assert translation.get_language() == "id"
    assert format_approximate(value, precision) == expected


def test_format_approximate_never_shows_the_normalised_day():
    for precision in (DatePrecision.MONTH, *YEAR_PRECISIONS):
        text = format_approximate(D(2012, 12, 31), precision)
        assert "31" not in text
        assert "2012" in text


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        pytest.param(D(2012, 5, 14), DatePrecision.DAY, "May 14, 2012", id="day"),
        pytest.param(D(2012, 9, 14), DatePrecision.DAY, "Sept. 14, 2012", id="day-abbreviated-month"),
        pytest.param(D(2012, 5, 31), DatePrecision.MONTH, "May 2012", id="month"),
        pytest.param(D(2012, 12, 31), DatePrecision.YEAR, "2012", id="year"),
    ],
)
def test_format_approximate_uses_django_formats_of_the_active_language(value, precision, expected):
    with translation.override("en"):
        assert format_approximate(value, precision) == expected


@pytest.mark.parametrize("precision", [DatePrecision.ABOUT_YEAR, DatePrecision.BY_YEAR])
def test_format_approximate_keeps_the_year_in_english(precision):
    # The app's own words are not translated to English yet: only the date part is asserted.
    with translation.override("en"):
        text = format_approximate(D(2012, 12, 31), precision)
    assert "2012" in text
    assert "31" not in text


# validate_approximate --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision"),
    [
        pytest.param(None, DatePrecision.UNKNOWN, id="unknown"),
        pytest.param(D(2012, 5, 14), DatePrecision.DAY, id="day"),
        pytest.param(D(2012, 5, 31), DatePrecision.MONTH, id="month"),
        pytest.param(D(2012, 4, 30), DatePrecision.MONTH, id="month-30"),
        pytest.param(D(2012, 2, 29), DatePrecision.MONTH, id="february-leap"),
        pytest.param(D(2013, 2, 28), DatePrecision.MONTH, id="february-common"),
        *[pytest.param(D(2012, 12, 31), p, id=str(p)) for p in YEAR_PRECISIONS],
    ],
)
def test_validate_approximate_accepts(value, precision):
    assert validate_approximate(value, precision, field="issued_on") is None


@pytest.mark.parametrize(
    ("value", "precision", "message"),
    [
        pytest.param(
            D(2012, 12, 31), DatePrecision.UNKNOWN, "padahal ketelitiannya 'tidak diketahui'", id="unknown-with-date"
        ),
        pytest.param(None, DatePrecision.DAY, "Tanggal wajib diisi", id="day-without-date"),
        pytest.param(None, DatePrecision.ABOUT_YEAR, "Tanggal wajib diisi", id="about-year-without-date"),
        pytest.param(D(2012, 5, 14), DatePrecision.MONTH, "(2012-05-31)", id="month-not-at-end"),
        pytest.param(D(2012, 2, 28), DatePrecision.MONTH, "(2012-02-29)", id="february-28-in-leap-year"),
        pytest.param(D(2012, 4, 28), DatePrecision.MONTH, "(2012-04-30)", id="april-28"),
        *[pytest.param(D(2012, 6, 30), p, "(2012-12-31)", id=f"{p}-not-31-dec") for p in YEAR_PRECISIONS],
        pytest.param(D(2012, 12, 30), DatePrecision.YEAR, "(2012-12-31)", id="year-30-dec"),
    ],
)
def test_validate_approximate_refuses_on_the_named_field(value, precision, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_approximate(value, precision, field="expires_on")
    errors = excinfo.value.message_dict
    assert list(errors) == ["expires_on"]
    assert message in " ".join(errors["expires_on"])


def test_validate_approximate_names_the_precision_in_indonesian():
    with pytest.raises(ValidationError) as excinfo:
        validate_approximate(D(2012, 6, 30), DatePrecision.ABOUT_YEAR, field="held_on")
    assert "sekitar tahun (perkiraan)" in excinfo.value.message_dict["held_on"][0]


# typed_precision -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        pytest.param(D(2026, 12, 3), DatePrecision.UNKNOWN, DatePrecision.DAY, id="date-left-unknown-is-a-day"),
        pytest.param(D(2026, 12, 3), "", DatePrecision.DAY, id="date-left-empty-is-a-day"),
        pytest.param("2026-12-03", None, DatePrecision.DAY, id="text-left-empty-is-a-day"),
        *[pytest.param(D(2012, 12, 31), p, p, id=f"{p}-kept") for p in YEAR_PRECISIONS],
        pytest.param(D(2012, 5, 31), DatePrecision.MONTH, DatePrecision.MONTH, id="month-kept"),
        pytest.param(None, DatePrecision.UNKNOWN, DatePrecision.UNKNOWN, id="nothing-typed-stays-unknown"),
        pytest.param(None, DatePrecision.YEAR, DatePrecision.YEAR, id="precision-without-date-kept-for-validation"),
        pytest.param("", "", DatePrecision.UNKNOWN, id="empty-is-unknown"),
    ],
)
def test_typed_precision(value, precision, expected):
    assert typed_precision(value, precision) == expected
