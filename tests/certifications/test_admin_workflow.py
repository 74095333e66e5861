"""The admin side of the workflow: status and verification actions, and deletions refused.

Every action is driven as a browser would: a POST to the changelist with the action and the
selected ids (the intermediate page), then the POST of its form (the confirmation).
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from bandung_iso.roles import Role
from certifications import services
from certifications.models import WITHDRAWN_IS_FINAL, Audit, Certificate, Finding
from tests.factories import (
    AuditFactory,
    CertificateFactory,
    FindingFactory,
    RoleUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CERTIFICATES = reverse("admin:certifications_certificate_changelist")
FINDINGS = reverse("admin:certifications_finding_changelist")
AUDITS = reverse("admin:certifications_audit_changelist")
ON = datetime.date(2013, 1, 10)
PROPOSED_ON = datetime.date(2012, 3, 20)


def choose(changelist, client, action, objs):
    """The first POST: the action chosen on the changelist with rows ticked."""
    return client.post(changelist, {"action": action, "index": "0", ACTION_CHECKBOX_NAME: [o.pk for o in objs]})


def confirm(changelist, client, action, objs, **fields):
    """The second POST: the intermediate page's form, back to the changelist."""
    data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objs], "workflow_confirm": "yes"}
    data.update({f"workflow-{name}": value for name, value in fields.items()})
    return client.post(changelist, data, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def action_names(response) -> set[str]:
    """The actions the changelist offers (no action form at all when it offers none)."""
    form = response.context["action_form"]
    return {name for name, _label in form.fields["action"].choices} if form else set()


def proposed_finding(**kwargs):
    return FindingFactory(
        status=Finding.Status.ACTION_PROPOSED,
        corrective_action="Daftar induk dokumen dibuat",
        action_proposed_on=PROPOSED_ON,
        **kwargs,
    )


# --- certificate status: Bekukan, Pulihkan, Cabut -------------------------------------------------


def test_staff_suspend_a_certificate_through_the_intermediate_page(client, roles):
    staff = RoleUserFactory(username="staf")
    certificate = CertificateFactory(agency__name="Dinas Pangan")
    client.force_login(staff)

    page = choose(CERTIFICATES, client, "suspend_certificates", [certificate])
    assert page.status_code == 200
    assert page.templates[0].name == "admin/certifications/workflow_action.html"
    assert page.context["form"]["on"].value() == timezone.localdate()
    assertContains(page, "Dinas Pangan")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE  # nothing happens before the form is sent

    response = confirm(
        CERTIFICATES, client, "suspend_certificates", [certificate], on="2013-01-10", reason="Surveilans terlewat"
    )

    assert response.redirect_chain[-1] == (CERTIFICATES, 302)
    certificate.refresh_from_db()
    assert (certificate.status, certificate.status_changed_on, certificate.status_reason) == (
        Certificate.Status.SUSPENDED,
        ON,
        "Surveilans terlewat",
    )
    latest = certificate.history.latest()
    assert latest.history_user == staff
    assert latest.history_change_reason == "Dibekukan: Surveilans terlewat"
    assert any(m.startswith("Dibekukan: Dinas Pangan") for m in messages_of(response))


def test_reinstate_and_withdraw_follow_the_states(client, roles):
    staff = RoleUserFactory()
    suspended = CertificateFactory(agency__name="Dinas A")
    services.suspend_certificate(certificate=suspended, by=staff, on=ON, reason="Surveilans terlewat", today=ON)
    active = CertificateFactory(agency__name="Dinas B")
    client.force_login(staff)

    response = confirm(
        CERTIFICATES,
        client,
        "reinstate_certificates",
        [suspended, active],
        on="2013-02-01",
        reason="Surveilans selesai",
    )

    suspended.refresh_from_db()
    active.refresh_from_db()
    assert suspended.status == Certificate.Status.ACTIVE
    assert suspended.history.latest().history_change_reason == "Dipulihkan: Surveilans selesai"
    assert active.status == Certificate.Status.ACTIVE
    assert active.history.count() == 1
    assert any(
        m.startswith(str(active)) and "Hanya sertifikat yang dibekukan yang dapat dipulihkan" in m
        for m in messages_of(response)
    )

    response = confirm(
        CERTIFICATES, client, "withdraw_certificates", [suspended, active], on="2013-03-01", reason="Dicabut lembaga"
    )
    for certificate in (suspended, active):
        certificate.refresh_from_db()
        assert certificate.status == Certificate.Status.WITHDRAWN
        assert certificate.history.latest().history_change_reason == "Dicabut: Dicabut lembaga"
        assert certificate.history.latest().history_user == staff


def test_a_withdrawn_certificate_is_refused_by_name_and_the_others_applied(client, roles):
    staff = RoleUserFactory()
    withdrawn = CertificateFactory(agency__name="Dinas Dicabut")
    services.withdraw_certificate(certificate=withdrawn, by=staff, on=ON, reason="Dicabut lembaga", today=ON)
    active = CertificateFactory(agency__name="Dinas Aktif")
    client.force_login(staff)

    for action in ("suspend_certificates", "reinstate_certificates"):
        response = confirm(CERTIFICATES, client, action, [withdrawn, active], on="2013-02-01", reason="Alasan uji")
        assert f"{withdrawn} tidak diubah: {WITHDRAWN_IS_FINAL}" in messages_of(response)

    withdrawn.refresh_from_db()
    active.refresh_from_db()
    assert withdrawn.status == Certificate.Status.WITHDRAWN
    assert withdrawn.history.count() == 2
    assert active.status == Certificate.Status.ACTIVE  # suspended by the first, reinstated by the second
    assert [r.history_change_reason for r in active.history.order_by("history_id")][1:] == [
        "Dibekukan: Alasan uji",
        "Dipulihkan: Alasan uji",
    ]


def test_a_date_the_service_refuses_is_reported_per_certificate(client, roles):
    """Before the certificate was issued (14 May 2012): that row is named, nothing changes."""
    staff = RoleUserFactory()
    certificate = CertificateFactory()
    client.force_login(staff)

    response = confirm(
        CERTIFICATES, client, "suspend_certificates", [certificate], on="2011-01-01", reason="Alasan uji"
    )

    assert f"{certificate} tidak diubah: Tanggal perubahan status tidak boleh sebelum sertifikat terbit." in (
        messages_of(response)
    )
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"on": "2013-02-30", "reason": "Alasan uji"}, "on", "ada di kalender"),
        ({"on": "", "reason": "Alasan uji"}, "on", "Isi tanggalnya."),
        ({"on": "2013-01-10", "reason": "   "}, "reason", "Tulis alasan perubahan status."),
        ({"on": "1989-12-31", "reason": "Alasan uji"}, "on", "Tanggal harus antara 1990-01-01"),
        ({"on": "9999-12-31", "reason": "Alasan uji"}, "on", "Tanggal harus antara 1990-01-01"),
        ({"on": "2013-01-10", "reason": "Alasan\x00uji"}, "reason", "karakter NUL"),
    ],
)
def test_an_invalid_form_keeps_what_was_typed_and_changes_nothing(client, roles, fields, field, message):
    staff = RoleUserFactory()
    certificate = CertificateFactory()
    client.force_login(staff)

    response = confirm(CERTIFICATES, client, "withdraw_certificates", [certificate], **fields)

    assert response.status_code == 200
    assert not response.redirect_chain
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assertContains(response, f'value="{fields["on"]}"' if fields["on"] else 'name="workflow-on"')
    if fields["reason"].strip() and "\x00" not in fields["reason"]:
        assertContains(response, fields["reason"])
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE
    assert certificate.history.count() == 1


