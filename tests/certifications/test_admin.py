"""The certification admin, through real HTTP requests as a logged-in staff member."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from certifications.dates import DatePrecision
from certifications.models import Audit, Ceremony, Certificate, CertificationBody, Finding, Programme, Standard
from tests.factories import (
    AgencyFactory,
    AuditFactory,
    CeremonyFactory,
    CertificateFactory,
    CertificationBodyFactory,
    CurrentCertificateFactory,
    FindingFactory,
    ProgrammeFactory,
    StandardFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Session, user, the three filter choices (expiry years, standards, bodies), the filtered
# count, the unfiltered count and the page of rows: the same for 3 rows and for 30.
CERTIFICATE_CHANGELIST_MAX_QUERIES = 8


def url(model, view, *args):
    return reverse(f"admin:certifications_{model._meta.model_name}_{view}", args=args)


def rows(response):
    return list(response.context["cl"].result_list)


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


# --- every model: list, search, add page, change page -----------------------------------------


def make_standard(label):
    return StandardFactory(code=f"ISO {label}", title=f"Standar {label}")


def make_body(label):
    return CertificationBodyFactory(name=f"Lembaga {label}")


def make_certificate(label):
    return CertificateFactory(agency__name=f"Dinas {label}", number=f"QMS-{label}")


def make_audit(label):
    return AuditFactory(agency__name=f"Dinas {label}")


def make_finding(label):
    return FindingFactory(description=f"Temuan {label}")


def make_ceremony(label):
    return CeremonyFactory(title=f"Upacara {label}")


def make_programme(label):
    return ProgrammeFactory(name=f"Program {label}")


MODELS = [
    pytest.param(Standard, make_standard, id="standard"),
    pytest.param(CertificationBody, make_body, id="body"),
    pytest.param(Certificate, make_certificate, id="certificate"),
    pytest.param(Audit, make_audit, id="audit"),
    pytest.param(Finding, make_finding, id="finding"),
    pytest.param(Ceremony, make_ceremony, id="ceremony"),
    pytest.param(Programme, make_programme, id="programme"),
]


@pytest.mark.parametrize(("model", "make"), MODELS)
def test_changelist_shows_a_row(staff_client, model, make):
    make("Kenanga")
    response = staff_client.get(url(model, "changelist"))
    assertContains(response, "Kenanga")


@pytest.mark.parametrize(("model", "make"), MODELS)
def test_search_finds_the_right_row_only(staff_client, model, make):
    wanted = make("Kenanga")
    make("Melati")
    response = staff_client.get(url(model, "changelist"), {"q": "kenanga"})
    assert rows(response) == [wanted]
    assertNotContains(response, "Melati")


@pytest.mark.parametrize(("model", "make"), MODELS)
def test_add_page_renders(staff_client, model, make):
    response = staff_client.get(url(model, "add"))
    assert response.status_code == 200


@pytest.mark.parametrize(("model", "make"), MODELS)
def test_change_page_renders(staff_client, model, make):
    obj = make("Kenanga")
    response = staff_client.get(url(model, "change", obj.pk))
    assertContains(response, "Kenanga")


@pytest.mark.parametrize(("model", "make"), MODELS)
def test_anonymous_user_is_sent_to_the_login_page(client, model, make):
    changelist = url(model, "changelist")
    response = client.get(changelist)
    assertRedirects(response, f"{reverse('admin:login')}?next={changelist}")


# --- certificates -------------------------------------------------------------------------------


def certificate_form(agency, standard, **overrides):
    data = {
        "agency": str(agency.pk),
        "standard": str(standard.pk),
        "body": "",
        "number": "",
        "scope": "",
        "issued_on": "2012-05-14",
        "issued_precision": DatePrecision.DAY,
        "expires_on": "2015-05-13",
        "expires_precision": DatePrecision.DAY,
        "status": Certificate.Status.ACTIVE,
        "status_changed_on": "",
        "status_reason": "",
        "source": "Berita Pemkot Bandung, 2012",
        "notes": "",
    }
    data.update(overrides)
    return data


class TestCertificateForm:
    @pytest.fixture
    def agency(self):
        return AgencyFactory(name="Dinas Pendidikan")

    @pytest.fixture
    def standard(self):
        return StandardFactory()

    def test_post_creates_a_certificate(self, staff_client, agency, standard):
        body = CertificationBodyFactory(name="Sucofindo ICS")
        data = certificate_form(agency, standard, body=str(body.pk), number="QMS/2012/0042")
        response = staff_client.post(url(Certificate, "add"), data)
        assertRedirects(response, url(Certificate, "changelist"))
        certificate = Certificate.objects.get()
        assert (certificate.agency, certificate.standard, certificate.body) == (agency, standard, body)
        assert certificate.number == "QMS/2012/0042"
        assert certificate.issued_on == datetime.date(2012, 5, 14)

    def test_post_creates_a_certificate_known_only_by_year(self, staff_client, agency, standard):
        data = certificate_form(
            agency,
            standard,
            issued_on="2012-12-31",
            issued_precision=DatePrecision.ABOUT_YEAR,
            expires_on="",
            expires_precision=DatePrecision.UNKNOWN,
        )
        response = staff_client.post(url(Certificate, "add"), data)
        assertRedirects(response, url(Certificate, "changelist"))
        assert Certificate.objects.get().issued_display == "sekitar 2012"

    def test_expiry_before_issue_is_refused(self, staff_client, agency, standard):
        data = certificate_form(agency, standard, issued_on="2015-05-14", expires_on="2012-05-13")
        response = staff_client.post(url(Certificate, "add"), data)
        assert response.status_code == 200
        assertContains(response, "Tanggal kedaluwarsa harus sesudah tanggal terbit.", count=1)
        # The friendly message from clean(), not the database constraint's generic one.
        assertNotContains(response, "certificate_expires_after_issue")
        assert not Certificate.objects.exists()

    def test_year_precision_not_on_31_december_is_refused(self, staff_client, agency, standard):
        data = certificate_form(agency, standard, issued_on="2012-06-01", issued_precision=DatePrecision.YEAR)
        response = staff_client.post(url(Certificate, "add"), data)
        assert response.status_code == 200
        assertContains(response, "simpan hari terakhir periodenya (2012-12-31)")
        assertNotContains(response, "certificate_issued_on_year_is_year_end")
        assert not Certificate.objects.exists()

    def test_date_with_unknown_precision_is_refused(self, staff_client, agency, standard):
        data = certificate_form(agency, standard, expires_precision=DatePrecision.UNKNOWN)
        response = staff_client.post(url(Certificate, "add"), data)
        assert response.status_code == 200
        assertContains(response, "Kosongkan tanggal atau pilih ketelitian yang sesuai.")
        assert not Certificate.objects.exists()

    def test_suspension_without_date_and_reason_is_refused(self, staff_client, agency, standard):
        data = certificate_form(agency, standard, status=Certificate.Status.SUSPENDED)
        response = staff_client.post(url(Certificate, "add"), data)
        assert response.status_code == 200
        assertContains(response, "Isi tanggal pembekuan atau pencabutan.")
        assertContains(response, "Tulis alasan pembekuan atau pencabutan.")
        assert not Certificate.objects.exists()

    def test_same_number_from_the_same_body_is_refused(self, staff_client, agency, standard):
        body = CertificationBodyFactory()
        CertificateFactory(body=body, number="QMS/2012/0042")
        data = certificate_form(agency, standard, body=str(body.pk), number="QMS/2012/0042")
        response = staff_client.post(url(Certificate, "add"), data)
        assert response.status_code == 200
        assertContains(response, "Lembaga ini sudah menerbitkan sertifikat dengan nomor yang sama.")
        assert Certificate.objects.count() == 1


class TestCertificateList:
    def test_columns(self, staff_client):
        body = CertificationBodyFactory(name="Sucofindo ICS")
        CertificateFactory(agency__name="Dinas Pendidikan", body=body, number="QMS/2012/0042")
        response = staff_client.get(url(Certificate, "changelist"))
        for text in ("Dinas Pendidikan", "ISO 9001:2008", "QMS/2012/0042", "Sucofindo ICS", "14 Mei 2012", "aktif"):
            assertContains(response, text)

    def test_dates_are_shown_as_far_as_they_are_known(self, staff_client):
        CertificateFactory(
            issued_on=datetime.date(2012, 12, 31),
            issued_precision=DatePrecision.ABOUT_YEAR,
            expires_on=datetime.date(2015, 12, 31),
            expires_precision=DatePrecision.BY_YEAR,
        )
        response = staff_client.get(url(Certificate, "changelist"))
        assertContains(response, "sekitar 2012")
        assertContains(response, "paling lambat 2015")
        # Never the normalised last day of the period.
        assertNotContains(response, "31 Des")
        assertNotContains(response, "2012-12-31")

    def test_unknown_number_body_and_dates_say_so(self, staff_client):
        CertificateFactory(
            number="",
            body=None,
            issued_on=None,
            issued_precision=DatePrecision.UNKNOWN,
            expires_on=None,
            expires_precision=DatePrecision.UNKNOWN,
        )
        response = staff_client.get(url(Certificate, "changelist"))
        # Number, body, issued and expires: four unknown cells.
        assertContains(response, "tidak diketahui</td>", count=4)

    def test_search_by_body_name(self, staff_client):
        wanted = CertificateFactory(body=CertificationBodyFactory(name="Sucofindo ICS"))
        CertificateFactory(body=CertificationBodyFactory(name="TÜV Rheinland"))
        response = staff_client.get(url(Certificate, "changelist"), {"q": "sucofindo"})
        assert rows(response) == [wanted]

    def test_search_by_agency_short_name(self, staff_client):
        wanted = CertificateFactory(agency__short_name="Satpol PP")
        CertificateFactory(agency__short_name="Disdik")
        response = staff_client.get(url(Certificate, "changelist"), {"q": "satpol"})
        assert rows(response) == [wanted]


class TestExpiryYearFilter:
    @pytest.fixture
    def certificates(self):
        return {
            "2015": CertificateFactory(expires_on=datetime.date(2015, 5, 13)),
            # Known only to the year: stored as 31 December, still 2015.
            "2015_year": CertificateFactory(
                issued_on=datetime.date(2012, 12, 31),
                issued_precision=DatePrecision.YEAR,
                expires_on=datetime.date(2015, 12, 31),
                expires_precision=DatePrecision.YEAR,
            ),
            "2016": CertificateFactory(expires_on=datetime.date(2016, 1, 1)),
            "unknown": CertificateFactory(expires_on=None, expires_precision=DatePrecision.UNKNOWN),
        }

    def test_offers_the_years_and_unknown(self, staff_client, certificates):
        response = staff_client.get(url(Certificate, "changelist"))
        assertContains(response, "tahun kedaluwarsa")
        assertContains(response, "?tahun_kedaluwarsa=2015")
        assertContains(response, "?tahun_kedaluwarsa=2016")
        assertContains(response, "?tahun_kedaluwarsa=tidak_diketahui")
        assertNotContains(response, "?tahun_kedaluwarsa=2012")

    def test_filters_by_year(self, staff_client, certificates):
        response = staff_client.get(url(Certificate, "changelist"), {"tahun_kedaluwarsa": "2015"})
        assert set(rows(response)) == {certificates["2015"], certificates["2015_year"]}
        response = staff_client.get(url(Certificate, "changelist"), {"tahun_kedaluwarsa": "2016"})
        assert rows(response) == [certificates["2016"]]

    def test_filters_unknown_expiry(self, staff_client, certificates):
        response = staff_client.get(url(Certificate, "changelist"), {"tahun_kedaluwarsa": "tidak_diketahui"})
        assert rows(response) == [certificates["unknown"]]

    @pytest.mark.parametrize("value", ["dua-ribu", "99999", "0"])
    def test_nonsense_is_refused_without_an_error_page(self, staff_client, certificates, value):
        response = staff_client.get(url(Certificate, "changelist"), {"tahun_kedaluwarsa": value})
        assertRedirects(response, f"{url(Certificate, 'changelist')}?e=1", fetch_redirect_response=False)


class TestValidTodayFilter:
    @pytest.fixture
    def certificates(self):
        today = timezone.localdate()
        return {
            "valid": {CurrentCertificateFactory(), CurrentCertificateFactory(expires_on=today)},
            "not_valid": {
                CertificateFactory(),  # ISO 9001:2008: lapsed in 2018.
                CurrentCertificateFactory(
                    status=Certificate.Status.WITHDRAWN,
                    status_changed_on=today,
                    status_reason="Dicabut lembaga.",
                ),
                CurrentCertificateFactory(expires_on=today - datetime.timedelta(days=1)),
            },
        }

    def test_valid_today(self, staff_client, certificates):
        response = staff_client.get(url(Certificate, "changelist"), {"berlaku_hari_ini": "ya"})
        assert set(rows(response)) == certificates["valid"]

    def test_not_valid_today(self, staff_client, certificates):
        response = staff_client.get(url(Certificate, "changelist"), {"berlaku_hari_ini": "tidak"})
        assert set(rows(response)) == certificates["not_valid"]

    def test_the_column_agrees_with_the_filter(self, staff_client, certificates):
        response = staff_client.get(url(Certificate, "changelist"))
        assert {c for c in rows(response) if c.valid_today} == certificates["valid"]


def test_other_certificate_filters(staff_client):
    suspended = CertificateFactory(
        status=Certificate.Status.SUSPENDED, status_changed_on=datetime.date(2013, 1, 1), status_reason="Temuan mayor."
    )
    with_body = CertificateFactory(body=CertificationBodyFactory())
    newer = CurrentCertificateFactory(agency__kind="kecamatan")
    changelist = url(Certificate, "changelist")

    assert rows(staff_client.get(changelist, {"status__exact": "suspended"})) == [suspended]
    assert rows(staff_client.get(changelist, {"body__id__exact": with_body.body_id})) == [with_body]
    assert rows(staff_client.get(changelist, {"standard__id__exact": newer.standard_id})) == [newer]
    assert rows(staff_client.get(changelist, {"agency__kind__exact": "kecamatan"})) == [newer]


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("query", [{}, {"tahun_kedaluwarsa": "2015"}, {"berlaku_hari_ini": "ya"}, {"q": "dinas"}])
def test_certificate_changelist_query_count_does_not_grow_with_rows(
    staff_client, django_assert_max_num_queries, count, query
):
    for _ in range(count):
        CertificateFactory(body=CertificationBodyFactory())
        CurrentCertificateFactory(number="")
    with django_assert_max_num_queries(CERTIFICATE_CHANGELIST_MAX_QUERIES):
        response = staff_client.get(url(Certificate, "changelist"), query)
    assert response.status_code == 200
    if not query:
        assert len(rows(response)) == 2 * count


def test_certificate_autocomplete_for_audits(staff_client):
    wanted = CertificateFactory(agency__name="Dinas Pendidikan")
    CertificateFactory(agency__name="Dinas Kesehatan")
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "certifications", "model_name": "audit", "field_name": "certificate", "term": "pendidikan"},
    )
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [str(wanted.pk)]


# --- standards and bodies -----------------------------------------------------------------------


def test_post_creates_a_standard(staff_client):
    data = {
        "code": "ISO 9001:2015",
        "title": "Quality management systems — Requirements",
        "published_on": "2015-09-15",
        "certificates_valid_until": "",
        "source": "iso.org",
    }
    response = staff_client.post(url(Standard, "add"), data)
    assertRedirects(response, url(Standard, "changelist"))
    assert Standard.objects.get().code == "ISO 9001:2015"


def test_standard_validity_before_publication_is_refused(staff_client):
    data = {
        "code": "ISO 9001:2015",
        "title": "Quality management systems — Requirements",
        "published_on": "2015-09-15",
        "certificates_valid_until": "2015-01-01",
        "source": "iso.org",
    }
    response = staff_client.post(url(Standard, "add"), data)
    assert response.status_code == 200
    assertContains(response, "Batas berlaku sertifikat harus sesudah tanggal terbit standar.")
    assert not Standard.objects.exists()


def test_post_creates_a_certification_body(staff_client):
    data = {"name": "Sucofindo ICS", "accreditation_reference": "LSSM-004-IDN", "website": "", "notes": ""}
    response = staff_client.post(url(CertificationBody, "add"), data)
    assertRedirects(response, url(CertificationBody, "changelist"))
    assert CertificationBody.objects.get().name == "Sucofindo ICS"


def test_duplicate_certification_body_is_refused(staff_client):
    CertificationBodyFactory(name="Sucofindo ICS")
    data = {"name": "Sucofindo ICS", "accreditation_reference": "", "website": "", "notes": ""}
    response = staff_client.post(url(CertificationBody, "add"), data)
    assert response.status_code == 200
    assertContains(response, "Lembaga sertifikasi dengan nama ini sudah ada.")
    assert CertificationBody.objects.count() == 1


# --- audits and findings ------------------------------------------------------------------------


def audit_form(agency, **overrides):
    data = {
        "agency": str(agency.pk),
        "kind": Audit.Kind.STAGE_2,
        "certificate": "",
        "body": "",
        "status": Audit.Status.COMPLETED,
        "starts_on": "2012-03-01",
        "ends_on": "2012-03-02",
        "lead_auditor": "",
        "team": "",
        "summary": "",
        **management("findings"),
    }
    data.update(overrides)
    return data


def test_post_creates_an_audit_with_its_findings(staff_client):
    agency = AgencyFactory()
    data = audit_form(
        agency,
        **management("findings", total=1),
        **{
            "findings-0-clause": "4.2.3",
            "findings-0-grade": Finding.Grade.MINOR,
            "findings-0-description": "Dokumen kedaluwarsa masih beredar.",
            "findings-0-due_on": "2012-04-01",
            "findings-0-status": Finding.Status.OPEN,
            "findings-0-closed_on": "",
        },
    )
    response = staff_client.post(url(Audit, "add"), data)
    assertRedirects(response, url(Audit, "changelist"))
    audit = Audit.objects.get()
    assert audit.agency == agency
    assert audit.findings.get().clause == "4.2.3"


def test_inline_finding_closed_without_a_date_is_refused(staff_client):
    data = audit_form(
        AgencyFactory(),
        **management("findings", total=1),
        **{
            "findings-0-clause": "4.2.3",
            "findings-0-grade": Finding.Grade.MINOR,
            "findings-0-description": "Dokumen kedaluwarsa masih beredar.",
            "findings-0-status": Finding.Status.CLOSED,
            "findings-0-closed_on": "",
        },
    )
    response = staff_client.post(url(Audit, "add"), data)
    assert response.status_code == 200
    assertContains(response, "Temuan yang ditutup wajib mencatat tanggal penutupannya.")
    assert not Audit.objects.exists()
    assert not Finding.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_on": "2012-02-28"}, "Tanggal selesai audit tidak boleh sebelum tanggal mulai."),
        ({"kind": Audit.Kind.SURVEILLANCE}, "Audit surveilans dan resertifikasi harus menyebut sertifikatnya."),
    ],
)
def test_invalid_audit_is_refused(staff_client, overrides, message):
    response = staff_client.post(url(Audit, "add"), audit_form(AgencyFactory(), **overrides))
    assert response.status_code == 200
    assertContains(response, message)
    assert not Audit.objects.exists()


def test_audit_of_another_agencys_certificate_is_refused(staff_client):
    certificate = CertificateFactory()
    data = audit_form(AgencyFactory(), kind=Audit.Kind.SURVEILLANCE, certificate=str(certificate.pk))
    response = staff_client.post(url(Audit, "add"), data)
    assert response.status_code == 200
    assertContains(response, "Sertifikat ini milik SKPD lain.")
    assert not Audit.objects.exists()


def test_audit_change_page_shows_its_findings(staff_client):
    finding = FindingFactory(description="Rekaman pelatihan tidak lengkap.")
    response = staff_client.get(url(Audit, "change", finding.audit.pk))
    assertContains(response, "Rekaman pelatihan tidak lengkap.")


def test_audit_list_counts_findings_and_filters_by_kind(staff_client):
    audit = AuditFactory(agency__name="Dinas Pendidikan")
    FindingFactory.create_batch(2, audit=audit)
    internal = AuditFactory(agency__name="Dinas Kesehatan", kind=Audit.Kind.INTERNAL)
    response = staff_client.get(url(Audit, "changelist"))
    assert {a.pk: a.findings_count for a in rows(response)} == {audit.pk: 2, internal.pk: 0}
    response = staff_client.get(url(Audit, "changelist"), {"kind__exact": "internal"})
    assert rows(response) == [internal]


def test_audit_date_hierarchy(staff_client):
    march = AuditFactory(starts_on=datetime.date(2012, 3, 1), ends_on=None)
    AuditFactory(starts_on=datetime.date(2013, 3, 1), ends_on=None)
    response = staff_client.get(url(Audit, "changelist"))
    assertContains(response, "?starts_on__year=2012")
    assertContains(response, "?starts_on__year=2013")
    response = staff_client.get(url(Audit, "changelist"), {"starts_on__year": "2012"})
    assert rows(response) == [march]


def test_post_creates_a_finding(staff_client):
    audit = AuditFactory()
    verifier = UserFactory(username="auditor")
    data = {
        "audit": str(audit.pk),
        "clause": "8.5.2",
        "grade": Finding.Grade.MAJOR,
        "description": "Tindakan korektif tidak ditinjau.",
        "evidence": "",
        "correction": "",
        "root_cause": "",
        "corrective_action": "",
        "due_on": "2012-04-01",
        "status": Finding.Status.CLOSED,
        "verified_by": str(verifier.pk),
        "closed_on": "2012-04-15",
    }
    response = staff_client.post(url(Finding, "add"), data)
    assertRedirects(response, url(Finding, "changelist"))
    finding = Finding.objects.get()
    assert (finding.audit, finding.verified_by, finding.status) == (audit, verifier, Finding.Status.CLOSED)


def test_open_finding_with_a_closing_date_is_refused(staff_client):
    data = {
        "audit": str(AuditFactory().pk),
        "clause": "8.5.2",
        "grade": Finding.Grade.MAJOR,
        "description": "Tindakan korektif tidak ditinjau.",
        "status": Finding.Status.OPEN,
        "closed_on": "2012-04-15",
    }
    response = staff_client.post(url(Finding, "add"), data)
    assert response.status_code == 200
    assertContains(response, "Temuan yang belum ditutup tidak boleh punya tanggal penutupan.")
    assert not Finding.objects.exists()


def test_finding_list_filters_by_status(staff_client):
    closed = FindingFactory(status=Finding.Status.CLOSED, closed_on=datetime.date(2012, 4, 1))
    FindingFactory()
    response = staff_client.get(url(Finding, "changelist"), {"status__exact": "closed"})
    assert rows(response) == [closed]


# --- ceremonies ---------------------------------------------------------------------------------


def ceremony_form(**overrides):
    data = {
        "title": "Penyerahan sertifikat ISO 9001:2008",
        "slug": "penyerahan-2012",
        "held_on": "2012-12-31",
        "held_precision": DatePrecision.ABOUT_YEAR,
        "venue": "Balai Kota Bandung",
        "presided_by": "",
        "description": "",
        "source": "Berita Pemkot Bandung",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_post_creates_a_ceremony_with_its_certificates(staff_client):
    handed_over = CertificateFactory.create_batch(2)
    CertificateFactory()
    data = ceremony_form(certificates=[str(c.pk) for c in handed_over])
    response = staff_client.post(url(Ceremony, "add"), data)
    assertRedirects(response, url(Ceremony, "changelist"))
    assert set(Ceremony.objects.get().certificates.all()) == set(handed_over)


def test_ceremony_year_not_on_31_december_is_refused(staff_client):
    response = staff_client.post(url(Ceremony, "add"), ceremony_form(held_on="2012-08-17"))
    assert response.status_code == 200
    assertContains(response, "simpan hari terakhir periodenya (2012-12-31)")
    assert not Ceremony.objects.exists()


def test_ceremony_certificates_are_picked_side_by_side(staff_client):
    CertificateFactory(agency__name="Dinas Pendidikan")
    response = staff_client.get(url(Ceremony, "add"))
    assertContains(response, "selectfilter")
    assertContains(response, "Dinas Pendidikan")


@pytest.mark.parametrize("count", [3, 30])
def test_ceremony_form_query_count_does_not_grow_with_certificates(staff_client, django_assert_max_num_queries, count):
    ceremony = CeremonyFactory()
    ceremony.certificates.set(CertificateFactory.create_batch(count))
    with django_assert_max_num_queries(5):
        response = staff_client.get(url(Ceremony, "change", ceremony.pk))
    assert response.status_code == 200


def test_ceremony_list_shows_the_date_as_known_and_filters_by_year(staff_client):
    about_2012 = CeremonyFactory(title="Upacara 2012")
    about_2012.certificates.set(CertificateFactory.create_batch(2))
    CeremonyFactory(title="Upacara 2013", held_on=datetime.date(2013, 5, 2), held_precision=DatePrecision.DAY)
    response = staff_client.get(url(Ceremony, "changelist"))
    assertContains(response, "sekitar 2012")
    assertNotContains(response, "31 Des")
    assert {c.title: c.certificates_count for c in rows(response)} == {"Upacara 2012": 2, "Upacara 2013": 0}
    response = staff_client.get(url(Ceremony, "changelist"), {"tahun": "2012"})
    assert rows(response) == [about_2012]


# --- programmes ---------------------------------------------------------------------------------


def programme_form(**overrides):
    data = {
        "name": "Sertifikasi ISO 9001:2008 seluruh SKPD",
        "slug": "iso-2013",
        "target_agencies": "83",
        "deadline": "2013-12-31",
        "reported_certified": "",
        "reported_total": "",
        "reported_on": "",
        "reported_precision": DatePrecision.UNKNOWN,
        "source": "RPJMD Kota Bandung",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_post_creates_a_programme(staff_client):
    response = staff_client.post(url(Programme, "add"), programme_form())
    assertRedirects(response, url(Programme, "changelist"))
    assert Programme.objects.get().target_agencies == 83


def test_programme_reporting_more_certified_than_total_is_refused(staff_client):
    response = staff_client.post(url(Programme, "add"), programme_form(reported_certified="50", reported_total="40"))
    assert response.status_code == 200
    assertContains(response, "Jumlah bersertifikat yang dilaporkan melebihi jumlah SKPD yang dilaporkan.")
    assert not Programme.objects.exists()


def test_programme_list_shows_the_report_date_as_known(staff_client):
    ProgrammeFactory(
        reported_certified=9,
        reported_total=83,
        reported_on=datetime.date(2012, 12, 31),
        reported_precision=DatePrecision.BY_YEAR,
    )
    response = staff_client.get(url(Programme, "changelist"))
    assertContains(response, "paling lambat 2012")


def test_programme_change_page_shows_todays_progress(staff_client):
    programme = ProgrammeFactory(target_agencies=4)
    CurrentCertificateFactory()
    CertificateFactory()
    response = staff_client.get(url(Programme, "change", programme.pk))
    assertContains(response, "1 dari 4 SKPD bersertifikat (25%)")
