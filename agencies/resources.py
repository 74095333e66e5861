"""The agency list as a spreadsheet: django-import-export's resource for ``Agency``.

Import, row by row, inside one transaction (a preview is the same run, rolled back):
- the row's agency is the one named in ``menggantikan`` when that is a placeholder
  (skpd-belum-teridentifikasi-NN, or just NN): the placeholder takes the row's name, slug,
  kind, parent, source..., and keeps its primary key, certificates, ceremonies and history;
  its old slug then redirects (``agencies.former_slugs``). Otherwise the agency whose slug is
  the row's ``slug`` (empty: made from the name), or a new one;
- every field goes through the same ``full_clean()`` as the admin's form, plus what only a
  whole file can break: a name, slug or placeholder twice in the file, a name another
  agency has (case-insensitive);
- a row equal to the agency as stored is left untouched (no history entry);
- each saved agency's history entry names the uploaded file.

Export writes the same columns (``agencies.import_columns``), so an exported file edited in a
spreadsheet imports back changing only what was edited.
"""

import os
from collections import defaultdict
from contextlib import nullcontext

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field
from import_export.results import RowResult

from bandung_iso.public_cache import on_commit_only

from . import import_preview
from .import_columns import (
    BY_KEY,
    COLUMNS,
    KindWidget,
    ParentWidget,
    TextWidget,
    YesNoWidget,
    cell_text,
    is_placeholder_slug,
    match_columns,
    placeholder_slug,
)
from .models import Agency

NAME, SLUG, REPLACES = BY_KEY["name"].header, BY_KEY["slug"].header, BY_KEY["replaces"].header


def _field(key: str, widget=None, **kwargs) -> Field:
    return Field(attribute=key, column_name=BY_KEY[key].header, widget=widget or TextWidget(), **kwargs)


def shown_file_name(name: str | None) -> str:
    """The uploaded file's name as history shows it: its last part, printable, at most 100 characters."""
    name = os.path.basename((name or "").replace("\\", "/"))
    return "".join(character for character in name if character.isprintable())[:100] or "?"


