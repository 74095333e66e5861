"""The load_initial_agencies command against the shipped data and against bad files."""

import csv
import datetime
import io
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from agencies.models import Agency, SeedRecord
from certifications.dates import DatePrecision
from certifications.loader import parse_approximate
from certifications.models import Ceremony, Certificate, CertificationBody, ClauseSet, Programme, Standard
from tests.admin_forms import change_form_data
from tests.factories import CertificationBodyFactory, RoleUserFactory

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
        "seeds": list(SeedRecord.objects.values().order_by("pk")),
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
    assert sukasari.certificates.get().interpretation.startswith("Tafsiran: artikel menulis")
    assert [c.interpretation for c in Certificate.objects.exclude(interpretation="")] == [
        sukasari.certificates.get().interpretation
    ]
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
    assert "diubah oleh staf sejak dimuat" in output and "skpd-belum-teridentifikasi-25" in output


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
    pytest.param(
        "parent_loop",
        "baris 3 (Badan Kesatuan Bangsa, Perlindungan, dan Pemberdayaan Masyarakat), kolom parent: "
        "SKPD induk 'badan-pemberdayaan-perempuan-dan-keluarga-berencana' berada di bawah SKPD ini sendiri",
        id="parent-loop",
    ),
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
    elif kind == "parent_loop":
        rows[1]["parent"], rows[2]["parent"] = rows[2]["slug"], rows[1]["slug"]
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


def test_verbosity_zero_is_silent_and_two_lists_each_change(tmp_path):
    quiet = io.StringIO()
    call_command("load_initial_agencies", verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""
    assert Agency.objects.count() == 45
    rows = shipped_rows()
    next(r for r in rows if r["slug"] == "dinas-sosial")["notes"] = "Catatan baru di berkas."
    loud = io.StringIO()
    call_command("load_initial_agencies", "--file", str(write_csv(tmp_path / "a.csv", rows)), verbosity=2, stdout=loud)
    assert "diperbarui: SKPD dinas-sosial (notes)" in loud.getvalue()


def test_the_standards_carry_their_clause_lists():
    load()
    assert dict(Standard.objects.values_list("code", "clause_set")) == {
        "ISO 9001:2008": ClauseSet.ISO_9001_2008,
        "ISO 9001:2015": ClauseSet.ISO_9001_2015,
    }


def test_standards_loaded_before_the_clause_lists_get_them_on_the_next_run():
    load()
    # As a database loaded before clause_set existed: the column is blank, and what the loader
    # wrote then (its seed record) had no such column.
    Standard.objects.update(clause_set="")
    for seed in SeedRecord.objects.filter(model="certifications.standard"):
        del seed.values["clause_set"]
        seed.save()
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


# Staff own the data: what staff change after a load, the next load keeps ------------------------

PLACEHOLDER = "skpd-belum-teridentifikasi-01"
PLACEHOLDER_NAME = "SKPD bersertifikat sebelumnya #01 (nama belum diketahui)"
CEREMONY = "penyerahan-sertifikat-hotel-grand-pasundan"
KEPT_CHANGED = "dipertahankan (diubah oleh staf sejak dimuat)"
KEPT_DELETED = "dipertahankan (dihapus oleh staf sejak dimuat)"


def admin_url(obj, view="change"):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk])


def save_in_admin(client, obj, **changes) -> None:
    """Open ``obj``'s change form and save it with ``changes``, over HTTP as a person would."""
    url = admin_url(obj)
    data = {**change_form_data(client.get(url)), **changes}
    response = client.post(url, {key: value for key, value in data.items() if value is not None})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors


@pytest.fixture
def staff(client, roles):
    client.force_login(RoleUserFactory(username="staf"))
    return client


def staff_edit(client) -> dict:
    """A placeholder renamed (slug too), its certificate numbered, another agency's notes edited."""
    placeholder = Agency.objects.get(slug=PLACEHOLDER)
    certificate = placeholder.certificates.get()
    save_in_admin(
        client,
        placeholder,
        name="Dinas Perhubungan",
        slug="dinas-perhubungan",
        kind=Agency.Kind.DEPARTMENT,
        **{"certificates-0-number": "QMS/0042/2012"},
    )
    noted = Agency.objects.get(slug="dinas-sosial")
    save_in_admin(client, noted, notes="Diperiksa staf: nama benar menurut papan nama kantor.")
    return {"placeholder": placeholder.pk, "certificate": certificate.pk, "noted": noted.pk}


