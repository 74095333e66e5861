"""A certificate's interpretation note is reviewed when its number, body or dates change, over HTTP.

On the certificate's own page and in the certificates inline of the agency's page.
"""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from certifications.models import Certificate
from tests.admin_forms import change_form_data
from tests.factories import CertificateFactory, CertificationBodyFactory

pytestmark = pytest.mark.django_db

NOTE = "Nomor, lembaga sertifikasi, ruang lingkup, dan tanggal pasti tidak diketahui."
REVIEW = (
    "Nomor, lembaga sertifikasi atau tanggal sertifikat berubah, tetapi tafsirannya tidak: periksa tafsiran ini. "
    "Perbarui atau kosongkan bila tidak lagi benar, atau centang 'tafsiran masih benar'."
)


def certificate_url(certificate):
    return reverse("admin:certifications_certificate_change", args=[certificate.pk])


def agency_url(certificate):
    return reverse("admin:agencies_agency_change", args=[certificate.agency_id])


@pytest.fixture
def noted():
    return CertificateFactory(interpretation=NOTE, number="")


@pytest.mark.parametrize(
    "change",
    [
        {"number": "QMS-0042"},
        {"issued_on": "2012-06-01"},
        {"expires_on": "2015-06-01"},
        "body",
    ],
)
def test_a_changed_number_body_or_date_asks_to_review_the_note(staff_client, noted, change):
    data = change_form_data(staff_client.get(certificate_url(noted)))
    data.update({"body": str(CertificationBodyFactory().pk)} if change == "body" else change)
    response = staff_client.post(certificate_url(noted), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"interpretation": [REVIEW]}
    assert Certificate.objects.get(pk=noted.pk).number == ""


def test_the_note_kept_as_still_true_or_rewritten_is_saved(staff_client, noted):
    data = {**change_form_data(staff_client.get(certificate_url(noted))), "number": "QMS-0042"}
    kept = {**data, "interpretation_still_true": "on"}
    assertRedirects(
        staff_client.post(certificate_url(noted), kept), reverse("admin:certifications_certificate_changelist")
    )
    noted.refresh_from_db()
    assert (noted.number, noted.interpretation) == ("QMS-0042", NOTE)

    rewritten = {**data, "number": "QMS-0043", "interpretation": "Lembaga sertifikasi tidak diketahui."}
    staff_client.post(certificate_url(noted), rewritten)
    noted.refresh_from_db()
    assert (noted.number, noted.interpretation) == ("QMS-0043", "Lembaga sertifikasi tidak diketahui.")


def test_a_certificate_without_a_note_or_with_other_changes_is_not_asked(staff_client, noted):
    plain = CertificateFactory(number="")
    data = {**change_form_data(staff_client.get(certificate_url(plain))), "number": "QMS-0044"}
    assert staff_client.post(certificate_url(plain), data).status_code == 302
    data = {**change_form_data(staff_client.get(certificate_url(noted))), "scope": "Pelayanan perizinan"}
    assert staff_client.post(certificate_url(noted), data).status_code == 302


def test_the_agency_pages_inline_asks_too(staff_client, noted):
    data = change_form_data(staff_client.get(agency_url(noted)))
    data["certificates-0-number"] = "QMS-0042"
    response = staff_client.post(agency_url(noted), data)
    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert inline.errors == {"interpretation": [REVIEW]}
    assert Certificate.objects.get(pk=noted.pk).number == ""

    data["certificates-0-interpretation_still_true"] = "on"
    assert staff_client.post(agency_url(noted), data).status_code == 302
    assert Certificate.objects.get(pk=noted.pk).number == "QMS-0042"
