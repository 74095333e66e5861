"""Entry that prevents mistakes, through the admin over HTTP (issue 16, point 3).

An audit outside its certificate's validity, a finding due before it was raised, and the
audit's certificate picker limited to the audit's agency.
"""

import datetime

import pytest
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from certifications.models import Audit, Certificate, Finding
from tests.admin_forms import change_form_data
from tests.factories import AgencyFactory, AuditFactory, CertificateFactory

from .test_admin import audit_form, finding_form, management, url

pytestmark = pytest.mark.django_db

D = datetime.date
OUTSIDE = "di luar masa berlaku sertifikatnya"


def audit_on(certificate, kind, starts_on: str, ends_on: str, **overrides) -> dict:
    """The audit add form for an audit of ``certificate``, with its agency."""
    return audit_form(
        certificate.agency,
        kind=kind,
        certificate=str(certificate.pk),
        starts_on=starts_on,
        ends_on=ends_on,
        **overrides,
    )


def field_errors(response, field: str) -> list[str]:
    return list(response.context["adminform"].form.errors.get(field, []))


# --- an audit outside its certificate's validity ----------------------------------------------


def test_a_surveillance_audit_after_the_certificate_expired_is_refused_on_its_start(staff_client):
    certificate = CertificateFactory(issued_on=D(2012, 5, 14), expires_on=D(2015, 5, 13))
    data = audit_on(certificate, Audit.Kind.SURVEILLANCE, "2026-03-02", "2026-03-03")
    response = staff_client.post(url(Audit, "add"), data)
    assert response.status_code == 200
    [message] = field_errors(response, "starts_on")
    assert message.startswith("Audit ini dimulai 02-03-2026, di luar masa berlaku sertifikatnya")
    assert not Audit.objects.exists()


def test_a_late_recertification_needs_its_reason_and_is_saved_with_one(staff_client):
    certificate = CertificateFactory(issued_on=D(2012, 5, 14), expires_on=D(2015, 5, 13))
    data = audit_on(certificate, Audit.Kind.RECERTIFICATION, "2015-07-01", "2015-07-02", outside_validity_reason="")
    response = staff_client.post(url(Audit, "add"), data)
    assert response.status_code == 200
    [message] = field_errors(response, "outside_validity_reason")
    assert OUTSIDE in message and "wajib menyebut alasannya" in message
    assert not Audit.objects.exists()

    data["outside_validity_reason"] = "Audit resertifikasi tertunda karena anggaran baru disahkan Juni 2015."
    assertRedirects(staff_client.post(url(Audit, "add"), data), url(Audit, "changelist"))
    assert Audit.objects.get().outside_validity_reason.startswith("Audit resertifikasi tertunda")


def test_a_reason_on_a_surveillance_audit_is_refused(staff_client):
    certificate = CertificateFactory()
    data = audit_on(
        certificate, Audit.Kind.SURVEILLANCE, "2013-05-06", "2013-05-07", outside_validity_reason="Tidak perlu."
    )
    response = staff_client.post(url(Audit, "add"), data)
    assert field_errors(response, "outside_validity_reason") == [
        "Alasan audit di luar masa berlaku sertifikat hanya untuk audit resertifikasi atau audit khusus atas "
        "sertifikat."
    ]
    assert not Audit.objects.exists()


def test_moving_an_audit_on_its_change_page_outside_the_validity_is_refused(staff_client):
    certificate = CertificateFactory()
    audit = AuditFactory(
        agency=certificate.agency,
        certificate=certificate,
        kind=Audit.Kind.SURVEILLANCE,
        starts_on=D(2013, 5, 6),
        ends_on=D(2013, 5, 7),
    )
    data = change_form_data(staff_client.get(url(Audit, "change", audit.pk)))
    data.update(starts_on="2016-05-06", ends_on="2016-05-07")
    response = staff_client.post(url(Audit, "change", audit.pk), data)
    assert response.status_code == 200
    assert field_errors(response, "starts_on")[0].startswith("Audit ini dimulai 06-05-2016")
    audit.refresh_from_db()
    assert audit.starts_on == D(2013, 5, 6)


# --- a finding due before it was raised ---------------------------------------------------------


