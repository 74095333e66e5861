"""The load_initial_agencies command against the shipped data and against bad files."""

import csv
import datetime
import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from agencies.models import Agency
from certifications.dates import DatePrecision
from certifications.models import Ceremony, Certificate, CertificationBody, ClauseSet, Programme, Standard

pytestmark = pytest.mark.django_db

SHIPPED_CSV = settings.INITIAL_DATA_DIR / "agencies.csv"
SHIPPED_REFERENCE = settings.INITIAL_DATA_DIR / "reference.json"
NINE = [
    "Badan Kesatuan Bangsa, Perlindungan, dan Pemberdayaan Masyarakat",
    "Badan Pemberdayaan Perempuan dan Keluarga Berencana",
    "Satuan Polisi Pamong Praja",
    "Dinas Sosial",
    "Dinas Pengelolaan Keuangan dan Aset Daerah",
    "Dinas Pemuda dan Olahraga",
    "Rumah Sakit Khusus Ibu dan Anak",
    "Kecamatan Sukasari",
    "Puskesmas Margahayu Raya",
]


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_initial_agencies", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Everything the loader writes, as comparable values."""
    return {
        "agencies": list(Agency.objects.values().order_by("pk")),
        "certificates": list(Certificate.objects.values().order_by("pk")),
        "standards": list(Standard.objects.values().order_by("pk")),
        "ceremonies": list(Ceremony.objects.values().order_by("pk")),
        "ceremony_links": list(Ceremony.certificates.through.objects.values_list("ceremony_id", "certificate_id")),
        "programmes": list(Programme.objects.values().order_by("pk")),
        "bodies": list(CertificationBody.objects.values().order_by("pk")),
    }