def test_staff_edits_in_the_admin_survive_every_rerun(staff):
    load()
    edited = staff_edit(staff)
    after_staff = snapshot()

    for _ in range(2):
        output = load()
        assert snapshot() == after_staff
        assert (Agency.objects.count(), Certificate.objects.count()) == (45, 44)
        assert f"SKPD: 2 {KEPT_CHANGED}" in output
        assert "SKPD: 43 tidak berubah" in output
        assert f"sertifikat: 1 {KEPT_CHANGED}" in output
        assert f"  SKPD {PLACEHOLDER}: diubah oleh staf sejak dimuat" in output
        assert f"    name: {PLACEHOLDER_NAME!r} -> 'Dinas Perhubungan'" in output
        assert f"    slug: {PLACEHOLDER!r} -> 'dinas-perhubungan'" in output
        assert "    kind: 'unknown' -> 'department'" in output
        assert f"  sertifikat {PLACEHOLDER} ISO 9001:2008: diubah oleh staf sejak dimuat" in output
        assert "    number: '' -> 'QMS/0042/2012'" in output
        assert "  SKPD dinas-sosial: diubah oleh staf sejak dimuat" in output
        assert "    notes: '' -> 'Diperiksa staf: nama benar" in output
        assert "Tidak ada perubahan" in output
    certificate = Certificate.objects.get(pk=edited["certificate"])
    assert (certificate.agency.name, certificate.number) == ("Dinas Perhubungan", "QMS/0042/2012")


def test_each_kept_record_is_listed_at_verbosity_two(staff):
    load()
    staff_edit(staff)
    output = load("--verbosity", "2")
    assert f"  {KEPT_CHANGED}: SKPD {PLACEHOLDER} (name, slug, kind)" in output
    assert f"  {KEPT_CHANGED}: sertifikat {PLACEHOLDER} ISO 9001:2008 (number)" in output


def test_a_file_change_to_a_record_staff_changed_is_not_applied(staff, tmp_path):
    load()
    staff_edit(staff)
    rows = shipped_rows()
    for row in rows:
        if row["slug"] in (PLACEHOLDER, "dinas-sosial", "dinas-pemuda-dan-olahraga"):
            row["notes"] = "Catatan baru di berkas."
    output = load("--file", str(write_csv(tmp_path / "agencies.csv", rows)))
    # The record nobody touched takes the file's change; the two staff changed do not.
    assert Agency.objects.get(slug="dinas-pemuda-dan-olahraga").notes == "Catatan baru di berkas."
    assert Agency.objects.get(slug="dinas-perhubungan").name == "Dinas Perhubungan"
    assert Agency.objects.get(slug="dinas-sosial").notes.startswith("Diperiksa staf")
    assert "SKPD: 1 diperbarui" in output
    assert f"SKPD: 2 {KEPT_CHANGED}" in output


def test_a_change_in_a_shell_is_a_staff_change_too():
    load()
    Agency.objects.filter(slug="dinas-sosial").update(is_active=False)  # not a column of the file
    output = load()
    assert f"SKPD: 1 {KEPT_CHANGED}" in output
    assert "    is_active: True -> False" in output


def test_dry_run_lists_what_is_kept_and_reset_what_it_would_overwrite(staff):
    load()
    staff_edit(staff)
    before = snapshot()

    kept = load("--dry-run")
    assert f"SKPD: 2 {KEPT_CHANGED}" in kept
    assert "    number: '' -> 'QMS/0042/2012'" in kept
    assert snapshot() == before

    would = load("--dry-run", "--reset")
    assert "SKPD: 2 ditimpa dengan nilai berkas" in would
    assert "sertifikat: 1 ditimpa dengan nilai berkas" in would
    assert "Ditimpa dengan nilai berkas (--reset), kolom lama -> baru:" in would
    assert f"    name: 'Dinas Perhubungan' -> {PLACEHOLDER_NAME!r}" in would
    assert f"    slug: 'dinas-perhubungan' -> {PLACEHOLDER!r}" in would
    assert "    number: 'QMS/0042/2012' -> ''" in would
    assert "    notes: 'Diperiksa staf: nama benar" in would
    assert "tidak ada yang disimpan" in would
    assert snapshot() == before


