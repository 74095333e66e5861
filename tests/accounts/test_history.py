"""The edit history in the admin: who changed what, when and why; reverts under the row rules.

Every request goes through Django's client as a logged-in user of one role, to the history
list (``.../<id>/history/``) and to the history form (``.../<id>/history/<version>/``), whose
POST is the revert.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from bandung_iso.roles import Role
from certifications import services
from certifications.models import Certificate, Finding
from tests.admin_forms import as_posted
from tests.factories import (
    AgencyFactory,
    AuditFactory,
    CertificateFactory,
    FindingFactory,
    RoleUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2014, 6, 30)


def history_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])


def version_url(obj, record):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_simple_history", args=[obj.pk, record.pk])


def versions(obj):
    """Oldest first."""
    return list(obj.history.order_by("history_date", "history_id"))


def revert_data(response) -> dict:
    """What the history form posts back when the user presses the revert button unchanged."""
    return {"_save": "1", **as_posted(response.context["adminform"].form)}


def non_field_errors(response) -> list[str]:
    return list(response.context["adminform"].form.non_field_errors())


# --- staff revert agencies and certificates ------------------------------------------------------


def test_staff_revert_of_an_agency_restores_it_and_keeps_who_and_why(client, roles):
    staff = RoleUserFactory(username="staf")
    agency = AgencyFactory(name="Dinas Lama", notes="catatan lama")
    agency.name, agency.notes = "Dinas Baru", "catatan baru"
    agency.save()
    first = versions(agency)[0]

    client.force_login(staff)
    page = client.get(version_url(agency, first))
    assert page.status_code == 200
    response = client.post(version_url(agency, first), revert_data(page))

    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.name, agency.notes) == ("Dinas Lama", "catatan lama")
    kept = versions(agency)
    assert len(kept) == 3
    assert kept[-1].history_user == staff
    assert kept[-1].history_type == "~"
    assert kept[-1].history_change_reason.startswith("Dikembalikan ke versi")
    assert f"#{first.history_id}" in kept[-1].history_change_reason


def test_staff_revert_of_a_certificate_field_writes_a_new_history_entry(client, roles):
    staff = RoleUserFactory()
    certificate = CertificateFactory(number="QMS-1", notes="")
    certificate.number = "QMS-1-salah"
    certificate.save()
    first = versions(certificate)[0]

    client.force_login(staff)
    page = client.get(version_url(certificate, first))
    response = client.post(version_url(certificate, first), revert_data(page))

    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.number == "QMS-1"
    assert certificate.history.count() == 3
    assert certificate.history.latest().history_user == staff


def test_a_revert_is_validated_like_any_change(client, roles):
    """The old name is now another agency's: the revert is refused with the model's message."""
    staff = RoleUserFactory()
    agency = AgencyFactory(name="Dinas Lama")
    agency.name = "Dinas Baru"
    agency.save()
    AgencyFactory(name="Dinas Lama")
    first = versions(agency)[0]

    client.force_login(staff)
    page = client.get(version_url(agency, first))
    response = client.post(version_url(agency, first), revert_data(page))

    assert response.status_code == 200
    assertContains(response, "Sudah ada SKPD dengan nama ini.")
    agency.refresh_from_db()
    assert agency.name == "Dinas Baru"
    assert agency.history.count() == 2


# --- workflow fields are never reverted ------------------------------------------------------------


def test_a_withdrawn_certificate_never_comes_back_through_a_revert(client, roles):
    staff = RoleUserFactory()
    certificate = CertificateFactory()
    services.withdraw_certificate(
        certificate=certificate, by=staff, on=datetime.date(2013, 1, 10), reason="Ruang lingkup dilanggar", today=TODAY
    )
    active_version = versions(certificate)[0]

    client.force_login(staff)
    page = client.get(version_url(certificate, active_version))
    assert page.status_code == 200
    assert page.context["revert_disabled"]  # no revert button, and the reason above the form:
    assert any("hanya berubah melalui tindakan Bekukan" in str(m) for m in page.context["messages"])
    response = client.post(version_url(certificate, active_version), revert_data(page))

    assert response.status_code == 200
    errors = " ".join(non_field_errors(response))
    assert "Status sertifikat hanya berubah melalui tindakan Bekukan, Pulihkan atau Cabut" in errors
    assert "Versi ini mengubah status, tanggal perubahan status dan alasan perubahan status." in errors
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.WITHDRAWN
    assert certificate.status_reason == "Ruang lingkup dilanggar"
    assert certificate.history.count() == 2


def test_a_suspension_is_not_undone_by_a_revert_either(client, roles):
    staff = RoleUserFactory()
    certificate = CertificateFactory()
    services.suspend_certificate(
        certificate=certificate, by=staff, on=datetime.date(2013, 1, 10), reason="Surveilans terlewat", today=TODAY
    )
    active_version = versions(certificate)[0]

    client.force_login(staff)
    page = client.get(version_url(certificate, active_version))
    response = client.post(version_url(certificate, active_version), revert_data(page))

    assert response.status_code == 200
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.SUSPENDED
    assert certificate.status_changed_on == datetime.date(2013, 1, 10)


def test_a_closed_finding_is_not_reopened_through_a_revert(client, roles):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    auditor = RoleUserFactory(role=Role.AUDITOR)
    finding = FindingFactory(audit__lead_auditor=auditor)
    representative = RoleUserFactory(role=Role.REPRESENTATIVE, agencies=[finding.audit.agency])
    services.propose_action(
        finding=finding,
        by=representative,
        correction="Dokumen ditarik",
        root_cause="Tidak ada daftar induk",
        corrective_action="Daftar induk dokumen dibuat",
        on=datetime.date(2012, 3, 20),
        today=datetime.date(2012, 3, 20),
    )
    services.close_finding(
        finding=finding,
        by=auditor,
        verification="Daftar induk diperiksa",
        on=datetime.date(2012, 4, 2),
        today=datetime.date(2012, 4, 2),
    )
    proposed_version = versions(finding)[1]
    assert proposed_version.status == Finding.Status.ACTION_PROPOSED

    client.force_login(superuser)
    page = client.get(version_url(finding, proposed_version))
    response = client.post(version_url(finding, proposed_version), revert_data(page))

    assert response.status_code == 200
    [error] = non_field_errors(response)
    assert "Alur temuan hanya berubah melalui jawaban SKPD" in error
    finding.refresh_from_db()
    assert finding.status == Finding.Status.CLOSED
    assert (finding.verified_by, finding.closed_on) == (auditor, datetime.date(2012, 4, 2))
    assert finding.history.count() == 3


# --- the row rules -----------------------------------------------------------------------------------


def test_an_auditor_cannot_see_or_revert_another_auditors_audit(client, roles):
    mine, theirs = RoleUserFactory(role=Role.AUDITOR), RoleUserFactory(role=Role.AUDITOR)
    audit = AuditFactory(lead_auditor=theirs, team="Tim A")
    audit.team = "Tim B"
    audit.save()
    first = versions(audit)[0]

    client.force_login(mine)
    assert client.get(history_url(audit)).status_code == 404
    assert client.get(version_url(audit, first)).status_code == 404
    response = client.post(version_url(audit, first), {"team": "Tim A", "_save": "1"})

    assert response.status_code == 404
    audit.refresh_from_db()
    assert audit.team == "Tim B"
    assert audit.history.count() == 2


def test_the_lead_auditor_reverts_their_own_audit(client, roles):
    auditor = RoleUserFactory(role=Role.AUDITOR)
    audit = AuditFactory(lead_auditor=auditor, team="Tim A")
    audit.team = "Tim B"
    audit.save()
    first = versions(audit)[0]

    client.force_login(auditor)
    page = client.get(version_url(audit, first))
    assert page.status_code == 200
    response = client.post(version_url(audit, first), revert_data(page))

    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.team == "Tim A"
    assert audit.history.latest().history_user == auditor


def test_staff_read_an_audits_history_but_cannot_revert_it(client, roles):
    staff = RoleUserFactory()
    audit = AuditFactory(team="Tim A")
    audit.team = "Tim B"
    audit.save()
    first = versions(audit)[0]

    client.force_login(staff)
    response = client.get(history_url(audit))
    assert response.status_code == 200
    assertNotContains(response, version_url(audit, first))
    assert client.get(version_url(audit, first)).status_code == 403
    assert client.post(version_url(audit, first), {"team": "Tim A", "_save": "1"}).status_code == 403
    audit.refresh_from_db()
    assert audit.team == "Tim B"


def test_a_representative_cannot_reach_another_agencys_finding_history(client, roles):
    finding = FindingFactory(description="Uraian lama")
    finding.description = "Uraian baru"
    finding.save()
    representative = RoleUserFactory(role=Role.REPRESENTATIVE, agencies=[AgencyFactory()])
    first = versions(finding)[0]

    client.force_login(representative)
    assert client.get(history_url(finding)).status_code == 404
    assert client.get(version_url(finding, first)).status_code == 404
    response = client.post(version_url(finding, first), {"description": "Uraian lama", "_save": "1"})

    assert response.status_code == 404
    finding.refresh_from_db()
    assert finding.description == "Uraian baru"


def test_a_representative_cannot_revert_what_they_may_not_edit(client, roles):
    """Their own agency's open finding: they answer it through the answer form, never by a revert."""
    finding = FindingFactory(description="Uraian lama")
    finding.description = "Uraian baru"
    finding.save()
    representative = RoleUserFactory(role=Role.REPRESENTATIVE, agencies=[finding.audit.agency])
    first = versions(finding)[0]

    client.force_login(representative)
    history = client.get(history_url(finding))
    assert history.status_code == 200
    assertNotContains(history, version_url(finding, first))
    assert client.get(version_url(finding, first)).status_code == 403
    assert client.post(version_url(finding, first), {"description": "Uraian lama", "_save": "1"}).status_code == 403

    finding.refresh_from_db()
    assert finding.description == "Uraian baru"
    assert finding.history.count() == 2