def test_auditors_never_see_or_run_the_status_actions(client, roles):
    auditor = RoleUserFactory(role=Role.AUDITOR)
    certificate = CertificateFactory()
    client.force_login(auditor)

    changelist = client.get(CERTIFICATES)
    assert changelist.status_code == 200
    assert not action_names(changelist) & {"suspend_certificates", "reinstate_certificates", "withdraw_certificates"}

    for action in ("suspend_certificates", "withdraw_certificates"):
        page = choose(CERTIFICATES, client, action, [certificate])
        assert page.status_code in (200, 302)  # the list again, not the action's page
        assert "admin/certifications/workflow_action.html" not in [t.name for t in page.templates]
        response = confirm(CERTIFICATES, client, action, [certificate], on="2013-01-10", reason="Alasan uji")
        assert response.status_code == 200
        assert not [m for m in messages_of(response) if m.startswith(("Dibekukan", "Dicabut"))]

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE
    assert certificate.history.count() == 1


def test_representatives_do_not_reach_the_certificate_list(client, roles):
    certificate = CertificateFactory()
    representative = RoleUserFactory(role=Role.REPRESENTATIVE, agencies=[certificate.agency])
    client.force_login(representative)

    assert choose(CERTIFICATES, client, "withdraw_certificates", [certificate]).status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE


