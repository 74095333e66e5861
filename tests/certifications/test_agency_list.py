"""The city's SKPD list and the programme: who joins the target, and the 44 of 83 that stays 44.

Through the admin's import over HTTP, on the shipped data (certifications/agency_list.py).
"""

import datetime

import pytest
from django.core.management import call_command

from agencies.models import Agency
from certifications import selectors
from certifications.models import Programme, ProgrammeMember
from tests.factories import AgencyFactory, CertificateFactory
from tests.spreadsheets import confirm, csv_bytes, row, upload

pytestmark = pytest.mark.django_db
D = datetime.date

# Three placeholders named, and two SKPD no shipped record names: 45 + 2 on record.
CITY_LIST = [
    row(slug="dinas-perhubungan", nama="Dinas Perhubungan", menggantikan="skpd-belum-teridentifikasi-01"),
    row(slug="dinas-pendidikan", nama="Dinas Pendidikan", menggantikan="skpd-belum-teridentifikasi-02"),
    row(slug="inspektorat", nama="Inspektorat", jenis="inspectorate", menggantikan="03"),
    row(slug="dinas-tenaga-kerja", nama="Dinas Tenaga Kerja"),
    row(slug="kecamatan-cidadap", nama="Kecamatan Cidadap", jenis="district"),
]


@pytest.fixture
def shipped():
    call_command("load_initial_agencies", verbosity=0)
    return Programme.objects.current()


def figure(client, day: str) -> str:
    page = client.get("/", {"per": day}).content.decode()
    return page.split('data-testid="lead-figure">', 1)[1].split("</p>", 1)[0]


def test_after_a_list_that_names_placeholders_the_pages_still_read_44_of_83(importer, client, shipped):
    preview = upload(importer, csv_bytes(CITY_LIST))
    assert "Sesudah impor ini, target program: 47 dari 83 SKPD tercatat (15 dikenal namanya)" in " ".join(
        preview.content.decode().split()
    )
    assert confirm(importer, preview).status_code == 302
    assert Agency.objects.count() == 47
    for day in ("2012-12-31", "2013-12-31"):
        assert " ".join(figure(client, day).split()) == "<strong>44</strong> dari 83 SKPD bersertifikat"
        register = client.get("/skpd/", {"per": day})
        assert {item["status"]: item["count"] for item in register.context["summary"]}["certified"] == 44
    standing = selectors.membership(shipped, on=D(2013, 12, 31))
    # Named: the 10 before and the 5 the list names; unknown: Dinas Kesehatan and the 2 new ones.
    assert (standing.members, standing.named, standing.certified, standing.unknown, standing.unlisted) == (
        47,
        15,
        44,
        3,
        36,
    )
    assert selectors.report_exceeded(shipped) is None


def test_an_agency_the_list_adds_joins_the_programme_a_merged_one_keeps_its_membership(importer, shipped):
    confirm(importer, upload(importer, csv_bytes(CITY_LIST)))
    added = ProgrammeMember.objects.get(agency__slug="dinas-tenaga-kerja")
    assert (added.programme, added.starts_on, added.ends_on, added.source) == (
        shipped,
        None,
        None,
        "Daftar SKPD uji 2014",
    )
    merged = Agency.objects.get(slug="dinas-perhubungan")
    assert merged.memberships.count() == 1
    assert merged.memberships.get().source.startswith("Lintasjabar.com")  # the reason it was counted first


def test_the_preview_warns_when_the_records_count_more_certified_than_the_report(importer, shipped):
    # A real agency recorded with its own 2012 certificate beside the placeholder that stands for it.
    twice = AgencyFactory(name="Dinas Perhubungan", slug="dinas-perhubungan")
    CertificateFactory(agency=twice, issued_on=D(2012, 6, 1), expires_on=D(2015, 5, 31))
    preview = upload(importer, csv_bytes([row(slug="kecamatan-cidadap", nama="Kecamatan Cidadap", jenis="district")]))
    text = " ".join(preview.content.decode().split())
    assert 'id="import-report-exceeded"' in text
    assert (
        "catatan menghitung 45 SKPD bersertifikat per sekitar 2012, lebih banyak daripada laporan program (44)" in text
    )
    assert not Agency.objects.filter(slug="kecamatan-cidadap").exists()  # a preview writes nothing


def test_a_list_merging_a_placeholder_gives_no_warning(importer, shipped):
    preview = upload(importer, csv_bytes(CITY_LIST[:1]))
    assert 'id="import-report-exceeded"' not in preview.content.decode()
