"""Dates known only roughly (a date and its precision) in the admin: the forms' note and the year filter."""

import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils.translation import gettext_lazy as _

DATE_PRECISION_DESCRIPTION = _(
    "Tanggal yang hanya diketahui bulan atau tahunnya diisi dengan hari terakhir periode itu "
    "(31 Desember untuk tahun), lalu pilih ketelitiannya. Daftar hanya menampilkan yang diketahui, "
    "misalnya 'sekitar 2012'."
)


class YearListFilter(admin.SimpleListFilter):
    """The years of a date stored with a precision, plus 'tidak diketahui' for no date.

    A date known only roughly is stored as its period's last day, so its year is still the
    year the source gives: filtering on the stored year is right for every precision.
    """

    field_name: str
    UNKNOWN = "tidak_diketahui"

    def lookups(self, request, model_admin):
        years = model_admin.model._default_manager.dates(self.field_name, "year", order="DESC")
        return [(str(year.year), str(year.year)) for year in years] + [(self.UNKNOWN, _("tidak diketahui"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == self.UNKNOWN:
            return queryset.filter(**{f"{self.field_name}__isnull": True})
        try:
            year = int(value)
        except ValueError:
            raise IncorrectLookupParameters(value) from None
        if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
            raise IncorrectLookupParameters(value)
        return queryset.filter(**{f"{self.field_name}__year": year})