def _page_queries(client, changelist, action, objs) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert choose(changelist, client, action, objs).status_code == 200
    return len(queries)


def test_the_intermediate_page_runs_the_same_queries_for_few_and_many_rows(client, roles):
    client.force_login(RoleUserFactory())
    few = [CertificateFactory() for _ in range(2)]
    many = [CertificateFactory() for _ in range(12)]

    # Session, user, permissions, roles; the changelist's filters and counts (built twice by Django's
    # action handling); the selected rows: the same for 2 rows and for 12.
    assert (
        _page_queries(client, CERTIFICATES, "suspend_certificates", few)
        == _page_queries(client, CERTIFICATES, "suspend_certificates", many)
        <= 14
    )


def test_the_change_page_shows_the_status_changes(client, roles):
    staff = RoleUserFactory(username="staf")
    certificate = CertificateFactory()
    services.suspend_certificate(certificate=certificate, by=staff, on=ON, reason="Surveilans terlewat", today=ON)
    client.force_login(staff)

    response = client.get(reverse("admin:certifications_certificate_change", args=[certificate.pk]))

    assertContains(response, "<li>2013-01-10 — dibekukan: Surveilans terlewat (staf)</li>", html=True)


def test_the_status_changes_are_listed_from_the_history_in_one_query(roles, django_assert_num_queries):
    staff = RoleUserFactory(first_name="Siti", last_name="Rahayu")
    certificate = CertificateFactory()
    certificate_admin = admin.site._registry[Certificate]

    with django_assert_num_queries(1):
        assert str(certificate_admin.status_changes(certificate)) == "Status belum pernah berubah."

    services.suspend_certificate(certificate=certificate, by=staff, on=ON, reason="Surveilans terlewat", today=ON)
    certificate.refresh_from_db()
    certificate.notes = "catatan"  # a change that is not a status change
    certificate.save()
    services.reinstate_certificate(
        certificate=certificate,
        by=staff,
        on=datetime.date(2013, 2, 1),
        reason="Surveilans selesai",
        today=ON.replace(month=2),
    )
    services.withdraw_certificate(
        certificate=certificate,
        by=staff,
        on=datetime.date(2013, 3, 1),
        reason="Dicabut lembaga",
        today=ON.replace(month=3),
    )

    with django_assert_num_queries(1):
        listed = str(certificate_admin.status_changes(certificate))
    assert listed == (
        "<ol class='status-changes'>"
        "<li>2013-01-10 — dibekukan: Surveilans terlewat (Siti Rahayu)</li>"
        "<li>2013-02-01 — aktif: Surveilans selesai (Siti Rahayu)</li>"
        "<li>2013-03-01 — dicabut: Dicabut lembaga (Siti Rahayu)</li>"
        "</ol>"
    )