def test_reset_gives_the_file_the_last_word_and_lists_each_field(staff):
    load()
    edited = staff_edit(staff)
    output = load("--reset")

    placeholder = Agency.objects.get(pk=edited["placeholder"])
    assert (placeholder.slug, placeholder.name, placeholder.kind) == (PLACEHOLDER, PLACEHOLDER_NAME, "unknown")
    assert Certificate.objects.get(pk=edited["certificate"]).number == ""
    assert Agency.objects.get(pk=edited["noted"]).notes == ""
    assert (Agency.objects.count(), Certificate.objects.count()) == (45, 44)
    assert "    number: 'QMS/0042/2012' -> ''" in output
    assert f"    name: 'Dinas Perhubungan' -> {PLACEHOLDER_NAME!r}" in output
    assert "Selesai: 3 perubahan disimpan." in output
    assert "Tidak ada perubahan: basis data sudah sesuai dengan berkas." in load()


def test_a_certificate_found_once_stays_the_same_whatever_staff_add(staff):
    """Number, body, dates and notes typed in the certificate form: never a second certificate."""
    load()
    certificate = Certificate.objects.get(agency__slug=PLACEHOLDER)
    body = CertificationBodyFactory(name="Lembaga Sertifikasi Contoh")
    save_in_admin(
        staff,
        certificate,
        body=str(body.pk),
        number="LSC/2011/117",
        issued_on="2011-03-14",
        issued_precision=DatePrecision.DAY,
        expires_on="2014-03-13",
        expires_precision=DatePrecision.DAY,
        notes="Nomor dari salinan sertifikat di kantor SKPD.",
    )
    after_staff = snapshot()
    for _ in range(3):
        output = load()
        assert snapshot() == after_staff
    assert Certificate.objects.count() == 44
    assert Certificate.objects.filter(agency__slug=PLACEHOLDER).get().pk == certificate.pk
    assert "    body: None -> " in output and "    number: '' -> 'LSC/2011/117'" in output


def test_what_staff_delete_or_unlink_stays_gone(staff):
    load()
    ceremony = Ceremony.objects.get(slug=CEREMONY)
    placeholder = Agency.objects.get(slug=PLACEHOLDER)
    for record in (placeholder.certificates.get(), placeholder):  # the certificate first: it protects its agency
        assert staff.post(admin_url(record, "delete"), {"post": "yes"}).status_code == 302
    unlinked = ceremony.certificates.get(agency__slug="kecamatan-sukasari")
    kept_links = [str(pk) for pk in ceremony.certificates.exclude(pk=unlinked.pk).values_list("pk", flat=True)]
    save_in_admin(staff, ceremony, certificates=kept_links)
    assert ceremony.certificates.count() == 8

    for _ in range(2):
        output = load()
        assert (Agency.objects.count(), Certificate.objects.count(), ceremony.certificates.count()) == (44, 43, 8)
        assert f"SKPD: 1 {KEPT_DELETED}" in output
        assert f"sertifikat: 1 {KEPT_DELETED}" in output
        assert f"upacara penyerahan – sertifikat yang diserahkan: 1 {KEPT_DELETED}" in output
        assert f"  SKPD {PLACEHOLDER}: dihapus oleh staf sejak dimuat" in output
        assert f"  upacara penyerahan – sertifikat yang diserahkan {CEREMONY} <- kecamatan-sukasari" in output

    load("--reset")
    assert (Agency.objects.count(), Certificate.objects.count(), ceremony.certificates.count()) == (45, 44, 9)
    assert "Tidak ada perubahan: basis data sudah sesuai dengan berkas." in load()


