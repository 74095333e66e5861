"""CSV and XLSX for django-import-export: line numbers kept, formulas never written, clear refusals."""

import io

import openpyxl
import pytest
import tablib

from bandung_iso.spreadsheets import SafeCSV, SafeXLSX, SpreadsheetError, quote_formula, unquote_formula

TRICKY = ["", "biasa", "=1+1", "+62", "-", "@a", "\tx", "\rx", "'", "'a", "'=1", "''=1", "''", "a=1", " =1", "'\t"]


@pytest.mark.parametrize("text", TRICKY)
def test_a_quoted_cell_reads_back_as_it_was(text):
    assert unquote_formula(quote_formula(text)) == text


@pytest.mark.parametrize("text", TRICKY)
def test_no_quoted_cell_starts_like_a_formula(text):
    assert quote_formula(text)[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_only_risky_cells_are_quoted():
    assert [quote_formula(text) for text in ("biasa", "a=1", "'a", "=1", "'=1")] == [
        "biasa",
        "a=1",
        "'a",
        "'=1",
        "''=1",
    ]
    assert quote_formula(42) == 42


def test_csv_rows_keep_the_line_a_spreadsheet_shows():
    text = 'nama,catatan\r\nA,satu\r\n\r\nB,"dua\r\nbaris"\r\nC,tiga\r\n'
    dataset = SafeCSV().create_dataset(text.encode())
    assert list(dataset) == [("A", "satu"), ("B", "dua\r\nbaris"), ("C", "tiga")]
    assert dataset.source_lines == [2, 4, 6]


def test_csv_with_semicolons_as_an_indonesian_excel_saves_it():
    dataset = SafeCSV().create_dataset("\ufeffnama;sumber\r\nDinas A;Perda 13/2007, hlm. 2\r\n".encode())
    assert dataset.headers == ["nama", "sumber"]
    assert list(dataset) == [("Dinas A", "Perda 13/2007, hlm. 2")]


def test_csv_short_rows_are_padded_and_quoted_cells_unquoted():
    dataset = SafeCSV().create_dataset(b"a,b,c\r\n'=1\r\n")
    assert list(dataset) == [("=1", "", "")]


def test_csv_export_quotes_formulas_and_reads_back():
    dataset = tablib.Dataset(["=SUM(A1)", "@x", "biasa"], headers=["a", "b", "c"])
    written = SafeCSV().export_data(dataset)
    assert written.splitlines()[1] == "'=SUM(A1),'@x,biasa"
    assert list(SafeCSV().create_dataset(written.encode())) == [("=SUM(A1)", "@x", "biasa")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("nama\r\nCibéunying\r\n".encode("latin-1"), "Berkas bukan UTF-8: byte 0xE9 di baris 2 tidak terbaca."),
        (b"nama\r\nA\x00B\r\n", "Berkas memuat karakter NUL"),
        (b"PK\x03\x04 bukan teks", "Berkas ini XLSX (Excel), bukan CSV"),
        (b"a\r\nx,y\r\n", "Baris 2 memuat 2 nilai, padahal berkas hanya punya 1 kolom."),
    ],
)
def test_csv_refusals_say_why(content, message):
    with pytest.raises(SpreadsheetError) as error:
        SafeCSV().create_dataset(content)
    assert message in str(error.value)


def test_too_many_rows_are_refused_while_reading(settings):
    settings.IMPORT_MAX_ROWS = 2
    with pytest.raises(SpreadsheetError, match="lebih dari 2 baris data"):
        SafeCSV().create_dataset(b"a\r\n1\r\n2\r\n3\r\n")


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for values in rows:
        book.active.append(values)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def test_xlsx_rows_keep_their_sheet_line_and_types():
    dataset = SafeXLSX().create_dataset(xlsx([["nama", "angka", None], ["A", 1, None], [None, None], ["B", 2.5]]))
    assert dataset.headers == ["nama", "angka"]  # the empty column at the right dropped
    assert list(dataset) == [("A", 1), ("B", 2.5)]
    assert dataset.source_lines == [2, 4]


def test_xlsx_export_writes_text_never_a_formula():
    dataset = tablib.Dataset(["=1+1", "-2", "biasa"], headers=["a", "b", "c"])
    sheet = openpyxl.load_workbook(io.BytesIO(SafeXLSX().export_data(dataset))).active
    assert [cell.value for cell in sheet[2]] == ["=1+1", "-2", "biasa"]
    assert [cell.data_type for cell in sheet[2]] == ["s", "s", "s"]
    assert [cell.quotePrefix for cell in sheet[2]] == [True, True, False]
    assert sheet.freeze_panes == "A2"


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"nama,sumber\r\n", "bukan XLSX"), (b"PK\x03\x04rusak", "rusak atau tidak dapat dibaca (BadZipFile)")],
)
def test_xlsx_refusals_say_why(content, message):
    with pytest.raises(SpreadsheetError) as error:
        SafeXLSX().create_dataset(content)
    assert message in str(error.value)