def write_csv(path: Path, rows: list[dict], header: list[str] | None = None) -> Path:
    header = header or list(rows[0])
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def shipped_rows() -> list[dict]:
    with open(SHIPPED_CSV, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_first_run_loads_the_sources():
    output = load()

    assert Certificate.objects.count() == 44
    assert Agency.objects.filter(certificates__isnull=False).distinct().count() == 44
    for name in NINE:
        agency = Agency.objects.get(name=name)
        assert agency.name_confirmed
        assert "Lintasjabar" in agency.source
    placeholders = Agency.objects.unconfirmed()
    assert placeholders.count() == 35
    assert all(a.kind == Agency.Kind.UNKNOWN and "belum diketahui" in a.name for a in placeholders)

    ceremony = Ceremony.objects.get()
    assert ceremony.venue == "Hotel Grand Pasundan, Jln. Peta, Bandung"
    assert ceremony.presided_by == "Wali Kota Bandung Dada Rosada"
    assert ceremony.held_display == "sekitar 2012"
    assert sorted(c.agency.name for c in ceremony.certificates.all()) == sorted(NINE)

    # Nothing the sources do not say: no number, no body, no exact date.
    assert not Certificate.objects.exclude(number="").exists()
    assert not Certificate.objects.filter(body__isnull=False).exists()
    assert not Certificate.objects.filter(issued_precision=DatePrecision.DAY).exists()
    assert not CertificationBody.objects.exists()
    assert Certificate.objects.filter(issued_precision=DatePrecision.BY_YEAR).count() == 35
    sukasari = Agency.objects.get(slug="kecamatan-sukasari")
    assert "Tafsiran" in sukasari.notes
    assert "tafsiran" in sukasari.certificates.get().notes
    assert Agency.objects.get(slug="puskesmas-margahayu-raya").parent.name == "Dinas Kesehatan"

    programme = Programme.objects.get()
    assert (programme.target_agencies, programme.deadline) == (83, datetime.date(2013, 12, 31))
    assert (programme.reported_certified, programme.reported_total) == (44, 83)
    assert "SKPD: 45 dibuat" in output
    assert "sertifikat: 44 dibuat" in output


@pytest.mark.parametrize(
    ("day", "certified"),
    [
        (datetime.date(2012, 12, 31), 44),
        (datetime.date(2013, 12, 31), 44),
        (datetime.date(2026, 11, 25), 0),
    ],
)
def test_progress_after_the_initial_load(day, certified):
    load()
    progress = Programme.objects.current().progress(on=day)
    assert (progress.certified, progress.target, progress.remaining) == (certified, 83, 83 - certified)
    assert progress.percent == (53 if certified else 0)


def test_today_reads_zero_and_says_why():
    load()
    progress = Programme.objects.current().progress(on=datetime.date(2026, 11, 25))
    assert progress.expired == 44
    assert progress.standard_lapsed == 44
    assert (progress.suspended, progress.withdrawn) == (0, 0)


def test_second_run_changes_nothing_and_says_so():
    load()
    before = snapshot()
    output = load()
    assert snapshot() == before
    assert "Tidak ada perubahan" in output
    assert "SKPD: 45 tidak berubah" in output


def test_a_rerun_after_an_import_named_a_placeholder_leaves_it_as_the_import_made_it():
    load()
    placeholder = Agency.objects.get(slug="skpd-belum-teridentifikasi-25")
    placeholder.slug, placeholder.name, placeholder.kind = "dinas-perhubungan", "Dinas Perhubungan", "department"
    placeholder.save()  # as the admin's import does when a row replaces it
    before = snapshot()
    output = load()
    assert snapshot() == before  # no second, nameless #25; its certificate stays the one it had
    assert "SKPD: 1 sudah digantikan lewat impor (dibiarkan)" in output
    assert "SKPD: 44 tidak berubah" in output
    assert "Tidak ada perubahan" in output


def test_dry_run_writes_nothing_but_reports_what_it_would_do():
    output = load("--dry-run")
    assert "SKPD: 45 dibuat" in output
    assert "tidak ada yang disimpan" in output
    assert not Agency.objects.exists()
    assert not Certificate.objects.exists()
    assert not Programme.objects.exists()


def test_a_changed_row_is_updated_in_place(tmp_path):
    load()
    rows = shipped_rows()
    rows[1]["notes"] = "Catatan baru dari staf."
    path = write_csv(tmp_path / "agencies.csv", rows)
    output = load("--file", str(path))
    assert Agency.objects.get(slug=rows[1]["slug"]).notes == "Catatan baru dari staf."
    assert "SKPD: 1 diperbarui" in output
    assert Agency.objects.count() == 45


def test_city_list_with_known_number_and_body(tmp_path):
    load()
    rows = shipped_rows()
    row = next(r for r in rows if r["slug"] == "dinas-sosial")
    row.update(certificate_number="QMS/123", certification_body="Lembaga Contoh", certificate_issued="2012-06")
    row["certificate_issued_precision"] = "month"
    path = write_csv(tmp_path / "agencies.csv", [row])
    load("--file", str(path))
    load("--file", str(path))  # a rerun finds the certificate by its (body, number)
    certificate = Certificate.objects.get(number="QMS/123")
    assert certificate.body.name == "Lembaga Contoh"
    assert (certificate.issued_on, certificate.expires_on) == (datetime.date(2012, 6, 30), datetime.date(2015, 6, 30))
    assert certificate.issued_display == "Juni 2012"
    assert Certificate.objects.filter(agency__slug="dinas-sosial").count() == 1


BAD_FILES = [
    pytest.param("drop_column", "baris 1: kolom kind tidak ada", id="missing-column"),
    pytest.param("unknown_kind", "baris 3, kolom kind: jenis 'dinasx' tidak dikenal", id="unknown-kind"),
    # A file written before the kinds were stored in English is refused, naming the values to use.
    pytest.param(
        "old_kind",
        "baris 3, kolom kind: jenis 'kecamatan' tidak dikenal (pilihan: secretariat, department, board, office, "
        "inspectorate, civil_service_police, district, hospital, health_centre, other, unknown)",
        id="old-kind",
    ),
    pytest.param(
        "bad_date", "baris 4, kolom certificate_issued: tanggal '2012-02-30' tidak ada di kalender", id="bad-date"
    ),
    pytest.param(
        "date_form", "baris 4, kolom certificate_issued: tanggal '2012-05' tidak berbentuk YYYY", id="date-form"
    ),
    pytest.param("duplicate_name", "baris 5, kolom name: 'dinas sosial' sudah ada di baris 2", id="duplicate-name"),
    pytest.param("no_source", "baris 3, kolom source: wajib diisi", id="missing-source"),
    pytest.param("unknown_parent", "kolom parent: SKPD induk 'tidak-ada' tidak ada", id="unknown-parent"),
    pytest.param("unknown_standard", "baris 2, kolom certificate_standard: standar 'ISO 14001'", id="unknown-standard"),
]


def make_bad(kind: str, rows: list[dict]) -> tuple[list[dict], list[str]]:
    header = list(rows[0])
    rows = [dict(r) for r in rows[:5]]
    if kind == "drop_column":
        header.remove("kind")
    elif kind == "unknown_kind":
        rows[1]["kind"] = "dinasx"
    elif kind == "old_kind":
        rows[1]["kind"] = "kecamatan"
    elif kind == "bad_date":
        rows[2]["certificate_issued"], rows[2]["certificate_issued_precision"] = "2012-02-30", "day"
    elif kind == "date_form":
        rows[2]["certificate_issued"] = "2012-05"
    elif kind == "duplicate_name":
        # Names differ only in case: still the same agency.
        rows[0]["name"], rows[3]["name"] = "Dinas Sosial", "dinas sosial"
    elif kind == "no_source":
        rows[1]["source"] = ""
    elif kind == "unknown_parent":
        rows[1]["parent"] = "tidak-ada"
    elif kind == "unknown_standard":
        rows[0]["certificate_standard"] = "ISO 14001"
    return rows, header


@pytest.mark.parametrize(("kind", "message"), BAD_FILES)
def test_a_bad_file_loads_nothing_and_names_the_line(tmp_path, kind, message):
    load()
    before = snapshot()
    rows, header = make_bad(kind, shipped_rows())
    # Make the file's good rows differ from the database too, so a partial write would show.
    for row in rows:
        row["notes"] = "diubah"
    path = write_csv(tmp_path / "bad.csv", rows, header)
    with pytest.raises(CommandError) as raised:
        load("--file", str(path))
    assert message in str(raised.value)
    assert "Tidak ada yang dimuat" in str(raised.value)
    assert snapshot() == before


def test_a_bad_file_on_an_empty_database_leaves_it_empty(tmp_path):
    rows = shipped_rows()
    rows[-1]["kind"] = "bogus"
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(CommandError, match=r"baris 46, kolom kind: jenis 'bogus'"):
        load("--file", str(path))
    assert not Agency.objects.exists()
    assert not Standard.objects.exists()


def test_a_row_that_fails_model_validation_rolls_back_the_whole_load(tmp_path):
    """A clash only the database knows (a name taken under another slug) is caught late: still nothing is written."""
    Agency.objects.create(name="Dinas Sosial", slug="dinsos-lama", source="staf")
    with pytest.raises(CommandError, match=r"baris \d+ \(Dinas Sosial\): __all__: Sudah ada SKPD dengan nama ini"):
        load()
    assert Agency.objects.count() == 1
    assert not Certificate.objects.exists()
    assert not Programme.objects.exists()


def test_every_problem_of_a_file_is_listed_at_once(tmp_path):
    rows = shipped_rows()[:4]
    rows[1]["kind"] = "x"
    rows[3]["name_confirmed"] = "mungkin"
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(CommandError) as raised:
        load("--file", str(path))
    assert "baris 3, kolom kind" in str(raised.value)
    assert "baris 5, kolom name_confirmed: 'mungkin'" in str(raised.value)


def test_bad_reference_file_names_the_key(tmp_path):
    reference = tmp_path / "reference.json"
    text = SHIPPED_REFERENCE.read_text(encoding="utf-8").replace('"2013-12-31"', '"2013-02-30"')
    reference.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=r"programme\.deadline: tanggal '2013-02-30'"):
        load("--reference", str(reference))
    assert not Programme.objects.exists()


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="berkas tidak ditemukan"):
        load("--file", str(tmp_path / "nope.csv"))


