"""What an agency import does to each row of the file, for the preview and the result page.

``describe()`` turns django-import-export's result into one ``PreviewRow`` per data row, in the
file's order: new, updated (each changed column, old and new), unchanged, merged into
placeholder #NN, or refused with each problem's line, column and value.
"""

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.results import RowResult

from .import_columns import BY_KEY, COLUMNS, column_letter


class Action:
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    MERGE = "merge"
    ERROR = "error"


LABELS = {
    Action.NEW: gettext_lazy("baru"),
    Action.UPDATE: gettext_lazy("diperbarui"),
    Action.UNCHANGED: gettext_lazy("tidak berubah"),
    Action.MERGE: gettext_lazy("digabung ke SKPD sementara"),
    Action.ERROR: gettext_lazy("ditolak"),
}


@dataclass
class Change:
    column: str
    old: str
    new: str


@dataclass
class Problem:
    column: str  # "C (jenis)", or "" for the row as a whole
    value: str
    message: str


@dataclass
class PreviewRow:
    line: int
    action: str
    name: str = ""
    slug: str = ""
    placeholder: int | None = None
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(LABELS[self.action])


@dataclass
class Layout:
    """Where each column sits in the uploaded file, for naming it in a problem."""

    headers: dict[str, str]  # resource field -> the header as written in the file
    indexes: dict[str, int]  # resource field -> its index in the file

    def where(self, key: str) -> str:
        if key not in self.headers:
            return BY_KEY[key].header if key in BY_KEY else ""
        return f"{column_letter(self.indexes[key])} ({self.headers[key]})"


def changes(resource, original, instance, *, new: bool) -> list[Change]:
    """Every column whose exported text differs (for a new agency: every column it fills)."""
    found = []
    for column in COLUMNS:
        resource_field = resource.fields[column.key]
        if resource_field.attribute is None:
            continue
        after = resource_field.export(instance)
        before = "" if new else resource_field.export(original)
        if after != before:
            found.append(Change(column.header, before, after))
    return found


def problems(row_result, values: dict, layout: Layout) -> list[Problem]:
    """The row's problems, column by column from left to right; those about the whole row first."""
    found = []
    if row_result.validation_error is not None:
        error = row_result.validation_error
        messages = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        for key, texts in messages.items():
            column = BY_KEY.get(key)
            value = values.get(column.header, "") if column else ""
            where = layout.where(key) if column else ""
            found.extend((layout.indexes.get(key, -1), Problem(where, value, text)) for text in texts)
    for error in row_result.errors:
        found.append((-1, Problem("", "", _("Tidak dapat disimpan: %(error)s") % {"error": error.error})))
    return [problem for _order, problem in sorted(found, key=lambda pair: pair[0])]


def describe(result, *, lines: list[int], layout: Layout) -> list[PreviewRow]:
    """One ``PreviewRow`` per data row of the file (``lines``: each row's line in the file)."""
    rows = []
    for line, row_result in zip(lines, result.rows, strict=False):
        values = row_result.row_values or {}
        row = PreviewRow(
            line=line,
            action=getattr(row_result, "agency_action", Action.ERROR),
            name=values.get("nama", ""),
            slug=values.get("slug", ""),
            placeholder=getattr(row_result, "placeholder", None),
            changes=getattr(row_result, "changes", []),
        )
        if row_result.import_type in (RowResult.IMPORT_TYPE_INVALID, RowResult.IMPORT_TYPE_ERROR):
            row.action = Action.ERROR
            row.problems = problems(row_result, values, layout)
        rows.append(row)
    return rows


def totals(rows: list[PreviewRow]) -> dict[str, int]:
    counts = dict.fromkeys(LABELS, 0)
    for row in rows:
        counts[row.action] += 1
    return counts
