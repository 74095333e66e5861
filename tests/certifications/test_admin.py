"""The certification admin, through real HTTP requests as a logged-in staff member."""

import datetime
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from bandung_iso.roles import Role
from certifications import services
from certifications.dates import DatePrecision
from certifications.models import (
    Audit,
    Ceremony,
    Certificate,
    CertificationBody,
    ClauseSet,
    Finding,
    Programme,
    Standard,
)
from tests.factories import (
    AgencyFactory,
    AuditFactory,
    CeremonyFactory,
    CertificateFactory,
    CertificationBodyFactory,
    CurrentCertificateFactory,
    FindingFactory,
    ProgrammeFactory,
    RoleUserFactory,
    StandardFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Session, user, the user's roles (may they change a certificate's status: the actions), the
# three filter choices (expiry years, standards, bodies), the filtered count, the unfiltered
# count and the page of rows: the same for 3 rows and for 30.
CERTIFICATE_CHANGELIST_MAX_QUERIES = 9


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
            expiry_unknown="on",
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

    def test_precision_without_a_date_is_refused(self, staff_client, agency, standard):
        data = certificate_form(agency, standard, issued_on="", issued_precision=DatePrecision.YEAR)
        response = staff_client.post(url(Certificate, "add"), data)
        assert response.status_code == 200
        assertContains(response, "Tanggal wajib diisi bila ketelitiannya bukan &#x27;tidak diketahui&#x27;.")
        assert not Certificate.objects.exists()

    def test_status_posted_with_a_new_certificate_is_ignored(self, staff_client, agency, standard):
        # Status changes only through the status actions, which record date and reason.
        data = certificate_form(
            agency,
            standard,
            status=Certificate.Status.SUSPENDED,
            status_changed_on="2013-01-01",
            status_reason="Temuan mayor.",
        )
        response = staff_client.post(url(Certificate, "add"), data)
        assertRedirects(response, url(Certificate, "changelist"))
        certificate = Certificate.objects.get()
        assert (certificate.status, certificate.status_changed_on, certificate.status_reason) == (
            Certificate.Status.ACTIVE,
            None,
            "",
        )

    def test_status_posted_to_the_change_form_is_ignored(self, staff_client, agency, standard):
        certificate = CertificateFactory(agency=agency, standard=standard)
        data = certificate_form(
            agency, standard, status=Certificate.Status.WITHDRAWN, status_changed_on="2013-01-01", status_reason="X"
        )
        response = staff_client.post(url(Certificate, "change", certificate.pk), data)
        assertRedirects(response, url(Certificate, "changelist"))
        certificate.refresh_from_db()
        assert certificate.status == Certificate.Status.ACTIVE
        assert certificate.status_changed_on is None

    def test_change_form_shows_the_status_read_only(self, staff_client, agency, standard):
        certificate = CertificateFactory(agency=agency, standard=standard)
        response = staff_client.get(url(Certificate, "change", certificate.pk))
        form = response.context["adminform"].form
        assert not {"status", "status_changed_on", "status_reason"} & set(form.fields)
        assertContains(response, "Status berubah hanya melalui tindakan Bekukan, Pulihkan dan Cabut")
        # The status history (the workflow's column) is on the page, read-only.
        assert "status_changes" in response.context["adminform"].readonly_fields

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
        unknown = re.findall(r'<td class="field-(\w+)[^"]*">tidak diketahui</td>', response.content.decode())
        assert sorted(unknown) == ["body", "issued", "number_display"]
        # No expiry: the certificate's validity is what is unknown.
        assert '<td class="field-expires">masa berlaku tidak diketahui</td>' in response.content.decode()

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
            # Issued, no expiry on record: neither valid nor not.
            "unknown": {CurrentCertificateFactory(expires_on=None, expires_precision=DatePrecision.UNKNOWN)},
        }

    def test_valid_today(self, staff_client, certificates):
        response = staff_client.get(url(Certificate, "changelist"), {"berlaku_hari_ini": "ya"})
        assert set(rows(response)) == certificates["valid"]

    def test_not_valid_today(self, staff_client, certificates):
        response = staff_client.get(url(Certificate, "changelist"), {"berlaku_hari_ini": "tidak"})
        assert set(rows(response)) == certificates["not_valid"]

    def test_validity_unknown_today(self, staff_client, certificates):
        response = staff_client.get(url(Certificate, "changelist"), {"berlaku_hari_ini": "tidak_diketahui"})
        assert set(rows(response)) == certificates["unknown"]
        assertContains(response, "?berlaku_hari_ini=tidak_diketahui")
        assertContains(response, "masa berlaku tidak diketahui")

    def test_the_column_agrees_with_the_filter(self, staff_client, certificates):
        response = staff_client.get(url(Certificate, "changelist"))
        assert {c for c in rows(response) if c.valid_today} == certificates["valid"]
        # The admin's icons: yes for each valid one, "unknown" for the one of unknown validity.
        page = response.content.decode()
        assert page.count('<td class="field-valid_today"><img src="/static/admin/img/icon-yes.svg"') == 2
        assert page.count('<td class="field-valid_today"><img src="/static/admin/img/icon-unknown.svg"') == 1