def test_shipped_files_stay_in_the_repository():
    """The project reads its own copy of the data, never anything outside the repository."""
    assert SHIPPED_CSV.is_relative_to(settings.BASE_DIR)
    assert shutil.disk_usage(SHIPPED_CSV.parent).total > 0
    assert len(shipped_rows()) == 45


def test_a_number_without_a_body_is_kept_and_found_again(tmp_path):
    load()
    row = next(r for r in shipped_rows() if r["slug"] == "dinas-sosial")
    row["certificate_number"] = "0421/2012"
    path = write_csv(tmp_path / "agencies.csv", [row])
    load("--file", str(path))
    output = load("--file", str(path))
    certificate = Certificate.objects.get(agency__slug="dinas-sosial")
    assert (certificate.number, certificate.body) == ("0421/2012", None)
    assert "Tidak ada perubahan" in output


def test_reference_file_with_an_unknown_key_names_it(tmp_path):
    reference = tmp_path / "reference.json"
    text = SHIPPED_REFERENCE.read_text(encoding="utf-8").replace('"venue":', '"tempat": "x", "venue":')
    reference.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=r"ceremonies\[0\]: kunci tidak dikenal: tempat"):
        load("--reference", str(reference))
    assert not Agency.objects.exists()
    assert not Standard.objects.exists()


def test_verbosity_zero_is_silent_and_two_lists_each_change():
    quiet = io.StringIO()
    call_command("load_initial_agencies", verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""
    assert Agency.objects.count() == 45
    Agency.objects.filter(slug="dinas-sosial").update(notes="diubah di shell")
    loud = io.StringIO()
    call_command("load_initial_agencies", verbosity=2, stdout=loud)
    assert "diperbarui: SKPD dinas-sosial" in loud.getvalue()


def test_the_standards_carry_their_clause_lists():
    load()
    assert dict(Standard.objects.values_list("code", "clause_set")) == {
        "ISO 9001:2008": ClauseSet.ISO_9001_2008,
        "ISO 9001:2015": ClauseSet.ISO_9001_2015,
    }


def test_standards_loaded_before_the_clause_lists_get_them_on_the_next_run():
    load()
    Standard.objects.update(clause_set="")  # as a database loaded before clause_set existed
    output = load()
    assert set(Standard.objects.values_list("clause_set", flat=True)) == set(ClauseSet.values)
    assert "standar: 2 diperbarui" in output
    assert "Tidak ada perubahan" in load()


def test_an_unknown_clause_list_in_the_reference_file_is_refused(tmp_path):
    reference = tmp_path / "reference.json"
    text = SHIPPED_REFERENCE.read_text(encoding="utf-8").replace('"iso9001_2015"', '"iso9001_2000"')
    reference.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=r"standards\[1\]: clause_set: .*'iso9001_2000' bukan pilihan yang valid"):
        load("--reference", str(reference))
    assert not Standard.objects.exists()
