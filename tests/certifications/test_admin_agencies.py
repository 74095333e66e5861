"""The agency admin, through real HTTP requests as a logged-in staff member."""

import datetime

import pytest
from django.contrib.admin import site
from django.core import checks
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from agencies.models import Agency, CertificationReport
from bandung_iso.roles import Role
from certifications.dates import DatePrecision
from certifications.models import Certificate
from tests.factories import (
    AgencyFactory,
    CertificateFactory,
    CurrentCertificateFactory,
    RoleUserFactory,
    StandardFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:agencies_agency_changelist")
ADD = reverse("admin:agencies_agency_add")

# Session, user, the filtered count, the unfiltered count and the page of rows. The bound
# is the same for 3 and for 30 rows: the per-row "certified today" is part of the list query.
CHANGELIST_MAX_QUERIES = 5


def change_url(agency):
    return reverse("admin:agencies_agency_change", args=[agency.pk])


def names(response):
    return {agency.name for agency in response.context["cl"].result_list}


def inline_management(prefix="certificates", total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def agency_form(**overrides):
    data = {
        "name": "Dinas Kependudukan dan Pencatatan Sipil",
        "short_name": "Disdukcapil",
        "slug": "dinas-kependudukan-dan-pencatatan-sipil",
        "kind": Agency.Kind.DEPARTMENT,
        "parent": "",
        "is_active": "on",
        "name_confirmed": "on",
        "source": "Keputusan Wali Kota, 2012",
        "notes": "",
        "certification_reported": CertificationReport.UNKNOWN,
        **inline_management(),
        **inline_management("memberships"),
        **inline_management("former_names"),
    }
    data.update(overrides)
    return data


def test_admin_configuration_passes_system_checks():
    assert checks.run_checks(tags=[checks.Tags.admin]) == []


def test_every_model_is_registered():
    from certifications.models import Audit, Ceremony, CertificationBody, Finding, Programme, Standard

    for model in (Agency, Standard, CertificationBody, Certificate, Audit, Finding, Ceremony, Programme):
        assert site.is_registered(model), model


def test_anonymous_user_is_sent_to_the_login_page(client):
    response = client.get(reverse("admin:index"))
    assertRedirects(response, f"{reverse('admin:login')}?next={reverse('admin:index')}")


def test_anonymous_user_cannot_see_the_agency_list(client):
    response = client.get(CHANGELIST)
    assertRedirects(response, f"{reverse('admin:login')}?next={CHANGELIST}")


def test_admin_index_is_in_indonesian(staff_client):
    response = staff_client.get(reverse("admin:index"))
    assertContains(response, "Portal Sertifikasi SMM ISO 9001 Kota Bandung")
    assertContains(response, "SKPD")
    # The portal follows the 2015 revision too: the header names no edition.
    assertNotContains(response, "9001:2008")


def test_changelist_shows_the_agencies(staff_client):
    AgencyFactory(name="Dinas Pendidikan", short_name="Disdik")
    response = staff_client.get(CHANGELIST)
    assertContains(response, "Dinas Pendidikan")
    assertContains(response, "Disdik")


def test_search_finds_by_name_and_short_name(staff_client):
    AgencyFactory(name="Dinas Pendidikan", short_name="Disdik")
    AgencyFactory(name="Satuan Polisi Pamong Praja", short_name="Satpol PP")

    response = staff_client.get(CHANGELIST, {"q": "pendidikan"})
    assert names(response) == {"Dinas Pendidikan"}

    response = staff_client.get(CHANGELIST, {"q": "satpol"})
    assert names(response) == {"Satuan Polisi Pamong Praja"}


def test_add_page_renders(staff_client):
    response = staff_client.get(ADD)
    assert response.status_code == 200
    assertContains(response, 'name="slug"')


def test_change_page_renders_with_its_certificates(staff_client):
    agency = AgencyFactory(name="Dinas Pendidikan")
    CertificateFactory(agency=agency, number="QMS/2012/0042")
    response = staff_client.get(change_url(agency))
    assertContains(response, "Dinas Pendidikan")
    assertContains(response, "QMS/2012/0042")


def test_post_add_form_creates_an_agency(staff_client):
    response = staff_client.post(ADD, agency_form())
    assertRedirects(response, CHANGELIST)
    agency = Agency.objects.get()
    assert agency.name == "Dinas Kependudukan dan Pencatatan Sipil"
    assert agency.kind == Agency.Kind.DEPARTMENT
    assert agency.is_active
    assert agency.name_confirmed


@pytest.mark.parametrize("typed", ["31-12-2012", "2012-12-31"])
def test_post_add_form_creates_an_agency_with_an_inline_certificate(staff_client, typed):
    """A day typed as the Indonesian locale writes it (day-month-year) or as ISO: the same day."""
    standard = StandardFactory()
    data = agency_form(
        **inline_management(total=1),
        **{
            "certificates-0-standard": str(standard.pk),
            "certificates-0-body": "",
            "certificates-0-number": "",
            "certificates-0-issued_on": typed,
            "certificates-0-issued_precision": DatePrecision.ABOUT_YEAR,
            "certificates-0-expires_on": "",
            "certificates-0-expires_precision": DatePrecision.UNKNOWN,
            "certificates-0-expiry_unknown": "on",
            "certificates-0-status": Certificate.Status.ACTIVE,
            "certificates-0-status_changed_on": "",
            "certificates-0-status_reason": "",
            "certificates-0-source": "Berita Pemkot Bandung",
        },
    )
    response = staff_client.post(ADD, data)
    assertRedirects(response, CHANGELIST)
    certificate = Certificate.objects.get()
    assert certificate.agency == Agency.objects.get()
    assert certificate.issued_display == "sekitar 2012"
    assert certificate.issued_on == datetime.date(2012, 12, 31)


def inline_certificate(standard, **overrides):
    data = {
        "certificates-0-standard": str(standard.pk),
        "certificates-0-body": "",
        "certificates-0-number": "",
        "certificates-0-issued_on": "2012-05-14",
        "certificates-0-issued_precision": DatePrecision.DAY,
        "certificates-0-expires_on": "2015-05-13",
        "certificates-0-expires_precision": DatePrecision.DAY,
        "certificates-0-source": "Berita Pemkot Bandung",
    }
    data.update(overrides)
    return data


def test_inline_certificate_status_posted_is_ignored(staff_client):
    # Status changes go through the certificate list's actions, which keep the date and reason.
    data = agency_form(
        **inline_management(total=1),
        **inline_certificate(
            StandardFactory(),
            **{
                "certificates-0-status": Certificate.Status.WITHDRAWN,
                "certificates-0-status_changed_on": "2013-01-01",
                "certificates-0-status_reason": "Dicabut lembaga.",
            },
        ),
    )
    response = staff_client.post(ADD, data)
    assertRedirects(response, CHANGELIST)
    certificate = Certificate.objects.get()
    assert (certificate.status, certificate.status_changed_on, certificate.status_reason) == (
        Certificate.Status.ACTIVE,
        None,
        "",
    )


def test_inline_certificate_status_is_shown_read_only(staff_client):
    certificate = CertificateFactory(
        status=Certificate.Status.SUSPENDED,
        status_changed_on=datetime.date(2013, 1, 1),
        status_reason="Temuan mayor tidak ditutup.",
    )
    response = staff_client.get(change_url(certificate.agency))
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert not {"status", "status_changed_on", "status_reason"} & set(form.fields)
    assertContains(response, "Temuan mayor tidak ditutup.")


class TestQualityRepresentatives:
    @pytest.fixture
    def staff(self, client, roles):
        client.force_login(RoleUserFactory(role=Role.STAFF))
        return client

    @pytest.fixture
    def representative(self, roles):
        return RoleUserFactory(username="wakil", first_name="Rina", last_name="Lestari", role=Role.REPRESENTATIVE)

    def test_staff_pick_them_side_by_side_from_the_group_only(self, staff, representative):
        RoleUserFactory(username="auditor", role=Role.AUDITOR)
        UserFactory(username="warga")
        nameless = RoleUserFactory(username="anon", first_name="", last_name="", role=Role.REPRESENTATIVE)
        response = staff.get(ADD)
        assertContains(response, "selectfilter")
        field = response.context["adminform"].form.fields["quality_representatives"]
        # By name, as shown (the username only for an account without one), the nameless first.
        assert list(field.queryset) == [nameless, representative]
        assert [label for _, label in field.choices] == ["anon", "Rina Lestari"]
        assertContains(response, ">Rina Lestari</option>")
        assertNotContains(response, ">wakil</option>")

    def test_staff_link_a_representative(self, staff, representative):
        agency = AgencyFactory(name="Dinas Kesehatan", slug="dinas-kesehatan")
        data = agency_form(name="Dinas Kesehatan", slug="dinas-kesehatan", quality_representatives=[representative.pk])
        response = staff.post(change_url(agency), data)
        assertRedirects(response, CHANGELIST)
        assert list(agency.quality_representatives.all()) == [representative]

    def test_an_account_outside_the_group_is_refused(self, staff, representative):
        outsider = RoleUserFactory(username="auditor", role=Role.AUDITOR)
        agency = AgencyFactory(name="Dinas Kesehatan", slug="dinas-kesehatan")
        data = agency_form(name="Dinas Kesehatan", slug="dinas-kesehatan", quality_representatives=[outsider.pk])
        response = staff.post(change_url(agency), data)
        assert response.status_code == 200
        assert "quality_representatives" in response.context["adminform"].form.errors
        assert not agency.quality_representatives.exists()

    @pytest.mark.parametrize("count", [2, 20])
    def test_the_form_query_count_does_not_grow_with_representatives(self, staff, django_assert_max_num_queries, count):
        agency = AgencyFactory()
        for number in range(count):
            agency.quality_representatives.add(RoleUserFactory(role=Role.REPRESENTATIVE, username=f"wakil{number}"))
        CertificateFactory(agency=agency)
        # Session, user, the agency, permissions (own and group's), roles, the history link's content
        # type, the chosen representatives, the group's accounts to choose from, and the certificate
        # inline with its parent and standard, the memberships with the programmes to choose from, the
        # former names and former slugs: the same for 2 and for 20 representatives.
        with django_assert_max_num_queries(17):
            response = staff.get(change_url(agency))
        assert response.status_code == 200
        assert len(response.context["adminform"].form.initial["quality_representatives"]) == count

    def test_auditors_read_them(self, client, roles, representative):
        agency = AgencyFactory()
        agency.quality_representatives.add(representative)
        client.force_login(RoleUserFactory(role=Role.AUDITOR))
        response = client.get(change_url(agency))
        assert response.context["has_change_permission"] is False
        assertContains(response, "wakil")


def test_inline_certificate_with_a_bad_date_shows_the_model_error_and_saves_nothing(staff_client):
    standard = StandardFactory()
    data = agency_form(
        **inline_management(total=1),
        **{
            "certificates-0-standard": str(standard.pk),
            "certificates-0-issued_on": "2012-06-01",
            "certificates-0-issued_precision": DatePrecision.YEAR,
            "certificates-0-expires_precision": DatePrecision.UNKNOWN,
            "certificates-0-status": Certificate.Status.ACTIVE,
            "certificates-0-source": "Berita Pemkot Bandung",
        },
    )
    response = staff_client.post(ADD, data)
    assert response.status_code == 200
    assertContains(response, "simpan hari terakhir periodenya (2012-12-31)")
    assert not Agency.objects.exists()
    assert not Certificate.objects.exists()


def test_post_add_form_rejects_a_name_that_differs_only_in_case(staff_client):
    AgencyFactory(name="Dinas Pendidikan")
    response = staff_client.post(ADD, agency_form(name="dinas pendidikan", slug="dinas-pendidikan-2"))
    assert response.status_code == 200
    assertContains(response, "Sudah ada SKPD dengan nama ini.")
    assert Agency.objects.count() == 1


def test_post_change_form_rejects_an_agency_as_its_own_parent(staff_client):
    agency = AgencyFactory(name="Dinas Kesehatan", slug="dinas-kesehatan")
    data = agency_form(name="Dinas Kesehatan", slug="dinas-kesehatan", parent=str(agency.pk))
    response = staff_client.post(change_url(agency), data)
    assert response.status_code == 200
    assertContains(response, "Sebuah SKPD tidak dapat menjadi induk dirinya sendiri.")
    agency.refresh_from_db()
    assert agency.parent is None


def test_post_add_form_without_a_source_creates_nothing(staff_client):
    response = staff_client.post(ADD, agency_form(source="   "))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["source"]
    assert not Agency.objects.exists()


class TestCertifiedTodayFilter:
    @pytest.fixture
    def agencies(self):
        today = timezone.localdate()
        certified = CurrentCertificateFactory(agency__name="A bersertifikat").agency
        expiring_today = CurrentCertificateFactory(agency__name="B berakhir hari ini", expires_on=today).agency
        # ISO 9001:2008 certificates all lapsed in 2018, whatever date is printed on them.
        lapsed = CertificateFactory(agency__name="C sertifikat 2008").agency
        suspended = CurrentCertificateFactory(
            agency__name="D dibekukan",
            status=Certificate.Status.SUSPENDED,
            status_changed_on=today - datetime.timedelta(days=1),
            status_reason="Temuan mayor tidak ditutup.",
        ).agency
        not_yet = CurrentCertificateFactory(
            agency__name="E terbit besok", issued_on=today + datetime.timedelta(days=1)
        ).agency
        never = AgencyFactory(name="F belum pernah")
        open_ended = CurrentCertificateFactory(
            agency__name="G tanpa kedaluwarsa", expires_on=None, expires_precision=DatePrecision.UNKNOWN
        ).agency
        return {
            "certified": {certified.name, expiring_today.name},
            "not_certified": {lapsed.name, suspended.name, not_yet.name, never.name},
            "validity_unknown": {open_ended.name},
        }

    def test_no_filter_lists_every_agency(self, staff_client, agencies):
        response = staff_client.get(CHANGELIST)
        assert names(response) == agencies["certified"] | agencies["not_certified"] | agencies["validity_unknown"]

    def test_certified_today(self, staff_client, agencies):
        response = staff_client.get(CHANGELIST, {"sertifikat_hari_ini": "ya"})
        assert names(response) == agencies["certified"]

    def test_not_certified_today(self, staff_client, agencies):
        response = staff_client.get(CHANGELIST, {"sertifikat_hari_ini": "tidak"})
        assert names(response) == agencies["not_certified"]

    def test_validity_unknown_today(self, staff_client, agencies):
        response = staff_client.get(CHANGELIST, {"sertifikat_hari_ini": "tidak_diketahui"})
        assert names(response) == agencies["validity_unknown"]
        assertContains(response, "?sertifikat_hari_ini=tidak_diketahui")

    def test_the_column_agrees_with_the_filter(self, staff_client, agencies):
        response = staff_client.get(CHANGELIST)
        shown = {agency.name for agency in response.context["cl"].result_list if agency.certified_today}
        assert shown == agencies["certified"]
        # Neither yes nor no for the agency whose certificate's validity is unknown.
        page = response.content.decode()
        assert page.count('<td class="field-certified_today"><img src="/static/admin/img/icon-unknown.svg"') == 1

    def test_the_filter_is_offered_in_indonesian(self, staff_client, agencies):
        response = staff_client.get(CHANGELIST)
        assertContains(response, "status sertifikat hari ini")
        assertContains(response, "tidak bersertifikat hari ini")


def test_today_is_the_local_date_in_jakarta(staff_client, monkeypatch):
    # 20:00 UTC on 1 January is already 03:00 on 2 January in Bandung.
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2025, 1, 1, 20, 0, tzinfo=datetime.UTC))
    CurrentCertificateFactory(
        agency__name="Terbit 2 Januari",
        issued_on=datetime.date(2025, 1, 2),
        expires_on=datetime.date(2028, 1, 1),
    )
    response = staff_client.get(CHANGELIST, {"sertifikat_hari_ini": "ya"})
    assert names(response) == {"Terbit 2 Januari"}