def test_other_certificate_filters(staff_client):
    suspended = CertificateFactory(
        status=Certificate.Status.SUSPENDED, status_changed_on=datetime.date(2013, 1, 1), status_reason="Temuan mayor."
    )
    with_body = CertificateFactory(body=CertificationBodyFactory())
    newer = CurrentCertificateFactory(agency__kind="district")
    changelist = url(Certificate, "changelist")

    assert rows(staff_client.get(changelist, {"status__exact": "suspended"})) == [suspended]
    assert rows(staff_client.get(changelist, {"body__id__exact": with_body.body_id})) == [with_body]
    assert rows(staff_client.get(changelist, {"standard__id__exact": newer.standard_id})) == [newer]
    assert rows(staff_client.get(changelist, {"agency__kind__exact": "district"})) == [newer]


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"tahun_kedaluwarsa": "2015"},
        {"berlaku_hari_ini": "ya"},
        {"berlaku_hari_ini": "tidak_diketahui"},
        {"q": "dinas"},
    ],
)
def test_certificate_changelist_query_count_does_not_grow_with_rows(
    staff_client, django_assert_max_num_queries, count, query
):
    for _ in range(count):
        CertificateFactory(body=CertificationBodyFactory())
        CurrentCertificateFactory(number="", expires_on=None, expires_precision=DatePrecision.UNKNOWN)
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


def test_inline_major_finding_without_a_due_date_is_refused_and_nothing_is_saved(staff_client):
    data = audit_form(
        AgencyFactory(),
        **management("findings", total=1),
        **{
            "findings-0-clause": "4.2.3",
            "findings-0-grade": Finding.Grade.MAJOR,
            "findings-0-description": "Dokumen kedaluwarsa masih beredar.",
            "findings-0-due_on": "",
        },
    )
    response = staff_client.post(url(Audit, "add"), data)
    assert response.status_code == 200
    assertContains(response, "Ketidaksesuaian mayor wajib punya batas waktu penyelesaian.")
    assert not Audit.objects.exists()
    assert not Finding.objects.exists()


def test_inline_finding_status_and_closing_date_posted_are_ignored(staff_client):
    # The workflow services close findings; the inline starts one open (or noted) by its grade.
    data = audit_form(
        AgencyFactory(),
        **management("findings", total=2),
        **{
            "findings-0-clause": "4.2.3",
            "findings-0-grade": Finding.Grade.MINOR,
            "findings-0-description": "Dokumen kedaluwarsa masih beredar.",
            "findings-0-status": Finding.Status.CLOSED,
            "findings-0-closed_on": "2012-04-01",
            "findings-1-clause": "5.3",
            "findings-1-grade": Finding.Grade.OBSERVATION,
            "findings-1-description": "Kebijakan mutu belum dipasang di ruang layanan.",
            "findings-1-status": Finding.Status.OPEN,
        },
    )
    response = staff_client.post(url(Audit, "add"), data)
    assertRedirects(response, url(Audit, "changelist"))
    assert {(f.clause, f.status, f.closed_on) for f in Finding.objects.all()} == {
        ("4.2.3", Finding.Status.OPEN, None),
        ("5.3", Finding.Status.NOTED, None),
    }


