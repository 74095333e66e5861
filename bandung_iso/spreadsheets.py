"""Spreadsheet files for django-import-export: CSV and XLSX read with their line numbers, written formula-safe.

- Reading: every data row keeps the line a spreadsheet shows for it (``dataset.source_lines``,
  the header being line 1), so an import names the line of each problem even after blank
  lines or cells spanning several lines. A file that cannot be read raises ``SpreadsheetError``
  with a message for the person who uploaded it (wrong encoding, not an XLSX, too many rows...).
  A CSV saved by a spreadsheet set to Indonesian separates its values with ``;``: both work.
- Writing: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  is a formula to Excel. In CSV it is written with a leading ``'`` (and read back without it,
  so an export imports unchanged); in XLSX it is written as text, never a formula (and marked
  with Excel's own quote prefix, so editing the cell keeps it text).
- ``UploadCacheStorage``: where an uploaded file waits between the import's preview and its
  confirmation: the shared cache, seen by every process and host, with nothing on disk.

Infrastructure: it imports no app.
"""

import csv
import io
from uuid import uuid4

import openpyxl
import tablib
from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX
from import_export.tmp_storages import CacheStorage
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
XLSX_SIGNATURE = b"PK\x03\x04"  # a zip archive, as every XLSX is


class SpreadsheetError(ValueError):
    """A file that cannot be read as the spreadsheet it claims to be; the message says why, for its uploader."""


def _needs_quote(text: str) -> bool:
    # Also a text that already starts with the quote and would otherwise lose it when read back.
    return text[:1] in FORMULA_STARTS or (text[:1] == QUOTE and text[1:2] in (*FORMULA_STARTS, QUOTE))


def quote_formula(value):
    """``value`` as a CSV cell Excel shows as text; ``unquote_formula`` gives it back."""
    if isinstance(value, str) and value and _needs_quote(value):
        return QUOTE + value
    return value


def unquote_formula(text: str) -> str:
    if text[:1] == QUOTE and _needs_quote(text[1:]):
        return text[1:]
    return text


def _too_many_rows(count: int) -> None:
    limit = settings.IMPORT_MAX_ROWS
    if count > limit:
        raise SpreadsheetError(
            _("Berkas ini memuat lebih dari %(limit)s baris data; bagi menjadi beberapa berkas.") % {"limit": limit}
        )


def _dataset(header: list, rows: list[tuple[int, list]]) -> tablib.Dataset:
    """The rows, each as wide as the header, with ``source_lines``; blank rows are left out."""
    width = len(header)
    dataset = tablib.Dataset(headers=header)
    dataset.source_lines = []
    for line, values in rows:
        if all(value in (None, "") for value in values):
            continue
        extra = [value for value in values[width:] if value not in (None, "")]
        if extra:
            raise SpreadsheetError(
                _("Baris %(line)s memuat %(count)s nilai, padahal berkas hanya punya %(width)s kolom.")
                % {"line": line, "count": width + len(extra), "width": width}
            )
        dataset.append(list(values[:width]) + [""] * (width - len(values)))
        dataset.source_lines.append(line)
        _too_many_rows(len(dataset))
    return dataset