def test_history_pages_need_a_login(client, roles):
    agency = AgencyFactory()
    first = versions(agency)[0]

    for url in (history_url(agency), version_url(agency, first)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_unknown_records_and_versions_are_404s(client, roles):
    staff = RoleUserFactory()
    agency, other = AgencyFactory(), AgencyFactory()
    client.force_login(staff)

    assert client.get("/admin/agencies/agency/abc/history/").status_code == 404
    assert client.get(f"/admin/agencies/agency/{agency.pk}/history/abc/").status_code == 404
    assert client.get(version_url(agency, versions(other)[0])).status_code == 404
    assert client.get(f"/admin/agencies/agency/{other.pk + 1000}/history/").status_code == 404


# --- the history list ---------------------------------------------------------------------------------


def test_the_history_list_shows_when_who_and_why(client, roles):
    staff = RoleUserFactory(username="siti", first_name="Siti", last_name="Rahayu")
    certificate = CertificateFactory()
    services.suspend_certificate(
        certificate=certificate, by=staff, on=datetime.date(2013, 1, 10), reason="Surveilans terlewat", today=TODAY
    )

    client.force_login(staff)
    response = client.get(history_url(certificate))

    assert response.status_code == 200
    assertContains(response, "Siti Rahayu")
    assertContains(response, "Dibekukan: Surveilans terlewat")
    assertContains(response, "tidak tercatat")  # the creation, made outside a request
    for record in versions(certificate):
        assertContains(response, version_url(certificate, record))  # staff may revert a certificate


def _history_queries(client, obj) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(history_url(obj)).status_code == 200
    return len(queries)


def test_the_history_list_runs_the_same_queries_for_few_and_many_versions(client, roles):
    staff = RoleUserFactory()
    client.force_login(staff)
    few, many = AgencyFactory(parent=AgencyFactory()), AgencyFactory(parent=AgencyFactory())
    for agency, edits in ((few, 1), (many, 20)):
        for n in range(edits):
            agency.notes = f"catatan {n}"
            agency._history_user = staff
            agency.save()

    assert _history_queries(client, few) == _history_queries(client, many) <= 9
