"""The agency list's export in the admin: the import's columns, formula-safe cells, and the round trip.

Who may export which rows: tests/accounts/test_permission_matrix.py.
"""

import csv
import io

import openpyxl
import pytest

from agencies.models import Agency
from tests.factories import AgencyFactory
from tests.spreadsheets import (
    CSV_FORMAT,
    HEADERS,
    XLSX_FORMAT,
    confirm,
    exported_rows,
    preview_rows,
    upload,
)
from tests.spreadsheets import export as export_file

pytestmark = pytest.mark.django_db

# Text that a spreadsheet would run as a formula, each in a column that may hold it.
FORMULAS = {
    "notes": '=HYPERLINK("http://contoh.invalid","klik")',
    "short_name": "+62 22 4234793",
    "source": "-sumber lisan",
}


@pytest.fixture
def agencies():
    health = AgencyFactory(slug="dinas-kesehatan", name="Dinas Kesehatan", short_name="Dinkes")
    AgencyFactory(
        slug="puskesmas-garuda",
        name="Puskesmas Garuda",
        kind=Agency.Kind.HEALTH_CENTRE,
        parent=health,
        name_confirmed=False,
        notes='Baris 1\nbaris 2, dengan koma dan "kutip"',
    )
    AgencyFactory(slug="dinas-rumus", name="@Dinas Rumus", **FORMULAS)
    AgencyFactory(slug="dinas-kutip", name="'=sudah berkutip", notes="'-", source="'biasa")


def test_the_export_has_the_imports_columns_and_values(importer, agencies):
    response = export_file(importer)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="skpd-')
    assert response.content.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads it as UTF-8
    rows = exported_rows(response)
    assert list(rows[0]) == HEADERS
    garuda = next(r for r in rows if r["slug"] == "puskesmas-garuda")
    assert garuda == {
        "slug": "puskesmas-garuda",
        "nama": "Puskesmas Garuda",
        "singkatan": "",
        "jenis": "health_centre",
        "induk": "dinas-kesehatan",
        "nama_terkonfirmasi": "tidak",
        "sumber": "Data uji",
        "catatan": 'Baris 1\nbaris 2, dengan koma dan "kutip"',
        "menggantikan": "",
    }


def test_csv_cells_that_would_be_formulas_start_with_a_quote(importer, agencies):
    # Neither the admin's forms nor the import keep a leading tab: written here as a shell could.
    AgencyFactory(slug="dinas-tab", name="Dinas Tab", notes="\tdiawali tab", short_name="\rCR")
    rows = {r["slug"]: r for r in exported_rows(export_file(importer))}
    formulas = rows["dinas-rumus"]
    assert formulas["nama"] == "'@Dinas Rumus"
    assert formulas["catatan"] == "'" + FORMULAS["notes"]
    assert formulas["singkatan"] == "'" + FORMULAS["short_name"]
    assert formulas["sumber"] == "'" + FORMULAS["source"]
    quoted = rows["dinas-kutip"]
    assert (quoted["nama"], quoted["catatan"], quoted["sumber"]) == ("''=sudah berkutip", "''-", "'biasa")
    assert (rows["dinas-tab"]["catatan"], rows["dinas-tab"]["singkatan"]) == ("'\tdiawali tab", "'\rCR")
    # Nothing else is touched.
    assert rows["dinas-kesehatan"]["nama"] == "Dinas Kesehatan"


def test_xlsx_cells_are_text_never_formulas(importer, agencies):
    response = export_file(importer, XLSX_FORMAT)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    for text in [*FORMULAS.values(), "@Dinas Rumus", "'=sudah berkutip"]:
        assert cells[text].data_type == "s", text
    assert cells[FORMULAS["notes"]].quotePrefix is True
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet.title == "SKPD"


@pytest.mark.parametrize("file_format", [CSV_FORMAT, XLSX_FORMAT])
def test_an_exported_file_edited_in_one_row_imports_that_row_only(importer, agencies, file_format):
    exported = export_file(importer, file_format).content
    if file_format == CSV_FORMAT:
        edited, name = _edit_csv(exported), "skpd.csv"
    else:
        edited, name = _edit_xlsx(exported), "skpd.xlsx"
    history = {agency.slug: agency.history.count() for agency in Agency.objects.all()}
    response = upload(importer, edited, name=name)
    assert sorted(action for _line, action in preview_rows(response)) == ["unchanged"] * 3 + ["update"]
    [changed] = [r for r in response.context["result"].agency_preview if r.action == "update"]
    assert (changed.slug, [(c.column, c.new) for c in changed.changes]) == (
        "puskesmas-garuda",
        [("singkatan", "Pusk. Garuda")],
    )
    confirm(importer, response)
    for agency in Agency.objects.all():
        expected = history[agency.slug] + (agency.slug == "puskesmas-garuda")
        assert agency.history.count() == expected, agency.slug
    assert Agency.objects.get(slug="puskesmas-garuda").short_name == "Pusk. Garuda"
    assert Agency.objects.get(slug="dinas-rumus").notes == FORMULAS["notes"]


def _edit_csv(content: bytes) -> bytes:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    for values in rows:
        if values[0] == "puskesmas-garuda":
            values[2] = "Pusk. Garuda"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _edit_xlsx(content: bytes) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "puskesmas-garuda":
            row[2].value = "Pusk. Garuda"
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def test_the_export_follows_the_changelists_filter_and_search(importer, agencies):
    assert [r["slug"] for r in exported_rows(export_file(importer, query="?kind__exact=health_centre"))] == [
        "puskesmas-garuda"
    ]
    assert [r["slug"] for r in exported_rows(export_file(importer, query="?q=kesehatan"))] == ["dinas-kesehatan"]


def test_the_export_reads_a_fixed_number_of_queries(importer, agencies, django_assert_max_num_queries):
    for n in range(20):
        AgencyFactory(parent=Agency.objects.get(slug="dinas-kesehatan"), name=f"UPTD {n}")
    # Session, user, permissions, the rows with their parents; never one query per row.
    with django_assert_max_num_queries(8):
        assert len(exported_rows(export_file(importer))) == 24