def test_inline_clause_choices_follow_the_audits_standard(staff_client):
    iso_2015 = StandardFactory(code="ISO 9001:2015", clause_set=ClauseSet.ISO_9001_2015, certificates_valid_until=None)
    audit = AuditFactory(standard=iso_2015)
    FindingFactory(audit=audit, clause="10.2")
    response = staff_client.get(url(Audit, "change", audit.pk))
    formset = response.context["inline_admin_formsets"][0].formset
    choices = dict(formset.forms[0].fields["clause"].choices)
    assert str(choices["10.2"]) == "10.2 Ketidaksesuaian dan tindakan korektif"
    assert "4.2.3" not in choices  # ISO 9001:2008 only


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


def test_audit_takes_its_certificates_standard(staff_client):
    certificate = CertificateFactory()
    data = audit_form(
        certificate.agency,
        kind=Audit.Kind.SURVEILLANCE,
        certificate=str(certificate.pk),
        starts_on="2013-05-06",
        ends_on="2013-05-07",
    )
    response = staff_client.post(url(Audit, "add"), data)
    assertRedirects(response, url(Audit, "changelist"))
    assert Audit.objects.get().standard == certificate.standard


def test_audit_of_another_standard_than_its_certificates_is_refused(staff_client):
    certificate = CertificateFactory()
    iso_2015 = StandardFactory(code="ISO 9001:2015", clause_set=ClauseSet.ISO_9001_2015, certificates_valid_until=None)
    data = audit_form(
        certificate.agency, kind=Audit.Kind.SURVEILLANCE, certificate=str(certificate.pk), standard=str(iso_2015.pk)
    )
    response = staff_client.post(url(Audit, "add"), data)
    assert response.status_code == 200
    assertContains(response, "Standar audit harus sama dengan standar sertifikatnya.")
    assert not Audit.objects.exists()


def test_audit_findings_read_only_show_the_clause_in_the_audits_standard(client, roles):
    finding = FindingFactory(audit__standard=StandardFactory(), clause="4.2.3")
    response = logged_in(client, RoleUserFactory(role=Role.STAFF)).get(url(Audit, "change", finding.audit.pk))
    assert response.context["inline_admin_formsets"][0].has_change_permission is False
    assertContains(response, "4.2.3 Pengendalian dokumen")


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


def finding_form(audit, **overrides):
    data = {
        "audit": str(audit.pk),
        "clause": "8.5.2",
        "grade": Finding.Grade.MAJOR,
        "description": "Tindakan korektif tidak ditinjau.",
        "evidence": "",
        "due_on": "2012-04-01",
    }
    data.update(overrides)
    return data


def test_post_creates_a_finding(staff_client):
    audit = AuditFactory()
    response = staff_client.post(url(Finding, "add"), finding_form(audit))
    assertRedirects(response, url(Finding, "changelist"))
    finding = Finding.objects.get()
    assert (finding.audit, finding.clause, finding.due_on) == (audit, "8.5.2", datetime.date(2012, 4, 1))
    assert finding.status == Finding.Status.OPEN


def test_workflow_fields_posted_with_a_new_finding_are_ignored(staff_client):
    # Closing takes the workflow (proposed action, verification): never the add form.
    verifier = UserFactory(username="auditor")
    data = finding_form(
        AuditFactory(),
        corrective_action="Prosedur ditinjau.",
        status=Finding.Status.CLOSED,
        verification="Diperiksa.",
        verified_by=str(verifier.pk),
        closed_on="2012-04-15",
    )
    response = staff_client.post(url(Finding, "add"), data)
    assertRedirects(response, url(Finding, "changelist"))
    finding = Finding.objects.get()
    assert (finding.status, finding.verified_by, finding.closed_on) == (Finding.Status.OPEN, None, None)
    assert finding.corrective_action == finding.verification == ""


