"""The agency list's import in the admin, over HTTP as programme staff: preview, confirmation, merges.

Bad files are in test_admin_import_files.py, who may import and export in
tests/accounts/test_permission_matrix.py.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.cache import caches
from django.core.management import call_command
from pytest_django.asserts import assertRedirects

from agencies.models import Agency, FormerSlug
from bandung_iso.public_cache import VERSION_KEY, current_version
from bandung_iso.roles import Role
from bandung_iso.spreadsheets import UploadCacheStorage
from portal.models import FigureChange
from tests.factories import AgencyFactory, CeremonyFactory, CertificateFactory, RoleUserFactory
from tests.spreadsheets import (
    CHANGELIST,
    PROCESS,
    confirm,
    confirmable,
    csv_bytes,
    exported_rows,
    preview_rows,
    row,
    upload,
)
from tests.spreadsheets import export as export_file

pytestmark = pytest.mark.django_db

PLACEHOLDER = "skpd-belum-teridentifikasi-25"


@pytest.fixture
def city():
    """Two named agencies and a placeholder with a certificate at a ceremony, as the shipped data has."""
    source = row()["sumber"]
    health = AgencyFactory(slug="dinas-kesehatan", name="Dinas Kesehatan", source=source)
    AgencyFactory(slug="kecamatan-coblong", name="Kecamatan Coblong", kind=Agency.Kind.DISTRICT, source=source)
    placeholder = AgencyFactory(
        slug=PLACEHOLDER,
        name="SKPD bersertifikat sebelumnya #25 (nama belum diketahui)",
        kind=Agency.Kind.UNKNOWN,
        name_confirmed=False,
        source="Lintasjabar.com, sekitar 2012",
    )
    certificate = CertificateFactory(agency=placeholder)
    ceremony = CeremonyFactory()
    ceremony.certificates.add(certificate)
    return {"health": health, "placeholder": placeholder, "certificate": certificate, "ceremony": ceremony}


def city_file(**merge) -> bytes:
    return csv_bytes(
        [
            row(slug="dinas-pendidikan", nama="Dinas Pendidikan", singkatan="Disdik"),
            row(slug="dinas-kesehatan", nama="Dinas Kesehatan", singkatan="Dinkes"),
            row(slug="kecamatan-coblong", nama="Kecamatan Coblong", jenis="district"),
            row(
                slug="dinas-perhubungan",
                nama="Dinas Perhubungan",
                menggantikan=PLACEHOLDER,
                sumber="Daftar SKPD Pemkot Bandung 2014",
                **merge,
            ),
        ]
    )


def stored() -> dict:
    """Everything an import writes, as the database holds it now."""
    return {
        "agencies": list(Agency.objects.order_by("pk").values()),
        "history": Agency.history.count(),
        "former": list(FormerSlug.objects.values_list("slug", "agency_id")),
        "figures": FigureChange.objects.count(),
        "log": LogEntry.objects.count(),
    }


def test_the_preview_says_what_each_row_will_do_and_writes_nothing(importer, city):
    before = stored()
    version = current_version()
    response = upload(importer, city_file())
    assert response.status_code == 200
    assert preview_rows(response) == [(2, "new"), (3, "update"), (4, "unchanged"), (5, "merge")]
    preview = {row.line: row for row in response.context["result"].agency_preview}
    assert [(c.column, c.old, c.new) for c in preview[3].changes] == [("singkatan", "", "Dinkes")]
    assert preview[5].placeholder == 25
    merged = {c.column: (c.old, c.new) for c in preview[5].changes}
    assert merged["slug"] == (PLACEHOLDER, "dinas-perhubungan")
    assert merged["nama"] == ("SKPD bersertifikat sebelumnya #25 (nama belum diketahui)", "Dinas Perhubungan")
    assert merged["jenis"] == ("unknown", "department")
    assert merged["nama_terkonfirmasi"] == ("tidak", "ya")
    assert response.context["result"].agency_totals == {"new": 1, "update": 1, "unchanged": 1, "merge": 1, "error": 0}
    content = response.content.decode()
    assert "digabung ke SKPD sementara #25" in content and "Konfirmasi impor" in content
    # The run was made and rolled back: no row, history, former slug, figure mark or page-cache token survives.
    assert stored() == before
    assert caches["default"].get(VERSION_KEY) == version


def test_a_preview_leaves_nothing_even_once_its_transaction_ends(importer, city, django_capture_on_commit_callbacks):
    version = current_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(importer, city_file())
    assert response.status_code == 200 and confirmable(response)
    assert callbacks == []  # rolled back: the invalidation waiting for its commit went with it
    assert caches["default"].get(VERSION_KEY) == version


def test_confirming_applies_every_row_with_history_naming_the_file(importer, city):
    history_before = city["health"].history.count()
    response = confirm(importer, upload(importer, city_file(), name="Daftar SKPD 2014.csv"))
    assertRedirects(response, CHANGELIST, fetch_redirect_response=False)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Impor dari Daftar SKPD 2014.csv selesai: 1 baru, 1 diperbarui, 1 digabung ke SKPD sementara, 1 tidak berubah."
    ]
    new = Agency.objects.get(slug="dinas-pendidikan")
    assert (new.name, new.short_name, new.kind, new.name_confirmed) == (
        "Dinas Pendidikan",
        "Disdik",
        "department",
        True,
    )
    assert Agency.objects.get(slug="dinas-kesehatan").short_name == "Dinkes"
    for slug in ("dinas-pendidikan", "dinas-kesehatan", "dinas-perhubungan"):
        latest = Agency.objects.get(slug=slug).history.latest()
        assert latest.history_change_reason.startswith("Impor SKPD dari berkas Daftar SKPD 2014.csv"), slug
        assert latest.history_user.username == "staf"
    assert city["health"].history.count() == history_before + 1
    # The unchanged row was not saved again.
    assert Agency.objects.get(slug="kecamatan-coblong").history.count() == 1
    assert LogEntry.objects.count() == 3


def test_a_merge_keeps_the_placeholder_its_certificates_ceremony_and_history(importer, city):
    placeholder = city["placeholder"]
    versions = list(placeholder.history.values_list("history_id", flat=True))
    confirm(importer, upload(importer, city_file(), name="daftar.csv"))
    merged = Agency.objects.get(pk=placeholder.pk)
    assert (merged.slug, merged.name, merged.kind) == ("dinas-perhubungan", "Dinas Perhubungan", "department")
    assert (merged.name_confirmed, merged.source) == (True, "Daftar SKPD Pemkot Bandung 2014")
    assert list(merged.certificates.all()) == [city["certificate"]]
    assert list(city["ceremony"].certificates.all()) == [city["certificate"]]
    history = list(merged.history.order_by("history_id"))
    assert [h.history_id for h in history[:-1]] == versions
    assert history[-1].history_change_reason == ("Impor SKPD dari berkas daftar.csv; menggantikan SKPD sementara #25")
    assert list(merged.former_slugs.values_list("slug", flat=True)) == [PLACEHOLDER]
    assert not Agency.objects.placeholders().filter(pk=placeholder.pk).exists()


def test_the_placeholders_old_address_redirects_permanently(importer, city, client):
    confirm(importer, upload(importer, city_file()))
    importer.logout()  # the public page as a visitor sees it
    response = client.get(f"/skpd/{PLACEHOLDER}/?per=2013-12-31")
    assert response.status_code == 301
    assert response["Location"] == "/skpd/dinas-perhubungan/?per=2013-12-31"
    response = client.get(f"/en/skpd/{PLACEHOLDER}/")
    assert (response.status_code, response["Location"]) == (301, "/en/skpd/dinas-perhubungan/")
    page = client.get("/skpd/dinas-perhubungan/?per=2013-12-31")
    assert page.status_code == 200 and "Dinas Perhubungan" in page.content.decode()


def test_a_merge_without_a_slug_takes_it_from_the_name_and_a_number_names_the_placeholder(importer, city):
    content = csv_bytes([row(nama="Badan Kepegawaian Daerah", jenis="Badan", menggantikan="#25")])
    response = upload(importer, content)
    assert preview_rows(response) == [(2, "merge")]
    confirm(importer, response)
    merged = Agency.objects.get(pk=city["placeholder"].pk)
    assert (merged.slug, merged.kind) == ("badan-kepegawaian-daerah", "board")


def test_importing_the_same_file_again_changes_nothing(importer, city):
    confirm(importer, upload(importer, city_file()))
    before = stored()
    response = upload(importer, city_file())
    assert preview_rows(response) == [(2, "unchanged"), (3, "unchanged"), (4, "unchanged"), (5, "unchanged")]
    assertRedirects(confirm(importer, response), CHANGELIST, fetch_redirect_response=False)
    assert stored()["agencies"] == before["agencies"]
    assert stored()["history"] == before["history"]


def test_a_placeholder_merged_already_is_not_merged_twice(importer, city):
    confirm(importer, upload(importer, city_file()))
    content = csv_bytes([row(slug="dinas-lain", nama="Dinas Lain", menggantikan=PLACEHOLDER)])
    response = upload(importer, content)
    assert not confirmable(response)
    [(line, column, value, message)] = [
        (r.line, p.column, p.value, p.message) for r in response.context["result"].agency_preview for p in r.problems
    ]
    assert (line, column, value) == (2, "I (menggantikan)", PLACEHOLDER)
    assert message == "SKPD sementara ini sudah digabung ke Dinas Perhubungan (slug dinas-perhubungan)."


def test_only_placeholders_can_be_replaced(importer, city):
    response = upload(importer, csv_bytes([row(slug="dinas-x", nama="Dinas X", menggantikan="dinas-kesehatan")]))
    [problem] = [p for r in response.context["result"].agency_preview for p in r.problems]
    assert problem.message == "'dinas-kesehatan' bukan SKPD sementara (skpd-belum-teridentifikasi-NN)."
    assert not Agency.objects.filter(slug="dinas-x").exists()


def test_english_headers_and_labels_are_read_too(importer, city):
    headers = ["Name", "Short name", "KIND", "parent", "Name-Confirmed", "source", "notes", "replaces"]
    content = csv_bytes(
        [
            {"Name": "Puskesmas Garuda", "KIND": "Puskesmas", "parent": "dinas-kesehatan", "source": "Daftar uji"},
            {"Name": "Kecamatan Sukajadi", "KIND": "District", "Name-Confirmed": "yes", "source": "Daftar uji"},
        ],
        headers=headers,
    )
    response = upload(importer, content)
    assert preview_rows(response) == [(2, "new"), (3, "new")]
    confirm(importer, response)
    garuda = Agency.objects.get(slug="puskesmas-garuda")
    # An empty "Name-Confirmed" on a new agency: its source names it (Agency.name_confirmed).
    assert (garuda.kind, garuda.parent, garuda.name_confirmed) == ("health_centre", city["health"], True)
    assert Agency.objects.get(slug="kecamatan-sukajadi").name_confirmed is True


def test_a_column_left_out_leaves_that_field_as_it_is(importer, city):
    city["health"].notes = "Catatan staf"
    city["health"].save()
    content = csv_bytes(
        [{"slug": "dinas-kesehatan", "nama": "Dinas Kesehatan", "sumber": row()["sumber"]}], ["slug", "nama", "sumber"]
    )
    response = upload(importer, content)
    assert preview_rows(response) == [(2, "unchanged")]


def test_a_parent_may_be_a_row_above_in_the_same_file(importer, city):
    content = csv_bytes(
        [
            row(slug="dinas-sosial", nama="Dinas Sosial"),
            row(slug="uptd-panti-sosial", nama="UPTD Panti Sosial", jenis="other", induk="dinas-sosial"),
        ]
    )
    confirm(importer, upload(importer, content))
    assert Agency.objects.get(slug="uptd-panti-sosial").parent.slug == "dinas-sosial"


def test_the_confirmation_saves_nothing_when_the_data_changed_since_the_preview(importer, city):
    preview = upload(importer, city_file())
    AgencyFactory(slug="disdik", name="dinas pendidikan")  # meanwhile, someone else added it
    before = stored()
    response = confirm(importer, preview)
    assert response.status_code == 200
    assert "Data berubah sejak pratinjau: impor dibatalkan, tidak ada yang disimpan" in response.content.decode()
    [(line, column, value, message)] = [
        (r.line, p.column, p.value, p.message) for r in response.context["result"].agency_preview for p in r.problems
    ]
    assert (line, column, value) == (2, "B (nama)", "Dinas Pendidikan")
    assert message == "Nama ini sudah dipakai SKPD lain (slug disdik)."
    # The other three rows were valid; none of them was written either.
    assert stored() == before
    assert Agency.objects.get(pk=city["placeholder"].pk).slug == PLACEHOLDER


@pytest.mark.parametrize(
    "token",
    ["", "bukan-token", "eyJ1cGxvYWQiOiIuLi9ldGMvcGFzc3dkIn0:1tYx:palsu"],
)
def test_a_forged_confirmation_is_refused_and_writes_nothing(importer, city, token):
    before = stored()
    response = importer.post(PROCESS, {"token": token})
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages][0].endswith("Unggah berkasnya lagi.")
    assert stored() == before


def test_a_confirmation_made_for_another_account_is_refused(importer, city, client, roles):
    preview = upload(importer, city_file())
    other = RoleUserFactory(username="staf-lain", role=Role.STAFF)
    client.force_login(other)
    before = stored()
    response = confirm(client, preview)
    assert response.status_code == 302
    assert stored() == before


def test_a_confirmed_file_cannot_be_confirmed_twice(importer, city):
    preview = upload(importer, city_file())
    confirm(importer, preview)
    before = stored()
    response = confirm(importer, preview)
    assert response.status_code == 302
    assert "Berkas pratinjau ini sudah tidak tersimpan." in str(list(response.wsgi_request._messages)[-1])
    assert stored() == before


def test_an_unreachable_cache_is_a_message_not_a_server_error(importer, city, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")  # an OSError, as a refused connection is

    preview = upload(importer, city_file())
    monkeypatch.setattr(UploadCacheStorage, "save", unreachable)
    monkeypatch.setattr(UploadCacheStorage, "read", unreachable)
    before = stored()
    response = upload(importer, city_file())
    assert response.status_code == 302
    assert "cache tidak terjangkau" in str(list(response.wsgi_request._messages)[-1])
    response = confirm(importer, preview)
    assert response.status_code == 302
    assert "Berkas pratinjau ini sudah tidak tersimpan." in str(list(response.wsgi_request._messages)[-1])
    assert stored() == before


def test_the_shipped_list_exported_with_a_placeholder_named_imports_as_one_merge(importer):
    """The whole path on the shipped data: export, name #25 in the spreadsheet, import."""
    call_command("load_initial_agencies", verbosity=0)
    placeholder = Agency.objects.get(slug=PLACEHOLDER)
    certificates = list(placeholder.certificates.values_list("pk", flat=True))
    rows = exported_rows(export_file(importer))
    for values in rows:
        if values["slug"] == PLACEHOLDER:
            values.update(
                slug="dinas-perhubungan",
                nama="Dinas Perhubungan",
                jenis="Dinas",
                nama_terkonfirmasi="ya",
                sumber="Daftar SKPD Pemkot Bandung 2014",
                menggantikan=PLACEHOLDER,
            )
    response = upload(importer, csv_bytes(rows))
    actions = [action for _line, action in preview_rows(response)]
    assert actions.count("merge") == 1 and actions.count("unchanged") == len(rows) - 1
    confirm(importer, response)
    merged = Agency.objects.get(pk=placeholder.pk)
    assert (merged.slug, merged.kind) == ("dinas-perhubungan", "department")
    assert list(merged.certificates.values_list("pk", flat=True)) == certificates
    assert Agency.objects.count() == len(rows)
