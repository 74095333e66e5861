"""Spreadsheet files and the agency admin's import and export pages, for the tests that use them."""

import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

IMPORT = reverse("admin:agencies_agency_import")
PROCESS = reverse("admin:agencies_agency_process_import")
EXPORT = reverse("admin:agencies_agency_export")
CHANGELIST = reverse("admin:agencies_agency_changelist")
CSV_FORMAT, XLSX_FORMAT = "0", "1"  # their order in the admin's format list

HEADERS = ["slug", "nama", "singkatan", "jenis", "induk", "nama_terkonfirmasi", "sumber", "catatan", "menggantikan"]


def row(**values) -> dict:
    """A full row under HEADERS: a confirmed department from a test source, unless told otherwise."""
    defaults = {"jenis": "department", "nama_terkonfirmasi": "ya", "sumber": "Daftar SKPD uji 2014"}
    return {header: values.get(header, defaults.get(header, "")) for header in HEADERS}


def csv_bytes(rows: list[dict], headers: list[str] = HEADERS, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values.get(header, "") for header in headers])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict], headers: list[str] = HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(header, "") for header in headers])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def upload(client, content: bytes, name: str = "daftar-skpd.csv", file_format: str = ""):
    """POST the file to the import page: the preview (or the form with its errors)."""
    data = {"import_file": SimpleUploadedFile(name, content), "format": file_format, "resource": "0"}
    return client.post(IMPORT, data)


def confirm(client, preview):
    """Confirm the import the preview response offers."""
    return client.post(PROCESS, {"token": preview.context["confirm_form"]["token"].value()})


def confirmable(response) -> bool:
    """Whether the page offers to confirm the import (a preview without problems)."""
    return response.context.get("confirm_form") is not None


def preview_rows(response) -> list[tuple[int, str]]:
    return [(row.line, row.action) for row in response.context["result"].agency_preview]


def problems(response) -> list[tuple[int, str, str, str]]:
    """(line, column, value, message) of every problem the result page lists."""
    return [
        (row.line, problem.column, problem.value, problem.message)
        for row in response.context["result"].agency_preview
        for problem in row.problems
    ]


def form_errors(response) -> list[str]:
    return response.context["form"].errors.get("import_file", [])


def export(client, file_format: str = CSV_FORMAT, query: str = ""):
    return client.post(f"{EXPORT}{query}", {"format": file_format, "resource": "0"})


def exported_rows(response) -> list[dict]:
    """The rows of an exported CSV (a leading ' kept, as a spreadsheet would show it)."""
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))