def test_an_observation_is_noted(staff_client):
    response = staff_client.post(url(Finding, "add"), finding_form(AuditFactory(), grade=Finding.Grade.OBSERVATION))
    assertRedirects(response, url(Finding, "changelist"))
    assert Finding.objects.get().status == Finding.Status.NOTED


def test_major_finding_without_a_due_date_is_refused(staff_client):
    response = staff_client.post(url(Finding, "add"), finding_form(AuditFactory(), due_on=""))
    assert response.status_code == 200
    assertContains(response, "Ketidaksesuaian mayor wajib punya batas waktu penyelesaian.")
    assert not Finding.objects.exists()


def test_clause_of_another_standard_is_refused_with_the_standards_name(staff_client):
    audit = AuditFactory(standard=StandardFactory())  # ISO 9001:2008
    response = staff_client.post(url(Finding, "add"), finding_form(audit, clause="10.2"))
    assert response.status_code == 200
    assertContains(response, "Klausul 10.2 tidak ada dalam ISO 9001:2008, klausul 4 sampai 8.")
    assert not Finding.objects.exists()


def test_finding_form_offers_the_clauses_of_its_audits_standard(staff_client):
    finding = FindingFactory(audit__standard=StandardFactory(), clause="7.5.1")
    response = staff_client.get(url(Finding, "change", finding.pk))
    choices = dict(response.context["adminform"].form.fields["clause"].choices)
    assert str(choices["7.5.1"]) == "7.5.1 Pengendalian produksi dan penyediaan jasa"
    assert "10.2" not in choices


def test_finding_form_offers_both_standards_grouped_while_the_standard_is_unknown(staff_client):
    response = staff_client.get(url(Finding, "add"))
    groups = [label for label, _ in response.context["adminform"].form.fields["clause"].choices[1:]]
    assert [str(label) for label in groups] == [
        "ISO 9001:2008, klausul 4 sampai 8",
        "ISO 9001:2015, klausul 4 sampai 10",
    ]


def test_add_form_takes_the_clauses_of_the_audit_asked_for(staff_client):
    audit = AuditFactory(standard=StandardFactory())
    response = staff_client.get(url(Finding, "add"), {"audit": audit.pk})
    choices = dict(response.context["adminform"].form.fields["clause"].choices)
    assert "4.2.3" in choices and "10.2" not in choices


@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999", "1\x00"])
def test_add_form_ignores_a_nonsense_audit_parameter(staff_client, value):
    AuditFactory(standard=StandardFactory())
    response = staff_client.get(url(Finding, "add"), {"audit": value})
    assert response.status_code == 200


def test_finding_list_shows_the_clause_with_its_title_in_the_audits_standard(staff_client):
    FindingFactory(audit__standard=StandardFactory(), clause="4.2.3")
    response = staff_client.get(url(Finding, "changelist"))
    assertContains(response, "4.2.3 Pengendalian dokumen")


def test_finding_list_filters_by_status(staff_client, roles):
    lead = RoleUserFactory(role=Role.AUDITOR)
    representative = RoleUserFactory(role=Role.REPRESENTATIVE)
    closed = FindingFactory(audit__lead_auditor=lead)
    closed.audit.agency.quality_representatives.add(representative)
    services.propose_action(
        finding=closed,
        by=representative,
        correction="",
        root_cause="Daftar induk dokumen tidak diperbarui.",
        corrective_action="Daftar induk ditinjau setiap bulan.",
        on=datetime.date(2012, 3, 20),
        today=datetime.date(2012, 3, 20),
    )
    services.close_finding(
        finding=closed,
        by=lead,
        verification="Daftar induk terbaru.",
        on=datetime.date(2012, 4, 1),
        today=datetime.date(2012, 4, 1),
    )
    FindingFactory()
    response = staff_client.get(url(Finding, "changelist"), {"status__exact": "closed"})
    assert rows(response) == [closed]


# --- audits and findings by role ------------------------------------------------------------------


@pytest.fixture
def auditor(roles):
    return RoleUserFactory(username="auditor", role=Role.AUDITOR)


@pytest.fixture
def representative(roles):
    return RoleUserFactory(username="wakil", role=Role.REPRESENTATIVE)


