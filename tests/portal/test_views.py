import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import AgencyFactory, CertificateFactory, ProgrammeFactory, StandardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("load_initial_agencies", verbosity=0)


def test_home_shows_the_headline_from_the_database(client, loaded):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    deadline, today = response.context["at_deadline"], response.context["at_today"]
    assert (deadline.certified, deadline.target, deadline.percent, deadline.remaining) == (44, 83, 53, 39)
    assert (today.certified, today.percent, today.remaining) == (0, 0, 83)
    assert today.on == timezone.localdate()
    html = response.content.decode()
    assert "31 Desember 2013" in html
    assert "<strong>44</strong> dari 83 SKPD bersertifikat" in html
    assert "53%" in html
    assert "39 SKPD" in html
    assert "<strong>0</strong> dari 83 SKPD bersertifikat" in html


def test_home_explains_why_today_reads_zero(client, loaded):
    html = client.get("/").content.decode()
    assert "Batas waktu itu sudah lewat." in html
    assert "44 SKPD memegang sertifikat yang sudah kedaluwarsa" in html
    assert "Sertifikat ISO 9001:2008 tidak berlaku lagi setelah 15 September 2018" in html
    assert "Tidak ada perpanjangan atau sertifikat baru yang tercatat" in html
    assert "Nama 35 SKPD belum diketahui" in html
    assert "44 dari 83 SKPD bersertifikat (sekitar 2012)" in html
    assert "Lintasjabar.com" in html


def test_home_before_the_deadline_has_no_lapse_explanation(client):
    today = timezone.localdate()
    programme = ProgrammeFactory(deadline=today + datetime.timedelta(days=400), target_agencies=10)
    CertificateFactory(
        standard=StandardFactory(code="ISO 9001:2015", certificates_valid_until=None),
        issued_on=today - datetime.timedelta(days=10),
        expires_on=today + datetime.timedelta(days=1000),
    )
    response = client.get("/")
    assert response.context["programme"] == programme
    assert response.context["at_today"].certified == 1
    html = response.content.decode()
    assert "Batas waktu itu sudah lewat." not in html
    assert "Mengapa angka hari ini" not in html


def test_home_without_data_says_so(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Belum ada data program" in response.content.decode()


def test_home_escapes_text_from_the_database(client):
    ProgrammeFactory(name="<script>alert(1)</script>")
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("agencies", [2, 40])
def test_home_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, agencies):
    ProgrammeFactory()
    for _ in range(agencies):
        CertificateFactory(agency=AgencyFactory(name_confirmed=False))
    with django_assert_max_num_queries(7):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete", "trace"])
def test_home_answers_only_safe_methods(client, method):
    assert getattr(client, method)("/").status_code == 405


def test_head_is_allowed(client):
    assert client.head("/").status_code == 200