def test_status_change_text_is_escaped(roles):
    staff = RoleUserFactory()
    certificate = CertificateFactory()
    services.suspend_certificate(certificate=certificate, by=staff, on=ON, reason="<b>tebal</b>", today=ON)

    listed = str(admin.site._registry[Certificate].status_changes(certificate))

    assert "&lt;b&gt;tebal&lt;/b&gt;" in listed
    assert "<b>" not in listed


# --- findings: Verifikasi dan tutup, Kembalikan ke SKPD -------------------------------------------


def test_staff_verify_and_close_a_finding(client, roles):
    staff = RoleUserFactory()
    finding = proposed_finding()
    client.force_login(staff)

    page = choose(FINDINGS, client, "close_findings", [finding])
    assert page.status_code == 200
    assert page.context["form"]["on"].value() == timezone.localdate()

    response = confirm(
        FINDINGS, client, "close_findings", [finding], verification="Daftar induk diperiksa", on="2012-04-02"
    )

    finding.refresh_from_db()
    assert finding.status == Finding.Status.CLOSED
    assert (finding.verification, finding.verified_by, finding.closed_on) == (
        "Daftar induk diperiksa",
        staff,
        datetime.date(2012, 4, 2),
    )
    latest = finding.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (staff, "Diverifikasi dan ditutup")
    assert f"Ditutup: {finding} (#{finding.pk})." in messages_of(response)


@pytest.mark.parametrize("role", [Role.STAFF, Role.AUDITOR])
def test_staff_or_the_lead_auditor_return_a_finding_to_the_agency(client, roles, role):
    auditor = RoleUserFactory(role=role)
    finding = proposed_finding(audit__lead_auditor=auditor if role == Role.AUDITOR else None)
    client.force_login(auditor)

    assert choose(FINDINGS, client, "return_findings", [finding]).status_code == 200
    confirm(FINDINGS, client, "return_findings", [finding], reason="Akar masalah belum dianalisis")

    finding.refresh_from_db()
    assert (finding.status, finding.action_proposed_on) == (Finding.Status.OPEN, None)
    latest = finding.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        auditor,
        "Dikembalikan: Akar masalah belum dianalisis",
    )


def test_findings_in_the_wrong_state_are_refused_by_name(client, roles):
    staff = RoleUserFactory()
    open_finding = FindingFactory(description="Belum dijawab")
    proposed = proposed_finding()
    client.force_login(staff)

    response = confirm(
        FINDINGS, client, "close_findings", [open_finding, proposed], verification="Diperiksa", on="2012-04-02"
    )

    shown = messages_of(response)
    assert any(
        m.startswith(f"{open_finding} (#{open_finding.pk}) tidak diubah: Temuan hanya dapat ditutup setelah SKPD")
        for m in shown
    )
    open_finding.refresh_from_db()
    proposed.refresh_from_db()
    assert open_finding.status == Finding.Status.OPEN
    assert open_finding.history.count() == 1
    assert proposed.status == Finding.Status.CLOSED

    response = confirm(FINDINGS, client, "return_findings", [open_finding], reason="Alasan uji")
    assert any("Hanya temuan dengan tindakan diusulkan yang dapat dikembalikan" in m for m in messages_of(response))
    open_finding.refresh_from_db()
    assert open_finding.status == Finding.Status.OPEN


def test_a_closing_date_before_the_proposal_is_refused_by_name(client, roles):
    staff = RoleUserFactory()
    finding = proposed_finding()
    client.force_login(staff)

    response = confirm(FINDINGS, client, "close_findings", [finding], verification="Diperiksa", on="2012-03-19")

    assert any("tidak boleh sebelum tindakan diusulkan" in m for m in messages_of(response))
    finding.refresh_from_db()
    assert finding.status == Finding.Status.ACTION_PROPOSED