def logged_in(client, user):
    client.force_login(user)
    return client


class TestAuditorAddsAnAudit:
    def test_the_auditor_becomes_its_lead_whatever_is_posted(self, client, auditor):
        colleague = RoleUserFactory(role=Role.AUDITOR)
        client = logged_in(client, auditor)
        response = client.get(url(Audit, "add"))
        assertContains(response, "Anda dicatat sebagai ketua auditor audit ini.")
        assert "lead_auditor" not in response.context["adminform"].form.fields
        response = client.post(url(Audit, "add"), audit_form(AgencyFactory(), lead_auditor=str(colleague.pk)))
        assertRedirects(response, url(Audit, "changelist"))
        assert Audit.objects.get().lead_auditor == auditor

    def test_and_adds_its_findings_in_the_same_form(self, client, auditor):
        data = audit_form(
            AgencyFactory(),
            **management("findings", total=1),
            **{
                "findings-0-clause": "4.2.3",
                "findings-0-grade": Finding.Grade.MINOR,
                "findings-0-description": "Dokumen kedaluwarsa masih beredar.",
            },
        )
        response = logged_in(client, auditor).post(url(Audit, "add"), data)
        assertRedirects(response, url(Audit, "changelist"))
        assert Finding.objects.get().audit.lead_auditor == auditor

    def test_then_edits_it_but_cannot_hand_it_over(self, client, auditor):
        colleague = RoleUserFactory(role=Role.AUDITOR)
        audit = AuditFactory(lead_auditor=auditor)
        data = audit_form(audit.agency, summary="Dua temuan minor.", lead_auditor=str(colleague.pk))
        response = logged_in(client, auditor).post(url(Audit, "change", audit.pk), data)
        assertRedirects(response, url(Audit, "changelist"))
        audit.refresh_from_db()
        assert (audit.summary, audit.lead_auditor) == ("Dua temuan minor.", auditor)


class TestSuperuserChoosesTheLeadAuditor:
    def test_from_the_auditor_group_only(self, staff_client, auditor, representative):
        response = staff_client.get(url(Audit, "add"))
        assert list(response.context["adminform"].form.fields["lead_auditor"].queryset) == [auditor]
        response = staff_client.post(
            url(Audit, "add"), audit_form(AgencyFactory(), lead_auditor=str(representative.pk))
        )
        assert response.status_code == 200
        assert "lead_auditor" in response.context["adminform"].form.errors
        response = staff_client.post(url(Audit, "add"), audit_form(AgencyFactory(), lead_auditor=str(auditor.pk)))
        assertRedirects(response, url(Audit, "changelist"))
        assert Audit.objects.get().lead_auditor == auditor

    def test_a_lead_who_left_the_group_stays_on_their_audit(self, staff_client, auditor):
        former = UserFactory(username="pensiun")
        audit = AuditFactory(lead_auditor=former)
        response = staff_client.get(url(Audit, "change", audit.pk))
        assert set(response.context["adminform"].form.fields["lead_auditor"].queryset) == {auditor, former}


def test_only_a_superuser_is_offered_the_audit_delete_action(client, staff_client, auditor):
    AuditFactory(lead_auditor=auditor)

    def actions(client):
        form = client.get(url(Audit, "changelist")).context["action_form"]
        return set() if form is None else {name for name, _ in form.fields["action"].choices}

    assert "delete_selected" in actions(staff_client)
    assert "delete_selected" not in actions(logged_in(client, auditor))


