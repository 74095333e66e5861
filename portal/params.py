"""Public query parameters, parsed in one place so bad input is a clear 400, never a 500.

Every public parameter goes through a Django form: its CharFields refuse NUL bytes (which
PostgreSQL would reject with a 500), its ChoiceFields are the whitelist for sorting and
filtering, and dates are bounded so no arithmetic on them can overflow.
"""

import datetime

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certifications.dates import EARLIEST_DAY

LATEST_YEARS_AHEAD = 10


class BadParameter(Exception):
    """A public parameter that cannot be used; ``errors`` maps each parameter to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(errors)


def latest_day(today: datetime.date) -> datetime.date:
    return today.replace(year=today.year + LATEST_YEARS_AHEAD)


class AsOfField(forms.DateField):
    """An "as of" day, written YYYY-MM-DD, between 1 January 1990 and ten years from today."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("label", _("Per tanggal"))
        kwargs.setdefault("help_text", _("Format TTTT-BB-HH, misalnya 2013-12-31."))
        super().__init__(**kwargs)
        self.error_messages["invalid"] = _(
            "Tanggal harus berbentuk TTTT-BB-HH dan ada di kalender, misalnya 2013-12-31."
        )

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        last = latest_day(timezone.localdate())
        if not EARLIEST_DAY <= value <= last:
            raise forms.ValidationError(
                _("Tanggal harus antara %(first)s dan %(last)s."),
                params={"first": EARLIEST_DAY.isoformat(), "last": last.isoformat()},
            )


class AsOfForm(forms.Form):
    per = AsOfField()


def cleaned(form_class: type[forms.Form], request) -> dict:
    """The form's cleaned data from the query string, or BadParameter naming each problem."""
    form = form_class(request.GET)
    if not form.is_valid():
        raise BadParameter({field: [str(m) for m in messages] for field, messages in form.errors.items()})
    return form.cleaned_data


def as_of(request, *, today: datetime.date | None = None) -> tuple[datetime.date, bool]:
    """The day a page reports (``?per=``, else today) and whether the visitor chose it."""
    day = cleaned(AsOfForm, request)["per"]
    return (day, True) if day else (today or timezone.localdate(), False)


def bad_request(request, error: BadParameter):
    """The 400 page: what was wrong with which parameter, in the portal's look."""
    return render(request, "400.html", {"errors": error.errors}, status=400)
