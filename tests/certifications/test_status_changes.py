"""Suspending, reinstating and withdrawing a certificate through the services, and what the queries then say."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError

from agencies.models import AgencyStatus
from bandung_iso.roles import Role
from certifications import selectors
from certifications.dates import DatePrecision
from certifications.models import WITHDRAWN_IS_FINAL, Certificate, CertificateState
from certifications.services import reinstate_certificate, suspend_certificate, withdraw_certificate
from tests.factories import CertificateFactory, RoleUserFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

D = datetime.date
TODAY = D(2014, 1, 15)  # the certificate runs from 14 May 2012 to 13 May 2015
REASON = "Audit surveilans pertama tidak dilaksanakan."
FINAL = str(WITHDRAWN_IS_FINAL)
SUSPENDED_ON, REINSTATED_ON, WITHDRAWN_ON = D(2013, 6, 1), D(2013, 8, 1), D(2014, 1, 10)


@pytest.fixture
def staff():
    return RoleUserFactory(role=Role.STAFF)


@pytest.fixture
def cert():
    return CertificateFactory()


def row(certificate: Certificate) -> dict:
    return Certificate.objects.filter(pk=certificate.pk).values().get()


def history(certificate: Certificate):
    return Certificate.history.filter(id=certificate.pk).order_by("history_id")


def suspend(cert, by, on=SUSPENDED_ON, reason=REASON, today=TODAY):
    return suspend_certificate(certificate=cert, by=by, on=on, reason=reason, today=today)


def reinstate(cert, by, on=REINSTATED_ON, reason="Audit surveilans sudah dilaksanakan.", today=TODAY):
    return reinstate_certificate(certificate=cert, by=by, on=on, reason=reason, today=today)


def withdraw(cert, by, on=WITHDRAWN_ON, reason="Surveilans kedua tidak dilaksanakan.", today=TODAY):
    return withdraw_certificate(certificate=cert, by=by, on=on, reason=reason, today=today)


# Allowed changes ------------------------------------------------------------------------------


def test_staff_suspend_an_active_certificate(cert, staff):
    changed = suspend(cert, staff, reason=f"  {REASON}\n")
    stored = Certificate.objects.get(pk=cert.pk)
    assert (stored.status, stored.status_changed_on, stored.status_reason) == (
        Certificate.Status.SUSPENDED,
        D(2013, 6, 1),
        REASON,
    )
    assert changed.status == Certificate.Status.SUSPENDED
    entry = history(cert).last()
    assert entry.history_user == staff
    assert entry.history_change_reason == f"Dibekukan: {REASON}"
    assert (entry.status, entry.status_changed_on, entry.status_reason) == ("suspended", D(2013, 6, 1), REASON)


def test_suspend_reinstate_withdraw_each_kept_in_history(cert, staff):
    other_staff = RoleUserFactory(role=Role.STAFF)
    suspend(cert, staff)
    reinstate(cert, other_staff)
    withdraw(cert, staff)
    stored = Certificate.objects.get(pk=cert.pk)
    assert (stored.status, stored.status_changed_on, stored.status_reason) == (
        Certificate.Status.WITHDRAWN,
        D(2014, 1, 10),
        "Surveilans kedua tidak dilaksanakan.",
    )
    entries = [
        (e.history_user, e.history_change_reason, e.status, e.status_changed_on, e.status_reason) for e in history(cert)
    ]
    assert entries == [
        (None, None, "active", None, ""),
        (staff, f"Dibekukan: {REASON}", "suspended", D(2013, 6, 1), REASON),
        (
            other_staff,
            "Dipulihkan: Audit surveilans sudah dilaksanakan.",
            "active",
            D(2013, 8, 1),
            "Audit surveilans sudah dilaksanakan.",
        ),
        (
            staff,
            "Dicabut: Surveilans kedua tidak dilaksanakan.",
            "withdrawn",
            D(2014, 1, 10),
            "Surveilans kedua tidak dilaksanakan.",
        ),
    ]


def test_a_suspended_certificate_can_be_withdrawn(cert, staff):
    suspend(cert, staff)
    withdraw(cert, staff)
    assert Certificate.objects.get(pk=cert.pk).status == Certificate.Status.WITHDRAWN


def test_a_superuser_changes_the_status(cert):
    withdraw(cert, UserFactory(is_staff=True, is_superuser=True))
    assert Certificate.objects.get(pk=cert.pk).status == Certificate.Status.WITHDRAWN


@pytest.mark.parametrize(
    "on",
    [
        pytest.param(D(2012, 5, 14), id="the-issue-day"),
        pytest.param(TODAY, id="today"),
    ],
)
def test_the_limits_of_the_date_are_allowed(cert, staff, on):
    suspend(cert, staff, on=on)
    assert Certificate.objects.get(pk=cert.pk).status_changed_on == on


def test_reinstating_the_day_of_the_suspension_is_allowed(cert, staff):
    suspend(cert, staff, on=D(2013, 6, 1))
    reinstate(cert, staff, on=D(2013, 6, 1))
    assert Certificate.objects.get(pk=cert.pk).status == Certificate.Status.ACTIVE


def test_a_certificate_whose_issue_date_is_unknown_can_be_suspended(staff):
    cert = CertificateFactory(issued_on=None, issued_precision=DatePrecision.UNKNOWN)
    suspend(cert, staff, on=D(2013, 6, 1))
    assert Certificate.objects.get(pk=cert.pk).status == Certificate.Status.SUSPENDED


# Refused changes: a clear error and nothing changed -------------------------------------------


def refused(change, cert, by, error, message, field=None, **kwargs):
    before, entries = row(cert), history(cert).count()
    with pytest.raises(error) as excinfo:
        change(cert, by, **kwargs)
    if field is not None:
        assert excinfo.value.message_dict[field] == [message], excinfo.value.message_dict
    elif error is ValidationError:
        assert excinfo.value.messages == [message]
    else:
        assert str(excinfo.value) == message
    assert row(cert) == before
    assert history(cert).count() == entries


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(suspend, FINAL, id="suspend"),
        pytest.param(reinstate, FINAL, id="reinstate"),
        pytest.param(withdraw, FINAL, id="withdraw-again"),
    ],
)
def test_withdrawn_is_final(cert, staff, change, message):
    withdraw(cert, staff, on=D(2013, 5, 1))
    refused(change, cert, staff, ValidationError, message, on=D(2013, 9, 1))


@pytest.mark.parametrize("status", [Certificate.Status.ACTIVE, Certificate.Status.SUSPENDED])
def test_a_withdrawn_certificate_cannot_be_saved_back_through_full_clean(cert, staff, status):
    withdraw(cert, staff, on=D(2013, 5, 1))
    stored = Certificate.objects.get(pk=cert.pk)
    stored.status = status
    with pytest.raises(ValidationError) as excinfo:
        stored.full_clean()
    assert excinfo.value.message_dict["status"] == [FINAL]
    assert Certificate.objects.get(pk=cert.pk).status == Certificate.Status.WITHDRAWN


def test_a_withdrawn_certificate_still_passes_full_clean_for_other_edits(cert, staff):
    withdraw(cert, staff, on=D(2013, 5, 1))
    stored = Certificate.objects.get(pk=cert.pk)
    stored.notes = "Pencabutan dikonfirmasi lembaga sertifikasi."
    stored.full_clean()  # must not raise: only leaving the withdrawn status is refused


def test_only_an_active_certificate_can_be_suspended(cert, staff):
    suspend(cert, staff)
    refused(
        suspend,
        cert,
        staff,
        ValidationError,
        "Hanya sertifikat aktif yang dapat dibekukan; status sertifikat ini: dibekukan.",
        on=D(2013, 7, 1),
    )


def test_only_a_suspended_certificate_can_be_reinstated(cert, staff):
    refused(
        reinstate,
        cert,
        staff,
        ValidationError,
        "Hanya sertifikat yang dibekukan yang dapat dipulihkan; status sertifikat ini: aktif.",
    )


@pytest.mark.parametrize("change", [suspend, withdraw], ids=["suspend", "withdraw"])
def test_a_date_after_today_is_refused(cert, staff, change):
    refused(
        change,
        cert,
        staff,
        ValidationError,
        "Tanggal perubahan status tidak boleh sesudah hari ini.",
        field="status_changed_on",
        on=TODAY + datetime.timedelta(days=1),
    )


@pytest.mark.parametrize("change", [suspend, withdraw], ids=["suspend", "withdraw"])
def test_a_date_before_the_issue_is_refused(cert, staff, change):
    refused(
        change,
        cert,
        staff,
        ValidationError,
        "Tanggal perubahan status tidak boleh sebelum sertifikat terbit.",
        field="status_changed_on",
        on=D(2012, 5, 13),
    )


@pytest.mark.parametrize("change", [reinstate, withdraw], ids=["reinstate", "withdraw"])
def test_a_date_before_the_last_change_is_refused(cert, staff, change):
    suspend(cert, staff, on=D(2013, 6, 1))
    refused(
        change,
        cert,
        staff,
        ValidationError,
        "Tanggal ini sebelum perubahan status terakhir (2013-06-01).",
        field="status_changed_on",
        on=D(2013, 5, 31),
    )


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
@pytest.mark.parametrize("change", [suspend, withdraw], ids=["suspend", "withdraw"])
def test_a_reason_is_required(cert, staff, change, blank):
    refused(
        change,
        cert,
        staff,
        ValidationError,
        "Tulis alasan perubahan status.",
        field="status_reason",
        reason=blank,
    )


def test_a_reinstatement_needs_a_reason_too(cert, staff):
    suspend(cert, staff)
    refused(reinstate, cert, staff, ValidationError, "Tulis alasan perubahan status.", field="status_reason", reason="")


STAFF_ONLY = "Hanya staf program yang dapat mengubah status sertifikat."


def auditor_with_everything_else():
    """An auditor who was also given the certificate permissions, even the status one, and the staff role."""
    user = RoleUserFactory(role=Role.AUDITOR)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="certifications",
            codename__in=["change_certificate", "delete_certificate", "change_certificate_status"],
        )
    )
    return user


def auditor_also_in_staff_role():
    user = RoleUserFactory(role=Role.AUDITOR)
    user.groups.add(Group.objects.get(name=Role.STAFF))
    return user


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(lambda: RoleUserFactory(role=Role.AUDITOR), id="auditor"),
        pytest.param(auditor_with_everything_else, id="auditor-with-the-permissions"),
        pytest.param(auditor_also_in_staff_role, id="auditor-also-staff"),
        pytest.param(lambda: RoleUserFactory(role=Role.REPRESENTATIVE), id="representative"),
        pytest.param(lambda: UserFactory(is_staff=True), id="staff-account-without-role"),
        pytest.param(lambda: RoleUserFactory(role=Role.STAFF, is_active=False), id="inactive-staff"),
    ],
)
@pytest.mark.parametrize("change", [suspend, withdraw], ids=["suspend", "withdraw"])
def test_only_programme_staff_change_the_status(cert, who, change):
    refused(change, cert, who(), PermissionDenied, STAFF_ONLY)


def test_an_auditor_cannot_reinstate(cert, staff):
    suspend(cert, staff)
    refused(reinstate, cert, auditor_with_everything_else(), PermissionDenied, STAFF_ONLY)


# What the queries say on chosen dates ---------------------------------------------------------


def agency_status(cert, day):
    return selectors.with_status(on=day).get(pk=cert.agency_id).status


def states(cert, days):
    cert = Certificate.objects.select_related("standard").get(pk=cert.pk)
    return [(cert.state_on(day), Certificate.objects.valid(on=day).filter(pk=cert.pk).exists()) for day in days]


def test_a_suspension_counts_from_its_day(cert, staff):
    suspend(cert, staff, on=D(2013, 6, 1))
    assert states(cert, [D(2013, 5, 31), D(2013, 6, 1), D(2014, 1, 1)]) == [
        (CertificateState.VALID, True),
        (CertificateState.SUSPENDED, False),
        (CertificateState.SUSPENDED, False),
    ]
    assert agency_status(cert, D(2013, 6, 1)) == AgencyStatus.SUSPENDED
    assert agency_status(cert, D(2013, 5, 31)) == AgencyStatus.CERTIFIED


def test_a_reinstated_certificate_is_valid_from_the_reinstatement(cert, staff):
    suspend(cert, staff, on=D(2013, 6, 1))
    reinstate(cert, staff, on=D(2013, 8, 1))
    assert states(cert, [D(2013, 8, 1), D(2014, 1, 1), D(2015, 5, 13), D(2015, 5, 14)]) == [
        (CertificateState.VALID, True),
        (CertificateState.VALID, True),
        (CertificateState.VALID, True),
        (CertificateState.EXPIRED, False),
    ]
    assert agency_status(cert, D(2014, 1, 1)) == AgencyStatus.CERTIFIED


def test_a_withdrawal_counts_from_its_day(cert, staff):
    withdraw(cert, staff, on=D(2014, 1, 10))
    assert states(cert, [D(2014, 1, 9), D(2014, 1, 10), D(2015, 5, 13)]) == [
        (CertificateState.VALID, True),
        (CertificateState.WITHDRAWN, False),
        (CertificateState.WITHDRAWN, False),
    ]
    assert agency_status(cert, D(2014, 1, 10)) == AgencyStatus.WITHDRAWN
    assert agency_status(cert, D(2014, 1, 9)) == AgencyStatus.CERTIFIED