class TestLeadAuditorFindingForm:
    @pytest.fixture
    def finding(self, auditor):
        return FindingFactory(audit__lead_auditor=auditor, audit__standard=StandardFactory())

    def test_edits_what_was_found_and_reads_the_rest(self, client, auditor, finding):
        response = logged_in(client, auditor).get(url(Finding, "change", finding.pk))
        form = response.context["adminform"].form
        assert set(form.fields) == {"audit", "clause", "grade", "description", "evidence", "raised_on", "due_on"}

    def test_answer_and_workflow_fields_posted_are_ignored(self, client, auditor, finding):
        data = finding_form(
            finding.audit,
            description="Dokumen induk tidak dikendalikan.",
            correction="Ditulis auditor.",
            corrective_action="Ditulis auditor.",
            status=Finding.Status.CLOSED,
            closed_on="2012-04-15",
        )
        response = logged_in(client, auditor).post(url(Finding, "change", finding.pk), data)
        assertRedirects(response, url(Finding, "changelist"))
        finding.refresh_from_db()
        assert finding.description == "Dokumen induk tidak dikendalikan."
        assert (finding.correction, finding.corrective_action) == ("", "")
        assert (finding.status, finding.closed_on) == (Finding.Status.OPEN, None)

    def test_a_nonconformity_regraded_as_an_observation_is_noted(self, client, auditor, finding):
        data = finding_form(finding.audit, grade=Finding.Grade.OBSERVATION, due_on="")
        response = logged_in(client, auditor).post(url(Finding, "change", finding.pk), data)
        assertRedirects(response, url(Finding, "changelist"))
        finding.refresh_from_db()
        assert finding.status == Finding.Status.NOTED

    def test_a_finding_with_an_action_proposed_cannot_become_an_observation(
        self, client, auditor, representative, finding
    ):
        finding.audit.agency.quality_representatives.add(representative)
        services.propose_action(
            finding=finding,
            by=representative,
            correction="",
            root_cause="",
            corrective_action="Daftar induk ditinjau tiap bulan.",
            on=datetime.date(2012, 3, 20),
            today=datetime.date(2012, 3, 20),
        )
        data = finding_form(finding.audit, grade=Finding.Grade.OBSERVATION, due_on="")
        response = logged_in(client, auditor).post(url(Finding, "change", finding.pk), data)
        # The model's message about the status, which is not in the form, is shown above it.
        assert response.status_code == 200
        assertContains(response, "Status: ")
        finding.refresh_from_db()
        assert (finding.grade, finding.status) == (Finding.Grade.MINOR, Finding.Status.ACTION_PROPOSED)


ANSWER = {
    "correction": "Dokumen lama ditarik dari meja layanan.",
    "root_cause": "Daftar induk dokumen tidak diperbarui.",
    "corrective_action": "Daftar induk ditinjau setiap bulan.",
}


