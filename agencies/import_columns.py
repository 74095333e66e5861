"""The columns of the agency spreadsheet (import and export), and how each cell is read and written.

Headers are exported in Bahasa Indonesia (``nama``, ``jenis``...); on import each column may
also be spelled in English (``name``, ``kind``...), in any case, with spaces or hyphens for
underscores. ``nama`` and ``sumber`` are required; a column left out leaves that field of
existing agencies as it is. Cells are read as text whatever the file made of them (numbers,
dates, booleans from XLSX), trimmed.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export.widgets import Widget

from .loader import FALSE_WORDS, TRUE_WORDS
from .models import PLACEHOLDER_SLUG, Agency, AgencyKind


@dataclass(frozen=True)
class Column:
    key: str  # the resource's field: the model attribute, or "replaces"
    header: str  # as exported
    english: str  # accepted on import too
    required: bool = False


COLUMNS = (
    Column("slug", "slug", "slug"),
    Column("name", "nama", "name", required=True),
    Column("short_name", "singkatan", "short_name"),
    Column("kind", "jenis", "kind"),
    Column("parent", "induk", "parent"),
    Column("name_confirmed", "nama_terkonfirmasi", "name_confirmed"),
    Column("source", "sumber", "source", required=True),
    Column("notes", "catatan", "notes"),
    Column("replaces", "menggantikan", "replaces"),
)
BY_KEY = {column.key: column for column in COLUMNS}


def spelling(text) -> str:
    """A header or a word as compared: case, spaces, hyphens and underscores do not matter."""
    return "_".join(str(text or "").replace("-", " ").replace("_", " ").casefold().split())


SPELLINGS = {spelling(name): column for column in COLUMNS for name in (column.header, column.english)}


def column_letter(index: int) -> str:
    """The spreadsheet's name of the column at ``index`` (0: A, 26: AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def accepted_headers() -> str:
    return ", ".join(f"{c.header} ({c.english})" if c.english != c.header else c.header for c in COLUMNS)


def match_columns(headers: list, rows) -> dict[str, int]:
    """Each known column's index in the file, by resource field; raises ValidationError listing every header problem.

    A column without a header is allowed only when it is empty (spreadsheets add such columns).
    """
    found: dict[str, int] = {}
    problems = []
    for index, header in enumerate(headers):
        where = column_letter(index)
        if not spelling(header):
            if any(index < len(row) and cell_text(row[index]) for row in rows):
                problems.append(_("Kolom %(column)s berisi nilai tetapi tidak berjudul.") % {"column": where})
            continue
        column = SPELLINGS.get(spelling(header))
        if column is None:
            problems.append(_("Kolom %(column)s '%(header)s' tidak dikenal.") % {"column": where, "header": header})
        elif column.key in found:
            problems.append(
                _("Kolom %(column)s '%(header)s' mengulang kolom %(first)s: keduanya berarti '%(name)s'.")
                % {"column": where, "header": header, "first": column_letter(found[column.key]), "name": column.header}
            )
        else:
            found[column.key] = index
    missing = [column.header for column in COLUMNS if column.required and column.key not in found]
    if missing:
        problems.append(_("Kolom wajib tidak ada: %(columns)s.") % {"columns": ", ".join(missing)})
    if problems:
        problems.append(_("Kolom yang dikenal: %(columns)s.") % {"columns": accepted_headers()})
        raise ValidationError(problems)
    return found


def cell_text(value) -> str:
    """A cell as trimmed text: XLSX gives numbers, dates and booleans as such."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        value = value.isoformat()
    return str(value).replace("\x00", "").strip()


def placeholder_slug(text: str) -> str:
    """``menggantikan`` as a slug: a bare number (25, #25) names placeholder skpd-belum-teridentifikasi-25."""
    number = text.lstrip("#").strip()
    if number.isdigit():
        return f"skpd-belum-teridentifikasi-{int(number):02d}"
    return text


def is_placeholder_slug(slug: str) -> bool:
    return PLACEHOLDER_SLUG.match(slug) is not None


# --- Widgets: a cell to a value on import, a value to a cell on export ---------------------------


class TextWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        return value or ""

    def render(self, value, obj=None, **kwargs):
        return value or ""


class KindWidget(Widget):
    """The stored value (``department``) or its label in Bahasa Indonesia or English (``Dinas``); empty: unknown."""

    def __init__(self):
        super().__init__()
        self._kinds = None

    def kinds(self) -> dict[str, str]:
        if self._kinds is None:
            self._kinds = {}
            for kind in AgencyKind:
                for language in ("en", "id"):
                    with translation.override(language):
                        self._kinds[spelling(kind.label)] = kind.value
                self._kinds[spelling(kind.value)] = kind.value
        return self._kinds

    def clean(self, value, row=None, **kwargs):
        if not value:
            return AgencyKind.UNKNOWN
        kind = self.kinds().get(spelling(value))
        if kind is None:
            raise ValueError(
                _("Jenis '%(value)s' tidak dikenal. Pilihan: %(choices)s (atau labelnya, misalnya 'Dinas').")
                % {"value": value, "choices": ", ".join(AgencyKind.values)}
            )
        return kind

    def render(self, value, obj=None, **kwargs):
        return value or ""


class ParentWidget(Widget):
    """The parent agency by its slug (a former slug works too); empty: no parent."""

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        parent = Agency.objects.with_slug_or_former(value).first()
        if parent is None:
            raise ValueError(
                _(
                    "SKPD induk '%(value)s' tidak ada. Tulis slug SKPD induk; SKPD induk yang baru "
                    "harus berada di baris sebelumnya dalam berkas."
                )
                % {"value": value}
            )
        return parent

    def render(self, value, obj=None, **kwargs):
        return value.slug if value is not None else ""


class YesNoWidget(Widget):
    """``ya``/``tidak`` (also yes/no, true/false, 1/0); empty: no (a new agency keeps its default, see the resource)."""

    def clean(self, value, row=None, **kwargs):
        word = (value or "").casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(_("'%(value)s' bukan 'ya' atau 'tidak'.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "ya" if value else "tidak"
