"""Dates that the sources know only roughly.

A date is stored as a pair: a ``DateField`` and its precision. For anything less than a
day the stored date is the *last* day of the period (31 December for a year, the month's
last day for a month): the day through which the fact is known to hold. So a date known
only to its year counts as held through that year's end, and a plain ``<=`` in SQL gives
the right answer. The display never shows the normalised day, only what is known.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Exact
from django.utils import formats
from django.utils.translation import gettext_lazy as _

YEAR_PRECISIONS = ("year", "about_year", "by_year")
# The earliest day a typed date may be (a public "as of" day, the day of a workflow step, the
# reminders' --date): a bound, so that no arithmetic on a date someone typed can overflow.
EARLIEST_DAY = datetime.date(1990, 1, 1)
# The latest such day is this many years after today (``latest_day``); a workflow step stops at today.
LATEST_YEARS_AHEAD = 10
ONE_DAY = datetime.timedelta(days=1)


class DatePrecision(models.TextChoices):
    DAY = "day", _("tanggal pasti")
    MONTH = "month", _("bulan (tanggal tidak diketahui)")
    YEAR = "year", _("tahun (bulan tidak diketahui)")
    ABOUT_YEAR = "about_year", _("sekitar tahun (perkiraan)")
    BY_YEAR = "by_year", _("paling lambat tahun (perkiraan)")
    UNKNOWN = "unknown", _("tidak diketahui")


def precision_field(verbose_name, *, help_text) -> models.CharField:
    """The precision half of a date-with-precision pair."""
    return models.CharField(
        verbose_name, max_length=12, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN, help_text=help_text
    )


def typed_precision(value, precision: str | None) -> str:
    """The precision of a date as someone typed it: a full date with its precision left unknown is a day.

    The admin's precision box starts at "unknown", and a file's precision column may be left
    empty: a full day typed beside either means that day, not a contradiction to refuse.
    A precision chosen (month, year, about or by a year) is kept, and validated as before.
    """
    if value not in (None, "") and precision in (None, "", DatePrecision.UNKNOWN):
        return DatePrecision.DAY
    return precision or DatePrecision.UNKNOWN


def period_end(value: datetime.date, precision: str) -> datetime.date:
    """The last day of the period that ``value`` stands for at ``precision``."""
    if precision == DatePrecision.MONTH:
        return value.replace(day=calendar.monthrange(value.year, value.month)[1])
    if precision in YEAR_PRECISIONS:
        return value.replace(month=12, day=31)
    return value


def period_start(value: datetime.date, precision: str) -> datetime.date:
    """The first day of the period that ``value`` stands for at ``precision``: the earliest it may mean."""
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    if precision in YEAR_PRECISIONS:
        return value.replace(month=1, day=1)
    return value


def years_later(value: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` on; a 29 February lands on 28 February in a year without one.

    The portal's one leap-day rule (docs/architecture.md, "29 February"): never 1 March, which
    would stretch a span past the years it stands for.
    """
    year = value.year + years
    if value.month == 2 and value.day == 29 and not calendar.isleap(year):
        return datetime.date(year, 2, 28)
    return value.replace(year=year)


def latest_day(today: datetime.date) -> datetime.date:
    """The latest day a typed date may be: the same day ``LATEST_YEARS_AHEAD`` years after ``today``."""
    return years_later(today, LATEST_YEARS_AHEAD)


def add_years(value: datetime.date | None, precision: str, years: int) -> datetime.date | None:
    """``value`` moved by ``years`` at the same precision (a derived date is no more exact).

    For an exact day the result is the day before the anniversary, as a three-year
    certificate issued on 14 May 2012 runs through 13 May 2015. A period from 29 February
    runs through 28 February in a year without one: ``years_later`` has already moved it
    back a day there, and taking another off would shorten the period.
    """
    if value is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.DAY:
        anniversary = years_later(value, years)
        return anniversary if anniversary.day != value.day else anniversary - ONE_DAY
    return period_end(value.replace(day=1, year=value.year + years), precision)


def format_approximate(value: datetime.date | None, precision: str) -> str:
    """The date as far as it is known, in the active language: "sekitar 2012"."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return str(_("tidak diketahui"))
    if precision == DatePrecision.DAY:
        return formats.date_format(value, "DATE_FORMAT")
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    if precision == DatePrecision.ABOUT_YEAR:
        return str(_("sekitar %(year)s") % {"year": value.year})
    if precision == DatePrecision.BY_YEAR:
        return str(_("paling lambat %(year)s") % {"year": value.year})
    return str(value.year)


def validate_approximate(value: datetime.date | None, precision: str, *, field: str) -> None:
    """Friendly messages for the invariants that ``approximate_date_constraints`` enforce."""
    if precision == DatePrecision.UNKNOWN:
        if value is not None:
            raise ValidationError(
                {
                    field: _(
                        "Tanggal diisi, padahal ketelitiannya 'tidak diketahui'. "
                        "Kosongkan tanggal atau pilih ketelitian yang sesuai."
                    )
                }
            )
        return
    if value is None:
        raise ValidationError({field: _("Tanggal wajib diisi bila ketelitiannya bukan 'tidak diketahui'.")})
    if value != period_end(value, precision):
        raise ValidationError(
            {
                field: _(
                    "Untuk ketelitian '%(precision)s' simpan hari terakhir periodenya (%(expected)s), "
                    "bukan tanggal yang tidak diketahui."
                )
                % {"precision": DatePrecision(precision).label, "expected": period_end(value, precision).isoformat()}
            }
        )


class MonthDay(models.Func):
    """A date's "MM-DD", with each database's built-in functions only.

    SQLite keeps dates as ISO text, PostgreSQL formats with an explicit pattern, so neither
    depends on a session's DateStyle nor on a function that only Django's connection knows.
    """

    arity = 1
    output_field = models.CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 6, 5)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'MM-DD')", **extra)


class NextDayOfMonth(models.Func):
    """The day of the month ("01".."31") of the day after a date: "01" exactly on a month's last day."""

    arity = 1
    output_field = models.CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="substr(date(%(expressions)s, '+1 day'), 9, 2)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="to_char((%(expressions)s) + 1, 'DD')", **extra)


def approximate_date_constraints(prefix: str, field: str, precision_field: str) -> list:
    """Named database constraints for one date-with-precision pair."""
    unknown = Q(**{precision_field: DatePrecision.UNKNOWN})
    return [
        models.CheckConstraint(
            condition=Q(**{f"{precision_field}__in": DatePrecision.values}),
            name=f"{prefix}_{field}_precision_valid",
        ),
        models.CheckConstraint(
            condition=(unknown & Q(**{f"{field}__isnull": True})) | (~unknown & Q(**{f"{field}__isnull": False})),
            name=f"{prefix}_{field}_known_unless_unknown",
        ),
        models.CheckConstraint(
            condition=~Q(**{f"{precision_field}__in": YEAR_PRECISIONS}) | Exact(MonthDay(field), "12-31"),
            name=f"{prefix}_{field}_year_is_year_end",
        ),
        models.CheckConstraint(
            condition=~Q(**{precision_field: DatePrecision.MONTH}) | Exact(NextDayOfMonth(field), "01"),
            name=f"{prefix}_{field}_month_is_month_end",
        ),
    ]