class AgencyResource(resources.ModelResource):
    slug = _field("slug")
    name = _field("name")
    short_name = _field("short_name")
    kind = _field("kind", KindWidget())
    parent = _field("parent", ParentWidget())
    name_confirmed = _field("name_confirmed", YesNoWidget())
    source = _field("source")
    notes = _field("notes")
    # An instruction for the import, not a field: exported empty.
    replaces = Field(column_name=REPLACES, widget=TextWidget(), readonly=True)

    class Meta:
        model = Agency
        name = gettext_lazy("SKPD")
        fields = tuple(column.key for column in COLUMNS)
        import_order = export_order = fields
        import_id_fields = ["slug"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True  # the preview shows its own old -> new per column
        store_instance = True
        store_row_values = True
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.lines: list[int] = []
        self.layout = import_preview.Layout({}, {})
        self.file_problems: dict[int, dict[str, list[str]]] = {}

    # --- The whole file ---------------------------------------------------------------------------

    def import_data(self, dataset, dry_run=False, **kwargs):
        # A preview is rolled back: the pages kept in the cache must not be thrown away for it.
        with on_commit_only() if dry_run else nullcontext():
            return super().import_data(dataset, dry_run=dry_run, **kwargs)

    def before_import(self, dataset, **kwargs):
        """The file's columns under their exported headers, every cell as text, the problems only the file shows."""
        lines = list(getattr(dataset, "source_lines", None) or range(2, len(dataset) + 2))
        original_headers = list(dataset.headers or [])
        try:
            indexes = match_columns(original_headers, list(dataset))
        except ValidationError:
            dataset.wipe()  # no row is read under columns that were not understood
            raise
        keys = list(indexes)
        rows = [[cell_text(row[indexes[key]]) for key in keys] for row in dataset]
        headers = [BY_KEY[key].header for key in keys]
        if SLUG not in headers:
            headers.append(SLUG)
            rows = [[*row, ""] for row in rows]
        slug_at, name_at = headers.index(SLUG), headers.index(NAME)
        for row in rows:
            row[slug_at] = row[slug_at] or slugify(row[name_at])
        if REPLACES in headers:
            at = headers.index(REPLACES)
            for row in rows:
                row[at] = placeholder_slug(row[at])
        dataset.wipe()
        dataset.headers = headers
        for row in rows:
            dataset.append(row)
        self.lines = lines
        self.layout = import_preview.Layout(
            {key: str(original_headers[index]) for key, index in indexes.items()}, dict(indexes)
        )
        self.file_problems = self._repeated([dict(zip(headers, row, strict=True)) for row in rows])

    def _repeated(self, rows: list[dict]) -> dict[int, dict[str, list[str]]]:
        """A name, slug or placeholder that an earlier row of the file already has, by row number (from 1)."""
        found: dict[int, dict[str, list[str]]] = defaultdict(dict)
        first_seen: dict[str, dict[str, int]] = defaultdict(dict)
        for number, row in enumerate(rows, start=1):
            for key, value in (
                ("name", row[NAME].casefold()),
                ("slug", row[SLUG]),
                ("replaces", row.get(REPLACES, "")),
            ):
                if not value:
                    continue
                if value in first_seen[key]:
                    line = self.lines[first_seen[key][value] - 1]
                    found[number][key] = [_("Sudah ada di baris %(line)s berkas ini.") % {"line": line}]
                else:
                    first_seen[key][value] = number
        return dict(found)

    def after_import(self, dataset, result, **kwargs):
        # Not ModelResource's, which resets the id sequence to the largest id after new rows: a
        # concurrent insert could then be given an id already taken. Ids come from the sequence.
        result.agency_file = shown_file_name(kwargs.get("file_name"))
        result.agency_preview = import_preview.describe(result, lines=self.lines, layout=self.layout)
        result.agency_totals = import_preview.totals(result.agency_preview)

    # --- One row ----------------------------------------------------------------------------------

    def get_instance(self, instance_loader, row):
        replaces = row.get(REPLACES, "")
        if replaces:
            return self._placeholder(replaces, row[SLUG])
        return Agency.objects.filter(slug=row[SLUG]).first()

    def _placeholder(self, slug: str, row_slug: str) -> Agency:
        """The agency ``menggantikan`` names; a row merged before (same slug since) updates it again."""
        target = Agency.objects.filter(slug=slug).first()
        if target is not None:
            if not is_placeholder_slug(target.slug):
                raise ValidationError(
                    {"replaces": _("'%(slug)s' bukan SKPD sementara (skpd-belum-teridentifikasi-NN).") % {"slug": slug}}
                )
            target.merging_placeholder = target.placeholder_number
            return target
        successor = Agency.objects.formerly(slug).first()
        if successor is None:
            raise ValidationError({"replaces": _("Tidak ada SKPD sementara '%(slug)s'.") % {"slug": slug}})
        if successor.slug != row_slug:
            raise ValidationError(
                {
                    "replaces": _("SKPD sementara ini sudah digabung ke %(name)s (slug %(slug)s).")
                    % {"name": successor.name, "slug": successor.slug}
                }
            )
        return successor

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # An empty "nama_terkonfirmasi" on a new agency keeps the model's default: a new
        # agency's source names it (Agency.name_confirmed).
        if field.attribute == "name_confirmed" and instance.pk is None and not row.get(field.column_name):
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for key, messages in self.file_problems.get(kwargs.get("row_number"), {}).items():
            errors.setdefault(key, []).extend(messages)
        if instance.name and "name" not in errors:
            other = Agency.objects.filter(name__iexact=instance.name).exclude(pk=instance.pk).first()
            if other is not None:
                errors["name"] = [
                    _("Nama ini sudah dipakai SKPD lain (slug %(slug)s).") % {"slug": other.slug},
                ]
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        reason = _("Impor SKPD dari berkas %(file)s") % {"file": shown_file_name(kwargs.get("file_name"))}
        number = getattr(instance, "merging_placeholder", None)
        if number is not None:
            reason += _("; menggantikan SKPD sementara #%(number)02d") % {"number": number}
        instance._change_reason = reason

    def after_import_row(self, row, row_result, **kwargs):
        instance, new = row_result.instance, row_result.import_type == RowResult.IMPORT_TYPE_NEW
        row_result.placeholder = getattr(instance, "merging_placeholder", None)
        if row_result.import_type == RowResult.IMPORT_TYPE_SKIP:
            row_result.agency_action = import_preview.Action.UNCHANGED
        elif new:
            row_result.agency_action = import_preview.Action.NEW
        elif row_result.placeholder is not None:
            row_result.agency_action = import_preview.Action.MERGE
        else:
            row_result.agency_action = import_preview.Action.UPDATE
        if row_result.agency_action != import_preview.Action.UNCHANGED:
            row_result.changes = import_preview.changes(self, row_result.original, instance, new=new)

    # --- Export -----------------------------------------------------------------------------------

    def dehydrate_replaces(self, agency):
        return ""

    def after_export(self, queryset, dataset, **kwargs):
        dataset.title = "SKPD"  # the XLSX sheet's name
