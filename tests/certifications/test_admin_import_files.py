"""Bad files for the agency import: each gets a clear message and writes nothing, not even to the cache."""

import io
import zipfile

import pytest
from django.core.cache import caches

from agencies.models import SLUG_TAKEN_BEFORE, Agency, FormerSlug
from bandung_iso.spreadsheets import UploadCacheStorage
from tests.factories import AgencyFactory
from tests.spreadsheets import (
    XLSX_FORMAT,
    confirmable,
    csv_bytes,
    form_errors,
    problems,
    row,
    upload,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def health():
    return AgencyFactory(slug="dinas-kesehatan", name="Dinas Kesehatan")


def uploads_waiting() -> list[str]:
    """The uploads kept in the (local-memory) cache for a confirmation."""
    return [key for key in caches["default"]._cache if UploadCacheStorage.CACHE_PREFIX in key]


def stored():
    return (list(Agency.objects.order_by("pk").values()), Agency.history.count(), FormerSlug.objects.count())


@pytest.fixture
def unchanged(health):
    """After the test: the database and the upload cache as they were."""
    before = stored()
    yield
    assert stored() == before
    assert uploads_waiting() == []


def refused(response) -> str:
    """The page's messages about the file; the page offers no confirmation."""
    assert response.status_code == 200
    assert not confirmable(response)
    return " ".join(form_errors(response))


# --- The file as a whole: refused by the form, before any row is read --------------------------


def test_a_file_not_in_utf8_names_the_byte_and_the_line(importer, unchanged):
    content = csv_bytes([row(nama="Dinas Pendidikan"), row(nama="Kecamatan Cibeunying Kidul")]).replace(
        b"Cibeunying", "Cibéunying".encode("latin-1")
    )
    message = refused(upload(importer, content))
    assert "Berkas bukan UTF-8: byte 0xE9 di baris 3 tidak terbaca." in message
    assert "CSV UTF-8" in message


def test_a_missing_required_column_is_named(importer, unchanged):
    content = csv_bytes([row(nama="Dinas Pendidikan")], headers=["slug", "nama", "jenis"])
    assert "Kolom wajib tidak ada: sumber." in refused(upload(importer, content))


def test_an_unknown_column_is_named_with_its_letter(importer, unchanged):
    content = csv_bytes([row(nama="Dinas Pendidikan")], headers=["nama", "sumber", "alamat"])
    message = refused(upload(importer, content))
    assert "Kolom C 'alamat' tidak dikenal." in message
    assert "Kolom yang dikenal: slug, nama (name)," in message


def test_a_column_given_twice_in_two_languages_is_refused(importer, unchanged):
    content = csv_bytes([{"nama": "Dinas A", "name": "Dinas B", "sumber": "x"}], headers=["nama", "name", "sumber"])
    assert "Kolom B 'name' mengulang kolom A: keduanya berarti 'nama'." in refused(upload(importer, content))


def test_values_under_a_column_without_header_are_refused(importer, unchanged):
    content = b"nama,sumber,\r\nDinas Pendidikan,Daftar uji,lupa judul\r\n"
    assert "Kolom C berisi nilai tetapi tidak berjudul." in refused(upload(importer, content))


def test_an_empty_file_is_refused(importer, unchanged):
    assert refused(upload(importer, b""))  # Django's own "the submitted file is empty"


def test_a_file_of_headers_only_is_refused(importer, unchanged):
    message = refused(upload(importer, csv_bytes([])))
    assert "Berkas ini hanya berisi judul kolom, tanpa baris data." in message


def test_a_file_of_blank_lines_is_refused(importer, unchanged):
    assert "Berkas ini kosong" in refused(upload(importer, b"\r\n\r\n\r\n"))


def test_ten_megabytes_of_garbage_are_refused_by_their_size(importer, unchanged):
    garbage = bytes(range(256)) * (10 * 1024 * 1024 // 256)
    message = refused(upload(importer, garbage, name="skpd.csv"))
    assert "Berkas ini 10.0 MB; paling besar 5 MB." in message


def test_garbage_under_the_limit_is_refused_by_its_bytes(importer, unchanged):
    garbage = bytes(range(256)) * 1000
    assert "Berkas bukan UTF-8: byte 0x80 di baris 2 tidak terbaca." in refused(upload(importer, garbage))


def test_a_nul_character_is_refused_before_postgresql_sees_it(importer, unchanged):
    content = b"nama,sumber\r\nDinas\x00Pendidikan,Daftar uji\r\n"
    assert "Berkas memuat karakter NUL: bukan CSV teks." in refused(upload(importer, content))


def test_a_row_with_more_values_than_columns_names_its_line(importer, unchanged):
    content = b"nama,sumber\r\nDinas A,Daftar uji\r\n\r\nDinas B,Daftar uji,lebih\r\n"
    message = refused(upload(importer, content))
    assert "Baris 4 memuat 3 nilai, padahal berkas hanya punya 2 kolom." in message


def test_more_rows_than_the_limit_are_refused(importer, unchanged, settings):
    settings.IMPORT_MAX_ROWS = 3
    content = csv_bytes([row(nama=f"Dinas {n}") for n in range(4)])
    assert "lebih dari 3 baris data" in refused(upload(importer, content))


def test_a_file_that_is_not_an_xlsx_is_refused_as_one(importer, unchanged):
    content = csv_bytes([row(nama="Dinas Pendidikan")])
    message = refused(upload(importer, content, name="skpd.xlsx", file_format=XLSX_FORMAT))
    assert "Berkas ini bukan XLSX (Excel 2007 ke atas)." in message


def test_a_damaged_xlsx_is_refused(importer, unchanged):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as broken:
        broken.writestr("xl/workbook.xml", "<bukan-workbook")
    assert "Berkas XLSX ini rusak" in refused(upload(importer, archive.getvalue(), name="skpd.xlsx"))


def test_an_xlsx_read_as_csv_says_so(importer, unchanged):
    content = xlsx_bytes([row(nama="Dinas Pendidikan")])
    assert "Berkas ini XLSX (Excel), bukan CSV" in refused(upload(importer, content, file_format="0"))


# --- Rows: every problem with its line, column and value, nothing saved --------------------------


def row_problems(importer, rows, **kwargs):
    response = upload(importer, csv_bytes(rows, **kwargs))
    assert response.status_code == 200
    assert not confirmable(response)
    assert "Ada baris yang ditolak: tidak ada yang akan disimpan" in response.content.decode()
    return problems(response)


def test_the_same_name_twice_in_the_file_is_refused_on_the_second(importer, unchanged):
    found = row_problems(importer, [row(nama="Dinas Pendidikan"), row(slug="disdik", nama=" DINAS pendidikan ")])
    assert found == [(3, "B (nama)", "DINAS pendidikan", "Sudah ada di baris 2 berkas ini.")]


def test_a_name_another_agency_has_is_refused_whatever_its_case(importer, unchanged):
    found = row_problems(importer, [row(slug="dinkes", nama="DINAS KESEHATAN")])
    assert found == [(2, "B (nama)", "DINAS KESEHATAN", "Nama ini sudah dipakai SKPD lain (slug dinas-kesehatan).")]


def test_the_same_slug_twice_in_the_file_is_refused(importer, unchanged):
    found = row_problems(importer, [row(slug="dinas-a", nama="Dinas A"), row(slug="dinas-a", nama="Dinas B")])
    assert found == [(3, "A (slug)", "dinas-a", "Sudah ada di baris 2 berkas ini.")]


def test_an_unknown_kind_is_refused_with_the_choices(importer, unchanged):
    [(line, column, value, message)] = row_problems(importer, [row(nama="Dinas A", jenis="dinosaurus")])
    assert (line, column, value) == (2, "D (jenis)", "dinosaurus")
    assert message.startswith("Jenis 'dinosaurus' tidak dikenal. Pilihan: secretariat, department,")


def test_an_unknown_parent_is_refused(importer, unchanged):
    [(line, column, value, message)] = row_problems(importer, [row(nama="Puskesmas A", induk="dinas-tidak-ada")])
    assert (line, column, value) == (2, "E (induk)", "dinas-tidak-ada")
    assert message.startswith("SKPD induk 'dinas-tidak-ada' tidak ada.")


def test_a_parent_further_down_the_file_is_not_found_yet(importer, unchanged):
    found = row_problems(importer, [row(nama="UPTD A", induk="dinas-b"), row(slug="dinas-b", nama="Dinas B")])
    assert [(line, column) for line, column, *_ in found] == [(2, "E (induk)")]


def test_an_unreadable_yes_or_no_is_refused(importer, unchanged):
    found = row_problems(importer, [row(nama="Dinas A", nama_terkonfirmasi="mungkin")])
    assert found == [(2, "F (nama_terkonfirmasi)", "mungkin", "'mungkin' bukan 'ya' atau 'tidak'.")]


def test_a_missing_source_is_refused_by_the_models_own_rule(importer, unchanged):
    found = row_problems(importer, [row(nama="Dinas A", sumber="   ")])
    assert (2, "G (sumber)", "", "Setiap SKPD wajib mencatat sumbernya.") in found
    assert {(line, column) for line, column, *_ in found} == {(2, "G (sumber)")}


def test_a_slug_another_agency_has_is_refused_when_merging(importer, health):
    AgencyFactory(slug="skpd-belum-teridentifikasi-07", name="SKPD #07", kind="unknown", name_confirmed=False)
    before = stored()
    found = row_problems(importer, [row(slug="dinas-kesehatan", nama="Dinas Baru", menggantikan="7")])
    assert found == [(2, "A (slug)", "dinas-kesehatan", "Sudah ada SKPD dengan slug ini.")]
    assert stored() == before


def test_a_slug_that_was_another_agencys_is_refused(importer, health):
    health.slug = "dinas-kesehatan-kota-bandung"
    health.save()
    before = stored()
    found = row_problems(importer, [row(slug="dinas-kesehatan", nama="Dinas Baru")])
    assert found == [(2, "A (slug)", "dinas-kesehatan", str(SLUG_TAKEN_BEFORE))]
    assert stored() == before


def test_an_unknown_placeholder_is_refused(importer, unchanged):
    found = row_problems(importer, [row(nama="Dinas A", menggantikan="skpd-belum-teridentifikasi-99")])
    assert found == [
        (
            2,
            "I (menggantikan)",
            "skpd-belum-teridentifikasi-99",
            "Tidak ada SKPD sementara 'skpd-belum-teridentifikasi-99'.",
        )
    ]


def test_every_bad_row_is_listed_and_good_rows_are_not_saved_either(importer, unchanged):
    found = row_problems(
        importer,
        [row(nama="Dinas Baik"), row(nama="Dinas A", jenis="x"), row(nama="Dinas Baik Lagi"), row(nama="B", induk="y")],
    )
    assert [(line, column) for line, column, *_ in found] == [(3, "D (jenis)"), (5, "E (induk)")]


def test_an_xlsx_row_problem_names_the_sheets_line(importer, unchanged):
    content = xlsx_bytes([row(nama="Dinas A"), {}, row(nama="Dinas B", jenis="dinosaurus")])
    response = upload(importer, content, name="skpd.xlsx")
    assert [(line, column) for line, column, *_ in problems(response)] == [(4, "D (jenis)")]