class SafeCSV(CSV):
    """CSV in UTF-8 (with or without BOM), ``,`` or ``;``; formula-safe when written."""

    def create_dataset(self, in_stream, **kwargs):
        text = self._text(in_stream)
        if "\x00" in text:
            raise SpreadsheetError(_("Berkas memuat karakter NUL: bukan CSV teks. Simpan ulang sebagai CSV UTF-8."))
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records, last_line = [], 0
        try:
            for values in reader:
                records.append((last_line + 1, [unquote_formula(value) for value in values]))
                last_line = reader.line_num
        except csv.Error as error:
            raise SpreadsheetError(
                _("Baris %(line)s tidak dapat dibaca sebagai CSV (%(error)s).")
                % {"line": last_line + 1, "error": error}
            ) from None
        records = [(line, values) for line, values in records if values]
        if not records:
            return tablib.Dataset()
        (_header_line, header), rows = records[0], records[1:]
        return _dataset(header, rows)

    def _text(self, in_stream) -> str:
        if isinstance(in_stream, str):
            return in_stream.lstrip("\ufeff")
        if in_stream.startswith(XLSX_SIGNATURE):
            raise SpreadsheetError(_("Berkas ini XLSX (Excel), bukan CSV: pilih format xlsx atau biarkan kosong."))
        try:
            return in_stream.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = in_stream[: error.start].count(b"\n") + 1
            raise SpreadsheetError(
                _(
                    "Berkas bukan UTF-8: byte %(byte)s di baris %(line)s tidak terbaca. "
                    "Simpan ulang dari spreadsheet sebagai 'CSV UTF-8'."
                )
                % {"byte": f"0x{in_stream[error.start]:02X}", "line": line}
            ) from None

    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            safe.append([quote_formula(value) for value in row])
        return super().export_data(safe, **kwargs)


class SafeXLSX(XLSX):
    """XLSX (Excel 2007 and later), first sheet; text cells written as text."""

    def create_dataset(self, in_stream):
        if not bytes(in_stream[:4]) == XLSX_SIGNATURE:
            raise SpreadsheetError(
                _("Berkas ini bukan XLSX (Excel 2007 ke atas). Berkas .xls lama: simpan ulang sebagai .xlsx.")
            )
        try:
            book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        except Exception as error:  # a damaged archive raises anything from zipfile, XML or openpyxl
            raise SpreadsheetError(
                _("Berkas XLSX ini rusak atau tidak dapat dibaca (%(error)s).") % {"error": type(error).__name__}
            ) from None
        try:
            rows = book.active.iter_rows(values_only=True)
            header = list(next(rows, None) or [])
            while header and header[-1] in (None, ""):
                header.pop()  # formatted but empty columns at the right
            records = []
            for line, values in enumerate(rows, start=2):
                records.append((line, list(values)))
                if len(records) > 10 * settings.IMPORT_MAX_ROWS:  # mostly blank rows: stop reading
                    _too_many_rows(len(records))
        finally:
            book.close()
        if not header:
            return tablib.Dataset()
        return _dataset(header, records)

    def export_data(self, dataset, **kwargs):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = (dataset.title or "Data")[:31]
        widths = [len(str(header)) for header in dataset.headers]
        for column, header in enumerate(dataset.headers, start=1):
            sheet.cell(row=1, column=column, value=header).font = Font(bold=True)
        for row_number, row in enumerate(dataset, start=2):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column)
                if isinstance(value, str):
                    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    cell.data_type = "s"  # openpyxl made "=..." a formula
                    cell.quotePrefix = _needs_quote(value)
                    widths[column - 1] = max(widths[column - 1], min(len(value), 60))
                else:
                    cell.value = value
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = width + 2
        sheet.freeze_panes = "A2"
        stream = io.BytesIO()
        book.save(stream)
        return stream.getvalue()


class UploadCacheStorage(CacheStorage):
    """An uploaded file between the import's preview and its confirmation, in the shared cache.

    Every process and host of the portal sees it (a preview and its confirmation may reach
    different ones), nothing is written on disk, and a file never confirmed expires after
    ``IMPORT_UPLOAD_TIMEOUT`` seconds. ``read()`` gives None once it has expired.
    """

    CACHE_PREFIX = "import-upload:"

    def _cache(self):
        return caches["default"]  # shared by every process and host (Redis in production)

    def save(self, data):
        if not self.name:
            self.name = uuid4().hex
        self._cache().set(self.CACHE_PREFIX + self.name, data, settings.IMPORT_UPLOAD_TIMEOUT)

    def read(self):
        return self._cache().get(self.CACHE_PREFIX + self.name)

    def remove(self):
        self._cache().delete(self.CACHE_PREFIX + self.name)
