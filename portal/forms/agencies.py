"""The public register's query parameters: search, filters, sort whitelist, page and "as of" day."""

from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from agencies.models import AgencyKind, AgencyStatus

from ..params import AsOfForm, FilterField, PageField, SearchField, SortField

PER_PAGE = 25
DEFAULT_SORT = "nama"


def _rank(field: str, values) -> Case:
    """The position of ``field``'s value in ``values``: kinds and statuses sort in their own order, not A–Z."""
    return Case(
        *(When(**{field: value}, then=Value(position)) for position, value in enumerate(values)),
        default=Value(len(values)),
        output_field=IntegerField(),
    )


# ?jenis= keeps the Indonesian words the register's links have always carried (public parameters
# are in Bahasa Indonesia; the stored values are English), in the kinds' own order.
KINDS_BY_PARAMETER = {
    "sekretariat": AgencyKind.SECRETARIAT,
    "dinas": AgencyKind.DEPARTMENT,
    "badan": AgencyKind.BOARD,
    "kantor": AgencyKind.OFFICE,
    "inspektorat": AgencyKind.INSPECTORATE,
    "satpol_pp": AgencyKind.CIVIL_SERVICE_POLICE,
    "kecamatan": AgencyKind.DISTRICT,
    "rumah_sakit": AgencyKind.HOSPITAL,
    "puskesmas": AgencyKind.HEALTH_CENTRE,
    "lainnya": AgencyKind.OTHER,
    "tidak_diketahui": AgencyKind.UNKNOWN,
}

# ?jenis= keeps the Indonesian words the register's links have always carried (public parameters
# are in Bahasa Indonesia; the stored values are English), in the kinds' own order.
KINDS_BY_PARAMETER = {
    "sekretariat": AgencyKind.SECRETARIAT,
    "dinas": AgencyKind.DEPARTMENT,
    "badan": AgencyKind.BOARD,
    "kantor": AgencyKind.OFFICE,
    "inspektorat": AgencyKind.INSPECTORATE,
    "satpol_pp": AgencyKind.CIVIL_SERVICE_POLICE,
    "kecamatan": AgencyKind.DISTRICT,
    "rumah_sakit": AgencyKind.HOSPITAL,
    "puskesmas": AgencyKind.HEALTH_CENTRE,
    "lainnya": AgencyKind.OTHER,
    "tidak_diketahui": AgencyKind.UNKNOWN,
}

# The whitelist: a public key, its label, and the ordering it stands for. Nothing else reaches order_by().
SORTS = {
    "nama": (_("Nama (A–Z)"), (Lower("name").asc(), "pk")),
    "-nama": (_("Nama (Z–A)"), (Lower("name").desc(), "-pk")),
    "jenis": (_("Jenis"), (_rank("kind", AgencyKind.values).asc(), Lower("name").asc(), "pk")),
    "-jenis": (_("Jenis (terbalik)"), (_rank("kind", AgencyKind.values).desc(), Lower("name").asc(), "pk")),
    "status": (_("Status"), (_rank("status", AgencyStatus.values).asc(), Lower("name").asc(), "pk")),
    "-status": (_("Status (terbalik)"), (_rank("status", AgencyStatus.values).desc(), Lower("name").asc(), "pk")),
}


class AgencyRegisterForm(AsOfForm):
    """``?q=&jenis=&status=&urut=&per=&halaman=``; a bad value is a 400 naming its parameter.

    Cleaned, ``jenis`` is the public word and ``kind`` the ``AgencyKind`` it stands for ("" for all).
    """

    q = SearchField(label=_("Nama atau singkatan"))
    jenis = FilterField(
        label=_("Jenis"),
        choices=[(key, kind.label) for key, kind in KINDS_BY_PARAMETER.items()],
        everything=_("Semua jenis"),
    )
    status = FilterField(label=_("Status"), choices=AgencyStatus.choices, everything=_("Semua status"))
    urut = SortField(label=_("Urutkan"), sorts=SORTS, default=DEFAULT_SORT)
    halaman = PageField()

    field_order = ["q", "jenis", "status", "per", "urut"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["per"].help_text = _("TTTT-BB-HH, misalnya 2013-12-31. Kosongkan untuk hari ini.")

    def clean(self):
        cleaned_data = super().clean()
        # "jenis" stays the public word, for the links; "kind" is the stored value it stands for.
        cleaned_data["kind"] = KINDS_BY_PARAMETER.get(cleaned_data.get("jenis"), "")
        return cleaned_data

    @property
    def ordering(self) -> tuple:
        """The order_by() arguments for the whitelisted sort the visitor asked for."""
        return self.fields["urut"].ordering(self.cleaned_data["urut"])