class TestRepresentativeAnswersAFinding:
    @pytest.fixture
    def finding(self, representative):
        finding = FindingFactory(audit__standard=StandardFactory(), clause="4.2.3")
        finding.audit.agency.quality_representatives.add(representative)
        return finding

    def test_the_form_holds_the_answer_only(self, client, representative, finding):
        response = logged_in(client, representative).get(url(Finding, "change", finding.pk))
        assert set(response.context["adminform"].form.fields) == {"correction", "root_cause", "corrective_action"}
        assertContains(response, "Menyimpan berarti mengusulkan tindakan korektif kepada ketua auditor")
        # The clause is read with the audit's standard.
        assertContains(response, "4.2.3 Pengendalian dokumen")

    def test_saving_proposes_the_action_through_the_workflow(self, client, representative, finding):
        response = logged_in(client, representative).post(url(Finding, "change", finding.pk), ANSWER)
        # Back to the finding, now read-only, with what happens next (not "you may edit it again").
        assertRedirects(response, url(Finding, "change", finding.pk))
        finding.refresh_from_db()
        assert (finding.correction, finding.root_cause, finding.corrective_action) == tuple(ANSWER.values())
        assert finding.status == Finding.Status.ACTION_PROPOSED
        assert finding.action_proposed_on == timezone.localdate()
        latest = finding.history.latest()
        assert (latest.history_user, latest.history_change_reason) == (representative, "Tindakan korektif diusulkan")

    def test_without_a_corrective_action_the_answer_is_refused_and_kept(self, client, representative, finding):
        data = {**ANSWER, "corrective_action": "   "}
        response = logged_in(client, representative).post(url(Finding, "change", finding.pk), data)
        assert response.status_code == 200
        form = response.context["adminform"].form
        assert form.errors["corrective_action"] == [
            "Tindakan korektif wajib diisi sebelum temuan diusulkan selesai atau ditutup."
        ]
        assertContains(response, ANSWER["correction"])
        assertContains(response, ANSWER["root_cause"])
        finding.refresh_from_db()
        assert (finding.status, finding.correction) == (Finding.Status.OPEN, "")
        # Nothing was written: no new version, no entry in the admin's log.
        assert finding.history.count() == 1
        assert not LogEntry.objects.exists()

    def test_a_refusal_about_a_field_outside_the_form_is_shown_above_it(self, client, representative):
        # The workflow refuses an answer dated before the audit began (here: an audit not yet started).
        starts = timezone.localdate() + datetime.timedelta(days=10)
        finding = FindingFactory(audit__starts_on=starts, audit__ends_on=None)
        finding.audit.agency.quality_representatives.add(representative)
        response = logged_in(client, representative).post(url(Finding, "change", finding.pk), ANSWER)
        assert response.status_code == 200
        assert response.context["adminform"].form.non_field_errors() == [
            f"Tanggal tindakan diusulkan: Tanggal usulan tidak boleh sebelum audit dimulai ({starts.isoformat()})."
        ]
        assertContains(response, ANSWER["corrective_action"])
        finding.refresh_from_db()
        assert finding.status == Finding.Status.OPEN

    def test_a_permission_refused_by_the_workflow_is_a_form_error(self, client, representative, finding, monkeypatch):
        # Between the page's check and the service's on the locked row (a race), the service has the last word.
        def refuse(**kwargs):
            raise PermissionDenied("Hanya wakil manajemen SKPD ini yang dapat menjawab temuannya.")

        monkeypatch.setattr(services, "check_action_proposal", refuse)
        response = logged_in(client, representative).post(url(Finding, "change", finding.pk), ANSWER)
        assert response.status_code == 200
        assert response.context["adminform"].form.non_field_errors() == [
            "Hanya wakil manajemen SKPD ini yang dapat menjawab temuannya."
        ]
        assertContains(response, ANSWER["root_cause"])
        finding.refresh_from_db()
        assert (finding.status, finding.root_cause) == (Finding.Status.OPEN, "")


# Session, user, the user's permissions (own and group's), their roles, the filtered and the
# unfiltered count, the page of rows, and the date hierarchy's range and its days, all within the
# rows the user sees; for audits also the bodies of those rows (the body filter). The same for 3
# rows and for 30.
ROW_RULE_CHANGELIST_MAX_QUERIES = {Audit: 11, Finding: 10}


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("model", [Audit, Finding], ids=["audit", "finding"])
@pytest.mark.parametrize("role", [Role.AUDITOR, Role.REPRESENTATIVE])
def test_row_rule_changelists_query_count_does_not_grow_with_rows(
    client, roles, django_assert_max_num_queries, count, model, role
):
    user = RoleUserFactory(role=role)
    agency = AgencyFactory()
    if role == Role.REPRESENTATIVE:
        agency.quality_representatives.add(user)
    lead = user if role == Role.AUDITOR else None
    for _ in range(count):
        audit = AuditFactory(
            agency=agency, lead_auditor=lead, body=CertificationBodyFactory(), standard=StandardFactory()
        )
        FindingFactory(audit=audit, due_on=datetime.date(2012, 4, 1))
        FindingFactory()  # someone else's: not in the list
    client.force_login(user)
    with django_assert_max_num_queries(ROW_RULE_CHANGELIST_MAX_QUERIES[model]):
        response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert len(rows(response)) == count


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
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_post_a_programme_with_its_members(staff_client):
    agency = AgencyFactory(member=False)
    data = programme_form(
        **{
            "members-TOTAL_FORMS": "1",
            "members-0-agency": str(agency.pk),
            "members-0-starts_on": "",
            "members-0-ends_on": "2016-12-31",
            "members-0-source": "Daftar SKPD Pemkot",
        }
    )
    assertRedirects(staff_client.post(url(Programme, "add"), data), url(Programme, "changelist"))
    member = Programme.objects.get().members.get()
    assert (member.agency, member.starts_on, member.ends_on) == (agency, None, datetime.date(2016, 12, 31))


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
