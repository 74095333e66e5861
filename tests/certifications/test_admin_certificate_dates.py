"""A certificate's dates as staff type them (issue 16, point 3), posted to the real admin forms over HTTP:
the certificate's own page and the certificates inline on the agency page."""

import datetime

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from agencies.models import Agency, CertificationReport
from certifications.dates import DatePrecision
from certifications.models import Certificate
from tests.admin_forms import as_posted, change_form_data
from tests.factories import AgencyFactory, CertificateFactory, StandardFactory

pytestmark = pytest.mark.django_db

D = datetime.date
ADD = reverse("admin:certifications_certificate_add")
CHANGELIST = reverse("admin:certifications_certificate_changelist")
AGENCY_ADD = reverse("admin:agencies_agency_add")
PROPOSAL = (
    "Tanggal kedaluwarsa kosong; usulan: {date} (terbit + 3 tahun). Simpan lagi untuk memakainya, atau isi tanggal "
    "lain / tandai &#x27;masa berlaku tidak diketahui&#x27;."
)


@pytest.fixture
def agency():
    return AgencyFactory(name="Dinas Pendidikan")


@pytest.fixture
def standard():
    return StandardFactory()


def certificate_form(agency, standard, **overrides):
    """The add form as a new user leaves it: both precisions at their default, 'tidak diketahui'."""
    data = {
        "agency": str(agency.pk),
        "standard": str(standard.pk),
        "issued_on": "03-12-2026",
        "issued_precision": DatePrecision.UNKNOWN,
        "expires_on": "",
        "expires_precision": DatePrecision.UNKNOWN,
        "source": "Sertifikat asli, dipindai",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def shown_again(response) -> dict:
    """The refused add form as the browser holds it: what a second "Simpan" posts."""
    return as_posted(response.context["adminform"].form)


# --- the issue date's precision follows what is typed ---------------------------------------------


@pytest.mark.parametrize("typed", ["03-12-2026", "2026-12-03"])
def test_a_full_date_typed_with_the_precision_left_unknown_is_a_day(staff_client, agency, standard, typed):
    data = certificate_form(agency, standard, issued_on=typed, expires_on="02-12-2029")
    response = staff_client.post(ADD, data)
    assertRedirects(response, CHANGELIST)
    certificate = Certificate.objects.get()
    assert (certificate.issued_on, certificate.issued_precision) == (D(2026, 12, 3), DatePrecision.DAY)
    # The expiry typed beside an untouched precision too.
    assert (certificate.expires_on, certificate.expires_precision) == (D(2029, 12, 2), DatePrecision.DAY)


@pytest.mark.parametrize(
    ("precision", "typed", "expires", "shown"),
    [
        pytest.param(DatePrecision.YEAR, "31-12-2012", D(2015, 12, 31), "2012", id="year"),
        pytest.param(DatePrecision.ABOUT_YEAR, "31-12-2012", D(2015, 12, 31), "sekitar 2012", id="about-year"),
        pytest.param(DatePrecision.BY_YEAR, "2012-12-31", D(2015, 12, 31), "paling lambat 2012", id="by-year"),
        pytest.param(DatePrecision.MONTH, "31-05-2012", D(2015, 5, 31), "Mei 2012", id="month"),
    ],
)
def test_a_chosen_precision_is_kept(staff_client, agency, standard, precision, typed, expires, shown):
    data = certificate_form(
        agency, standard, issued_on=typed, issued_precision=precision, expires_on=expires.isoformat()
    )
    data["expires_precision"] = precision
    assertRedirects(staff_client.post(ADD, data), CHANGELIST)
    certificate = Certificate.objects.get()
    assert certificate.issued_precision == precision
    assert certificate.issued_display == shown


def test_a_chosen_precision_is_still_validated(staff_client, agency, standard):
    data = certificate_form(agency, standard, issued_on="01-06-2012", issued_precision=DatePrecision.YEAR)
    response = staff_client.post(ADD, data)
    assertContains(response, "simpan hari terakhir periodenya (2012-12-31)")
    assert not Certificate.objects.exists()


# --- the expiry is proposed as issue + 3 years ------------------------------------------------------


def test_an_empty_expiry_is_refused_once_with_the_proposal_filled_in(staff_client, agency, standard):
    response = staff_client.post(ADD, certificate_form(agency, standard))
    assert response.status_code == 200
    assertContains(response, PROPOSAL.format(date="02-12-2029"), count=1)
    assert not Certificate.objects.exists()
    again = shown_again(response)
    assert (again["expires_on"], again["expires_precision"]) == ("02-12-2029", DatePrecision.DAY)
    assert again["issued_precision"] == DatePrecision.DAY  # shown as the day it now is

    assertRedirects(staff_client.post(ADD, again), CHANGELIST)
    certificate = Certificate.objects.get()
    assert (certificate.expires_on, certificate.expires_precision) == (D(2029, 12, 2), DatePrecision.DAY)


def test_the_proposal_keeps_the_issue_dates_precision(staff_client, agency, standard):
    data = certificate_form(agency, standard, issued_on="31-12-2012", issued_precision=DatePrecision.ABOUT_YEAR)
    response = staff_client.post(ADD, data)
    assertContains(response, PROPOSAL.format(date="31-12-2015, sekitar tahun (perkiraan)"))
    again = shown_again(response)
    assertRedirects(staff_client.post(ADD, again), CHANGELIST)
    certificate = Certificate.objects.get()
    assert (certificate.expires_on, certificate.expires_precision) == (D(2015, 12, 31), DatePrecision.ABOUT_YEAR)
    assert certificate.expires_display == "sekitar 2015"


def test_another_expiry_typed_instead_of_the_proposal_is_taken(staff_client, agency, standard):
    again = shown_again(staff_client.post(ADD, certificate_form(agency, standard)))
    again["expires_on"] = "30-06-2029"
    assertRedirects(staff_client.post(ADD, again), CHANGELIST)
    assert Certificate.objects.get().expires_on == D(2029, 6, 30)


def test_an_unknown_expiry_is_recorded_only_when_marked(staff_client, agency, standard):
    data = certificate_form(agency, standard, expiry_unknown="on")
    assertRedirects(staff_client.post(ADD, data), CHANGELIST)
    certificate = Certificate.objects.get()
    assert (certificate.expires_on, certificate.expires_precision) == (None, DatePrecision.UNKNOWN)
    assert certificate.issued_precision == DatePrecision.DAY


def test_an_expiry_typed_and_marked_unknown_is_refused(staff_client, agency, standard):
    data = certificate_form(agency, standard, expires_on="02-12-2029", expiry_unknown="on")
    response = staff_client.post(ADD, data)
    assertContains(response, "Tanggal kedaluwarsa diisi: hapus centang ini")
    assert not Certificate.objects.exists()


def test_no_proposal_without_an_issue_date(staff_client, agency, standard):
    data = certificate_form(agency, standard, issued_on="")
    assertRedirects(staff_client.post(ADD, data), CHANGELIST)
    assert Certificate.objects.get().expires_on is None


def test_a_stored_certificate_without_expiry_saves_unchanged(staff_client):
    """It was recorded without an expiry: its page shows the mark ticked, and saving asks nothing."""
    certificate = CertificateFactory(expires_on=None, expires_precision=DatePrecision.UNKNOWN)
    change = reverse("admin:certifications_certificate_change", args=[certificate.pk])
    data = change_form_data(staff_client.get(change))
    assert data["expiry_unknown"] == "on"
    assertRedirects(staff_client.post(change, data), CHANGELIST)


def test_clearing_a_stored_expiry_is_refused_with_the_proposal(staff_client):
    certificate = CertificateFactory(issued_on=D(2012, 5, 14), expires_on=D(2015, 5, 13))
    change = reverse("admin:certifications_certificate_change", args=[certificate.pk])
    data = change_form_data(staff_client.get(change))
    data["expires_on"] = ""
    response = staff_client.post(change, data)
    assertContains(response, PROPOSAL.format(date="13-05-2015"))


# --- the same on the agency page's certificates inline --------------------------------------------


def agency_form(standard, **certificate):
    data = {
        "name": "Dinas Kependudukan dan Pencatatan Sipil",
        "slug": "dinas-kependudukan-dan-pencatatan-sipil",
        "kind": Agency.Kind.DEPARTMENT,
        "is_active": "on",
        "name_confirmed": "on",
        "source": "Keputusan Wali Kota, 2012",
        "certification_reported": CertificationReport.UNKNOWN,
        "certificates-0-standard": str(standard.pk),
        "certificates-0-issued_on": "03-12-2026",
        "certificates-0-issued_precision": DatePrecision.UNKNOWN,
        "certificates-0-expires_on": "",
        "certificates-0-expires_precision": DatePrecision.UNKNOWN,
        "certificates-0-source": "Sertifikat asli, dipindai",
    }
    for prefix, total in (("certificates", 1), ("memberships", 0), ("former_names", 0)):
        data |= {
            f"{prefix}-TOTAL_FORMS": str(total),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    data |= {f"certificates-0-{key}": value for key, value in certificate.items()}
    return data


def test_the_inline_proposes_the_expiry_and_saves_it_when_posted_again(staff_client, standard):
    response = staff_client.post(AGENCY_ADD, agency_form(standard))
    assert response.status_code == 200
    assertContains(response, PROPOSAL.format(date="02-12-2029"), count=1)
    assert not Agency.objects.exists()

    again = change_form_data(response)
    assert again["certificates-0-expires_on"] == "02-12-2029"
    assertRedirects(staff_client.post(AGENCY_ADD, again), reverse("admin:agencies_agency_changelist"))
    certificate = Certificate.objects.get()
    assert (certificate.issued_on, certificate.issued_precision) == (D(2026, 12, 3), DatePrecision.DAY)
    assert (certificate.expires_on, certificate.expires_precision) == (D(2029, 12, 2), DatePrecision.DAY)


def test_the_inline_records_an_unknown_expiry_when_marked(staff_client, standard):
    response = staff_client.post(AGENCY_ADD, agency_form(standard, expiry_unknown="on"))
    assertRedirects(response, reverse("admin:agencies_agency_changelist"))
    certificate = Certificate.objects.get()
    assert (certificate.issued_precision, certificate.expires_on) == (DatePrecision.DAY, None)