def test_an_auditor_cannot_close_another_auditors_finding(client, roles):
    """Selected through a crafted POST: the row is outside the auditor's rule, dropped, and said so."""
    mine, theirs = RoleUserFactory(role=Role.AUDITOR), RoleUserFactory(role=Role.AUDITOR)
    my_finding = proposed_finding(audit__lead_auditor=mine)
    their_finding = proposed_finding(audit__lead_auditor=theirs)
    client.force_login(mine)

    response = confirm(
        FINDINGS, client, "close_findings", [my_finding, their_finding], verification="Diperiksa", on="2012-04-02"
    )

    their_finding.refresh_from_db()
    my_finding.refresh_from_db()
    assert their_finding.status == Finding.Status.ACTION_PROPOSED
    assert their_finding.history.count() == 1
    assert my_finding.status == Finding.Status.CLOSED
    shown = messages_of(response)
    assert "1 baris yang dipilih di luar data yang boleh Anda ubah; baris itu diabaikan." in shown
    assert f"(#{their_finding.pk})" not in " ".join(shown)  # not named: it is not theirs to know of


def test_a_finding_visible_but_not_verifiable_is_refused_by_name(client, roles):
    """An auditor who also represents the agency sees its findings, but verifies only the audits they lead."""
    user = RoleUserFactory(role=Role.AUDITOR)
    finding = proposed_finding()
    user.groups.add(Group.objects.get(name=Role.REPRESENTATIVE))
    finding.audit.agency.quality_representatives.add(user)
    client.force_login(user)

    response = confirm(FINDINGS, client, "close_findings", [finding], verification="Diperiksa", on="2012-04-02")

    assert any(
        m.startswith(f"{finding} (#{finding.pk}) tidak diubah: Hanya ketua auditor audit ini")
        for m in messages_of(response)
    )
    finding.refresh_from_db()
    assert finding.status == Finding.Status.ACTION_PROPOSED


def test_representatives_have_no_verification_actions(client, roles):
    finding = proposed_finding()
    representative = RoleUserFactory(role=Role.REPRESENTATIVE, agencies=[finding.audit.agency])
    client.force_login(representative)

    changelist = client.get(FINDINGS)
    assert changelist.status_code == 200
    assert not action_names(changelist) & {"close_findings", "return_findings"}
    confirm(FINDINGS, client, "close_findings", [finding], verification="Diperiksa", on="2012-04-02")

    finding.refresh_from_db()
    assert finding.status == Finding.Status.ACTION_PROPOSED


def test_the_verification_form_keeps_what_was_typed(client, roles):
    client.force_login(RoleUserFactory())
    finding = proposed_finding()

    response = confirm(FINDINGS, client, "close_findings", [finding], verification="Sudah diperiksa", on="2012-04-31")

    assert response.status_code == 200
    assertContains(response, "Sudah diperiksa")
    assertContains(response, 'value="2012-04-31"')
    finding.refresh_from_db()
    assert finding.status == Finding.Status.ACTION_PROPOSED


# --- deletion refused for records with findings ----------------------------------------------------


def certificate_with_finding():
    certificate = CertificateFactory(agency__name="Dinas Bertemuan")
    audit = AuditFactory(
        agency=certificate.agency,
        certificate=certificate,
        kind=Audit.Kind.SURVEILLANCE,
        starts_on=datetime.date(2013, 3, 1),
        ends_on=datetime.date(2013, 3, 2),
    )
    FindingFactory(audit=audit)
    return certificate, audit


def delete_url(obj):
    return reverse(f"admin:certifications_{obj._meta.model_name}_delete", args=[obj.pk])