def test_a_database_loaded_by_the_old_loader_keeps_staff_edits_and_gains_no_duplicates(staff):
    load()
    SeedRecord.objects.all().delete()  # as the loader left a database before it kept seed records
    edited = staff_edit(staff)
    ceremony = Ceremony.objects.get(slug=CEREMONY)
    unlinked = ceremony.certificates.get(agency__slug="kecamatan-sukasari")
    ceremony.certificates.remove(unlinked)
    after_staff = snapshot()

    first = load()
    assert {k: v for k, v in snapshot().items() if k != "seeds"} == {
        k: v for k, v in after_staff.items() if k != "seeds"
    }
    assert (Agency.objects.count(), Certificate.objects.count(), ceremony.certificates.count()) == (45, 44, 8)
    assert f"SKPD: 2 {KEPT_CHANGED}" in first
    assert f"sertifikat: 1 {KEPT_CHANGED}" in first
    assert f"upacara penyerahan – sertifikat yang diserahkan: 1 {KEPT_DELETED}" in first
    assert "rekaman dari pemuat lama kini punya rekaman muatan awal" in first
    # Every record now has its seed record, the renamed one under the file's slug.
    assert SeedRecord.objects.filter(model="agencies.agency").count() == 45
    assert SeedRecord.objects.get(model="agencies.agency", key=PLACEHOLDER).object_pk == edited["placeholder"]

    seeded = snapshot()
    second = load()
    assert snapshot() == seeded
    assert f"SKPD: 2 {KEPT_CHANGED}" in second
    assert "pemuat lama" not in second


def test_an_old_database_where_the_loader_already_duplicated_a_certificate_gains_no_more():
    """The old loader made a second certificate when staff had numbered the first (44 became 45)."""
    load()
    SeedRecord.objects.all().delete()
    numbered = Certificate.objects.get(agency__slug=PLACEHOLDER)
    numbered.number = "QMS/0042/2012"
    numbered.save()
    duplicate = Certificate.objects.get(pk=numbered.pk)
    duplicate.pk, duplicate.number = None, ""
    duplicate.save()  # what the old loader's rerun did
    for _ in range(2):
        load()
        assert Certificate.objects.count() == 45
    seed = SeedRecord.objects.get(model="certifications.certificate", key=f"{PLACEHOLDER}|ISO 9001:2008")
    assert seed.object_pk == duplicate.pk
    assert Certificate.objects.get(pk=numbered.pk).number == "QMS/0042/2012"


def test_an_old_database_without_edit_history_gains_no_duplicate_certificate():
    """Loaded before the edit history existed: the agency's certificate in that standard is the loader's."""
    load()
    SeedRecord.objects.all().delete()
    Certificate.history.all().delete()
    Certificate.objects.filter(agency__slug=PLACEHOLDER).update(number="QMS/0042/2012")
    output = load()
    assert Certificate.objects.count() == 44
    assert f"sertifikat: 1 {KEPT_CHANGED}" in output
    assert Certificate.objects.get(agency__slug=PLACEHOLDER).number == "QMS/0042/2012"


@pytest.mark.parametrize(
    ("text", "precision", "expected"),
    [
        pytest.param("2012-05-14", "", (datetime.date(2012, 5, 14), "day"), id="full-date-without-precision"),
        pytest.param("2012-05-14", "unknown", (datetime.date(2012, 5, 14), "day"), id="full-date-marked-unknown"),
        pytest.param("2012", "about_year", (datetime.date(2012, 12, 31), "about_year"), id="year-kept"),
        pytest.param("2012-05", "month", (datetime.date(2012, 5, 31), "month"), id="month-kept"),
        pytest.param("", "", (None, "unknown"), id="nothing"),
    ],
)
def test_a_full_date_in_the_file_means_that_day_as_in_the_admin(text, precision, expected):
    parsed = parse_approximate(text, precision, where="baris 2")
    assert (parsed.value, parsed.precision) == expected


@pytest.mark.parametrize(
    ("text", "precision", "message"),
    [
        pytest.param("2012", "", "ketelitian tanggal '' tidak dikenal", id="year-needs-its-precision"),
        pytest.param("2012", "unknown", "diisi, padahal ketelitiannya 'unknown'", id="year-marked-unknown"),
        pytest.param("2012-05-14", "year", "tidak berbentuk YYYY", id="full-date-at-year-precision"),
    ],
)
def test_a_date_short_of_a_day_still_needs_its_precision(text, precision, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_approximate(text, precision, where="baris 2")