def test_an_inline_finding_due_before_the_audits_last_day_is_refused_on_the_audit_page(staff_client):
    audit = AuditFactory(starts_on=D(2012, 3, 1), ends_on=D(2012, 3, 2))
    data = change_form_data(staff_client.get(url(Audit, "change", audit.pk)))
    data.update(
        management("findings", total=1),
        **{
            "findings-0-clause": "4.2.3",
            "findings-0-grade": Finding.Grade.MAJOR,
            "findings-0-description": "Dokumen kedaluwarsa masih beredar.",
            "findings-0-raised_on": "",
            "findings-0-due_on": "01-03-2012",
        },
    )
    response = staff_client.post(url(Audit, "change", audit.pk), data)
    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert form.errors["due_on"] == ["Batas waktu tidak boleh sebelum tanggal temuan disampaikan (02-03-2012)."]
    assert not Finding.objects.exists()


def test_a_finding_due_before_its_raise_date_is_refused_on_the_finding_add_page(staff_client):
    audit = AuditFactory(starts_on=D(2012, 3, 1), ends_on=D(2012, 3, 2))
    data = finding_form(audit, raised_on="2012-03-10", due_on="2012-03-09")
    response = staff_client.post(url(Finding, "add"), data)
    assert response.status_code == 200
    assert field_errors(response, "due_on") == [
        "Batas waktu tidak boleh sebelum tanggal temuan disampaikan (10-03-2012)."
    ]
    assert not Finding.objects.exists()


# --- the certificate picker of an audit ---------------------------------------------------------


def picker(client, **params):
    query = {"app_label": "certifications", "model_name": "audit", "field_name": "certificate", "term": "", **params}
    response = client.get(reverse("admin:autocomplete"), query)
    assert response.status_code == 200
    return {int(item["id"]) for item in response.json()["results"]}


def test_the_picker_offers_only_the_asked_agencys_certificates(staff_client):
    health = CertificateFactory(agency__name="Dinas Kesehatan")
    education = CertificateFactory(agency__name="Dinas Pendidikan")
    assert picker(staff_client, agency=str(health.agency_id)) == {health.pk}
    assert picker(staff_client, agency=str(education.agency_id)) == {education.pk}
    assert picker(staff_client) == {health.pk, education.pk}  # no agency chosen yet
    assert picker(staff_client, agency="abc") == {health.pk, education.pk}


def test_the_agency_filters_only_the_audits_certificate_picker(staff_client):
    health = CertificateFactory(agency__name="Dinas Kesehatan")
    education = CertificateFactory(agency__name="Dinas Pendidikan")
    query = {"app_label": "certifications", "model_name": "certificate", "field_name": "agency", "term": ""}
    response = staff_client.get(reverse("admin:autocomplete"), {**query, "agency": str(health.agency_id)})
    names = {item["text"] for item in response.json()["results"]}
    assert names == {health.agency.name, education.agency.name}
    assert Certificate.objects.count() == 2


def test_the_change_page_points_the_picker_at_its_agency_without_any_script(staff_client):
    certificate = CertificateFactory()
    audit = AuditFactory(agency=certificate.agency, certificate=certificate, kind=Audit.Kind.SURVEILLANCE)
    response = staff_client.get(url(Audit, "change", audit.pk))
    widget = response.context["adminform"].form["certificate"]
    assert f'data-ajax--url="/admin/autocomplete/?agency={audit.agency_id}"' in str(widget)
    add_page = staff_client.get(url(Audit, "add"))
    assert 'data-ajax--url="/admin/autocomplete/"' in str(add_page.context["adminform"].form["certificate"])


def test_the_certificate_of_another_agency_is_still_refused_on_the_server(staff_client):
    certificate = CertificateFactory()
    other = AgencyFactory()
    data = audit_form(other, kind=Audit.Kind.SURVEILLANCE, certificate=str(certificate.pk))
    response = staff_client.post(url(Audit, "add"), data)
    assert field_errors(response, "certificate") == ["Sertifikat ini milik SKPD lain."]
    assert not Audit.objects.exists()


@pytest.mark.parametrize("certificates", [2, 20])
def test_the_limited_picker_runs_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries, certificates):
    agency = AgencyFactory()
    CertificateFactory.create_batch(certificates, agency=agency)
    CertificateFactory.create_batch(certificates)
    # Session, user, the page of certificates (with agency, standard and body) and its count.
    with django_assert_max_num_queries(4):
        assert len(picker(staff_client, agency=str(agency.pk))) == certificates