def test_the_orm_refuses_to_delete_records_with_findings(roles):
    certificate, audit = certificate_with_finding()

    with pytest.raises(ProtectedError):
        audit.delete()
    with pytest.raises(ProtectedError):
        certificate.delete()
    assert Audit.objects.filter(pk=audit.pk).exists()
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_staff_cannot_delete_a_certificate_with_findings_from_its_delete_page(client, roles):
    certificate, _audit = certificate_with_finding()
    client.force_login(RoleUserFactory())

    for method in (client.get, client.post):
        response = method(delete_url(certificate), {"post": "yes"} if method == client.post else None, follow=True)
        assert response.redirect_chain[0] == (
            reverse("admin:certifications_certificate_change", args=[certificate.pk]),
            302,
        )
        [message] = messages_of(response)
        assert "auditnya memiliki temuan. Cabut sertifikat" in message
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_staff_cannot_bulk_delete_a_certificate_with_findings(client, roles):
    certificate, _audit = certificate_with_finding()
    plain = CertificateFactory()
    client.force_login(RoleUserFactory())

    first = choose(CERTIFICATES, client, "delete_selected", [certificate, plain])
    assert first.status_code == 302
    response = client.post(
        CERTIFICATES,
        {"action": "delete_selected", "post": "yes", ACTION_CHECKBOX_NAME: [certificate.pk, plain.pk]},
        follow=True,
    )

    assert any("Dinas Bertemuan" in m and "Cabut sertifikat" in m for m in messages_of(response))
    assert Certificate.objects.filter(pk__in=[certificate.pk, plain.pk]).count() == 2


def test_an_audit_with_findings_is_not_deleted_either_way(client, roles):
    _certificate, audit = certificate_with_finding()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(delete_url(audit), {"post": "yes"}, follow=True)
    assert any("Batalkan audit" in m for m in messages_of(response))
    response = client.post(
        AUDITS, {"action": "delete_selected", "post": "yes", ACTION_CHECKBOX_NAME: [audit.pk]}, follow=True
    )
    assert any("Batalkan audit" in m for m in messages_of(response))

    assert Audit.objects.filter(pk=audit.pk).exists()
    assert Finding.objects.filter(audit=audit).count() == 1


def test_records_without_findings_delete_as_before(client, roles):
    staff = RoleUserFactory()
    one, two = CertificateFactory(), CertificateFactory()
    audit = AuditFactory()
    client.force_login(staff)

    assert client.post(delete_url(one), {"post": "yes"}).status_code == 302
    page = choose(CERTIFICATES, client, "delete_selected", [two])
    assert page.status_code == 200  # Django's confirmation page
    client.post(CERTIFICATES, {"action": "delete_selected", "post": "yes", ACTION_CHECKBOX_NAME: [two.pk]})
    assert not Certificate.objects.filter(pk__in=[one.pk, two.pk]).exists()

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.post(delete_url(audit), {"post": "yes"}).status_code == 302
    assert not Audit.objects.filter(pk=audit.pk).exists()


def test_a_certificate_with_audits_but_no_findings_is_still_protected(client, roles):
    """As before this issue: the audit's PROTECT foreign key keeps it; Django's page says so."""
    certificate = CertificateFactory()
    AuditFactory(agency=certificate.agency, certificate=certificate, kind=Audit.Kind.SURVEILLANCE)
    client.force_login(RoleUserFactory())

    response = client.post(delete_url(certificate), {"post": "yes"})

    assert response.status_code == 200
    assert response.context["protected"]
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_users_without_the_delete_permission_get_no_hint(client, roles):
    """An auditor may not delete certificates: a 403, not the findings message."""
    certificate, _audit = certificate_with_finding()
    client.force_login(RoleUserFactory(role=Role.AUDITOR))

    assert client.post(delete_url(certificate), {"post": "yes"}).status_code == 403
    assert Certificate.objects.filter(pk=certificate.pk).exists()


@pytest.mark.parametrize("typed", ["10-01-2013", "2013-01-10"])
def test_an_action_form_takes_the_day_as_every_staff_form_does_and_iso_too(client, roles, typed):
    """Day-month-year as in the change forms (the Indonesian locale), and YYYY-MM-DD."""
    certificate = CertificateFactory()
    client.force_login(RoleUserFactory())
    page = choose(CERTIFICATES, client, "suspend_certificates", [certificate])
    assert "Format HH-BB-TTTT." in page.content.decode()
    response = confirm(CERTIFICATES, client, "suspend_certificates", [certificate], on=typed, reason="Alasan uji")
    assert response.redirect_chain
    certificate.refresh_from_db()
    assert (certificate.status, certificate.status_changed_on) == (
        Certificate.Status.SUSPENDED,
        datetime.date(2013, 1, 10),
    )
