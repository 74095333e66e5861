"""An audit on a certificate starts in the certificate's cycle, or says why (certifications.audit_validity)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from certifications.dates import DatePrecision
from certifications.models import Audit, Certificate
from tests.factories import AuditFactory, CertificateFactory

pytestmark = pytest.mark.django_db

D = datetime.date
KINDS_WITHOUT_REASON = [Audit.Kind.SURVEILLANCE, Audit.Kind.STAGE_1, Audit.Kind.STAGE_2, Audit.Kind.INTERNAL]


def audit_on(certificate, starts_on, kind=Audit.Kind.SURVEILLANCE, **overrides):
    return AuditFactory.build(
        agency=certificate.agency, certificate=certificate, kind=kind, starts_on=starts_on, ends_on=None, **overrides
    )


def errors(audit) -> dict:
    with pytest.raises(ValidationError) as raised:
        audit.full_clean()
    return raised.value.message_dict


@pytest.mark.parametrize("day", [D(2012, 5, 14), D(2013, 6, 1), D(2015, 5, 13)])
def test_an_audit_in_the_term_passes(day):
    audit_on(CertificateFactory(issued_on=D(2012, 5, 14), expires_on=D(2015, 5, 13)), day).full_clean()


@pytest.mark.parametrize("kind", KINDS_WITHOUT_REASON)
@pytest.mark.parametrize("day", [D(2012, 5, 13), D(2015, 5, 14), D(2026, 3, 2)])
def test_an_audit_before_issue_or_after_expiry_is_refused_on_its_start(kind, day):
    certificate = CertificateFactory(issued_on=D(2012, 5, 14), expires_on=D(2015, 5, 13))
    found = errors(audit_on(certificate, day, kind))
    assert list(found) == ["starts_on"]
    assert found["starts_on"][0].startswith(f"Audit ini dimulai {day:%d-%m-%Y}, di luar masa berlaku sertifikatnya")


def test_a_suspended_certificate_still_owes_its_audits():
    certificate = CertificateFactory(
        status=Certificate.Status.SUSPENDED, status_changed_on=D(2013, 6, 1), status_reason="Surveilans terlewat."
    )
    audit_on(certificate, D(2013, 9, 2)).full_clean()


def test_a_withdrawn_certificate_is_not_audited_after_its_withdrawal():
    certificate = CertificateFactory(
        status=Certificate.Status.WITHDRAWN, status_changed_on=D(2013, 6, 1), status_reason="Tidak diperbaiki."
    )
    audit_on(certificate, D(2013, 5, 31)).full_clean()
    assert "starts_on" in errors(audit_on(certificate, D(2013, 6, 1)))


def test_an_audit_after_the_standard_ended_is_outside_the_cycle():
    certificate = CertificateFactory(issued_on=D(2016, 6, 1), expires_on=D(2019, 5, 31))
    assert "starts_on" in errors(audit_on(certificate, D(2018, 9, 16)))  # ISO 9001:2008 ended 15-09-2018


@pytest.mark.parametrize(
    ("issued_on", "issued_precision", "expires_on", "expires_precision"),
    [
        (None, DatePrecision.UNKNOWN, None, DatePrecision.UNKNOWN),
        (D(2012, 5, 14), DatePrecision.DAY, None, DatePrecision.UNKNOWN),
        (None, DatePrecision.UNKNOWN, D(2015, 5, 13), DatePrecision.DAY),
    ],
)
def test_unknown_dates_are_never_a_reason_to_refuse(issued_on, issued_precision, expires_on, expires_precision):
    certificate = CertificateFactory(
        issued_on=issued_on,
        issued_precision=issued_precision,
        expires_on=expires_on,
        expires_precision=expires_precision,
    )
    audit_on(certificate, D(2026, 3, 2)).full_clean()


def test_an_issue_date_known_only_by_its_year_counts_from_that_years_first_day():
    certificate = CertificateFactory(
        issued_on=D(2012, 12, 31),
        issued_precision=DatePrecision.ABOUT_YEAR,
        expires_on=D(2015, 12, 31),
        expires_precision=DatePrecision.ABOUT_YEAR,
    )
    audit_on(certificate, D(2012, 3, 1)).full_clean()
    assert "starts_on" in errors(audit_on(certificate, D(2011, 12, 31)))


@pytest.mark.parametrize("kind", [Audit.Kind.RECERTIFICATION, Audit.Kind.SPECIAL])
def test_a_recertification_or_special_audit_outside_says_why(kind):
    certificate = CertificateFactory(issued_on=D(2012, 5, 14), expires_on=D(2015, 5, 13))
    found = errors(audit_on(certificate, D(2015, 7, 1), kind))
    assert list(found) == ["outside_validity_reason"]
    assert "wajib menyebut alasannya di sini" in found["outside_validity_reason"][0]
    assert "outside_validity_reason" in errors(audit_on(certificate, D(2015, 7, 1), kind, outside_validity_reason=" "))
    audit_on(certificate, D(2015, 7, 1), kind, outside_validity_reason="Resertifikasi tertunda.").full_clean()


@pytest.mark.parametrize("kind", KINDS_WITHOUT_REASON)
def test_only_recertification_and_special_audits_give_a_reason(kind):
    certificate = CertificateFactory()
    found = errors(audit_on(certificate, D(2013, 5, 6), kind, outside_validity_reason="Sebab lain."))
    assert list(found) == ["outside_validity_reason"]
