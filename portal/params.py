"""Public query parameters: one parser per parameter, used by every page that takes it.

Each parser is a form field, so bad input is a clear 400 naming the parameter, never a 500:
text fields refuse NUL bytes (which PostgreSQL would reject with a 500), choice fields are the
whitelist for sorting and filtering, the page number is any text (the paginator tolerates it)
and the day is bounded so no arithmetic on it can overflow. A page's form gathers the fields
of its parameters; ``parse()`` validates it or raises ``BadParameter``, and ``bad_request()``
answers that.

The parameters and their parsers: ``per`` (``AsOfField``), ``halaman`` (``PageField``),
``q`` (``SearchField``), ``urut`` (``SortField``), ``jenis`` and ``status`` (``FilterField``
with the models' choices); ``portal.forms.agencies`` declares the register's. The certificate check's
``nomor`` and ``lembaga`` are its own (``portal.forms.certificates``), beside this ``per``.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from certifications.dates import EARLIEST_DAY, latest_day


class BadParameter(Exception):
    """A public parameter that cannot be used; ``errors`` maps each parameter to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(errors)


class AsOfField(forms.DateField):
    """``?per=``: an "as of" day, written YYYY-MM-DD, between 1 January 1990 and ten years from today."""

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


class PageField(forms.CharField):
    """``?halaman=``: any text; ``Paginator.get_page()`` turns 'abc', '0' or a huge number into a page that exists."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class SearchField(forms.CharField):
    """``?q=``: words to look for, at most 100 characters, shown in a search box."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(**kwargs)


class FilterField(forms.ChoiceField):
    """A filter (``?jenis=``, ``?status=``): one of ``choices``, or blank for all of them (``everything``)."""

    def __init__(self, *, choices, everything, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=[("", everything), *choices], **kwargs)


class SortField(forms.ChoiceField):
    """``?urut=``: a key of ``sorts`` (the whitelist: key → (label, ordering)); blank is ``default``.

    Only a whitelisted key's ordering ever reaches ``order_by()``: see ``ordering()``.
    """

    def __init__(self, *, sorts: dict[str, tuple], default: str, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=[(key, label) for key, (label, _ordering) in sorts.items()], **kwargs)
        self.sorts = sorts
        self.default = default

    def clean(self, value):
        return super().clean(value) or self.default

    def ordering(self, key: str) -> tuple:
        """The order_by() arguments for a key this field accepted."""
        return self.sorts[key][1]


@dataclass(frozen=True)
class AsOf:
    """The day a page reports, and whether the visitor chose it with ``?per=`` (else it is the page's default)."""

    day: datetime.date
    chosen: bool

    @property
    def query(self) -> str:
        """``?per=...`` for links to other pages, so the visitor stays on the chosen day; empty on the default."""
        return "?" + urlencode({"per": self.day.isoformat()}) if self.chosen else ""


class AsOfForm(forms.Form):
    """The ``?per=`` of a page that reports "as of" a day; pages with more parameters extend it."""

    per = AsOfField()

    def as_of(self, *, default: datetime.date | None = None) -> AsOf:
        """The visitor's day if given, else ``default`` (today unless the page has its own, as the dashboard)."""
        chosen = self.cleaned_data["per"]
        if chosen is not None:
            return AsOf(day=chosen, chosen=True)
        return AsOf(day=default or timezone.localdate(), chosen=False)


def parse(form_class: type[forms.Form], request) -> forms.Form:
    """The page's form bound to the query string and valid (to show again as typed), or BadParameter."""
    form = form_class(request.GET)
    if not form.is_valid():
        raise BadParameter({field: [str(m) for m in messages] for field, messages in form.errors.items()})
    return form


def bad_request(request, error: BadParameter):
    """The 400 page: what was wrong with which parameter, in the portal's look."""
    return render(request, "400.html", {"errors": error.errors}, status=400)