def test_other_filters(staff_client):
    AgencyFactory(name="Kecamatan Coblong", kind=Agency.Kind.DISTRICT, name_confirmed=False)
    AgencyFactory(name="Dinas Lama", is_active=False)

    assert names(staff_client.get(CHANGELIST, {"kind__exact": "district"})) == {"Kecamatan Coblong"}
    assert names(staff_client.get(CHANGELIST, {"name_confirmed__exact": "0"})) == {"Kecamatan Coblong"}
    assert names(staff_client.get(CHANGELIST, {"is_active__exact": "0"})) == {"Dinas Lama"}


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize(
    "query", [{}, {"sertifikat_hari_ini": "ya"}, {"sertifikat_hari_ini": "tidak_diketahui"}, {"q": "dinas"}, {"o": "6"}]
)
def test_changelist_query_count_does_not_grow_with_rows(staff_client, django_assert_max_num_queries, rows, query):
    for _ in range(rows):
        CurrentCertificateFactory()
        CertificateFactory()
        CurrentCertificateFactory(expires_on=None, expires_precision=DatePrecision.UNKNOWN)
    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES):
        response = staff_client.get(CHANGELIST, query)
    assert response.status_code == 200
    if not query:
        assert len(response.context["cl"].result_list) == 3 * rows
