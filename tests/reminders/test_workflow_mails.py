"""A mail on each step of a finding's workflow (reminders.workflow), sent once the step commits."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bandung_iso.roles import Role
from certifications import services
from certifications.models import Audit, Finding
from reminders.models import MailPreference
from tests.admin_forms import change_form_data
from tests.factories import AgencyFactory, AuditFactory, FindingFactory, RoleUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(roles, settings):
    settings.PORTAL_BASE_URL = "https://iso.example.test"
    today = timezone.localdate()
    agency = AgencyFactory(name="Dinas Alur")
    reps = [
        RoleUserFactory(username="wakil_id", role=Role.REPRESENTATIVE, agencies=[agency]),
        RoleUserFactory(username="wakil_en", role=Role.REPRESENTATIVE, agencies=[agency]),
        # Neither of these is mailed: no address, or no longer active.
        RoleUserFactory(username="wakil_tanpa_email", role=Role.REPRESENTATIVE, agencies=[agency], email=""),
        RoleUserFactory(username="wakil_pensiun", role=Role.REPRESENTATIVE, agencies=[agency], is_active=False),
    ]
    MailPreference.objects.create(user=reps[1], language="en")
    lead = RoleUserFactory(username="ketua", role=Role.AUDITOR)
    audit = AuditFactory(
        agency=agency,
        lead_auditor=lead,
        kind=Audit.Kind.INTERNAL,
        status=Audit.Status.COMPLETED,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today - datetime.timedelta(days=9),
    )
    return {"today": today, "rep": reps[0], "lead": lead, "audit": audit}


def outbox_since(mailoutbox, start):
    return sorted((message.to[0], message.subject) for message in mailoutbox[start:])


def propose(finding, by, today):
    return services.propose_action(
        finding=finding,
        by=by,
        correction="Dokumen ditarik.",
        root_cause="Tidak ada daftar induk.",
        corrective_action="Daftar induk dibuat.",
        on=today,
        today=today,
    )


def test_one_full_finding_cycle_mails_each_step_once_to_whoever_acts_next(
    cycle, mailoutbox, django_capture_on_commit_callbacks
):
    today, rep, lead = cycle["today"], cycle["rep"], cycle["lead"]

    with django_capture_on_commit_callbacks(execute=True):
        finding = FindingFactory(
            audit=cycle["audit"], grade=Finding.Grade.MAJOR, due_on=today + datetime.timedelta(days=60)
        )
    recorded = outbox_since(mailoutbox, 0)
    assert recorded == [
        ("wakil_en@example.test", "[ISO Portal] New finding for Dinas Alur"),
        ("wakil_id@example.test", "[Portal ISO] Temuan baru untuk Dinas Alur"),
    ]
    english = next(message for message in mailoutbox if message.to == ["wakil_en@example.test"])
    indonesian = next(message for message in mailoutbox if message.to == ["wakil_id@example.test"])
    assert english.body.startswith("Dear wakil_en,") and "Deadline: " in english.body
    assert indonesian.body.startswith("Yth. wakil_id,") and "Batas waktu: " in indonesian.body
    assert f"https://iso.example.test/admin/certifications/finding/{finding.pk}/change/" in indonesian.body
    assert english.from_email == indonesian.from_email

    with django_capture_on_commit_callbacks(execute=True):
        finding = propose(finding, rep, today)
    assert outbox_since(mailoutbox, 2) == [
        ("ketua@example.test", "[Portal ISO] Tindakan korektif diusulkan: Dinas Alur")
    ]

    with django_capture_on_commit_callbacks(execute=True):
        finding = services.return_finding(finding=finding, by=lead, reason="Bukti belum dilampirkan.")
    assert finding.returned
    assert outbox_since(mailoutbox, 3) == [
        ("wakil_en@example.test", "[ISO Portal] Corrective action returned: Dinas Alur"),
        ("wakil_id@example.test", "[Portal ISO] Tindakan korektif dikembalikan: Dinas Alur"),
    ]
    assert "Bukti belum dilampirkan." in mailoutbox[-1].body

    with django_capture_on_commit_callbacks(execute=True):
        finding = propose(finding, rep, today)
    assert not finding.returned
    assert outbox_since(mailoutbox, 5) == [
        ("ketua@example.test", "[Portal ISO] Tindakan korektif diusulkan: Dinas Alur")
    ]

    with django_capture_on_commit_callbacks(execute=True):
        services.close_finding(finding=finding, by=lead, verification="Daftar induk diperiksa.", on=today, today=today)
    assert outbox_since(mailoutbox, 6) == [
        ("wakil_en@example.test", "[ISO Portal] Finding closed: Dinas Alur"),
        ("wakil_id@example.test", "[Portal ISO] Temuan ditutup: Dinas Alur"),
    ]
    assert len(mailoutbox) == 8


def test_a_step_rolled_back_mails_nobody(cycle, mailoutbox, django_capture_on_commit_callbacks):
    today = cycle["today"]
    finding = FindingFactory(
        audit=cycle["audit"], grade=Finding.Grade.MAJOR, due_on=today + datetime.timedelta(days=60)
    )
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        FindingFactory(audit=cycle["audit"], grade=Finding.Grade.MINOR)
        propose(finding, cycle["rep"], today)
        raise RuntimeError("the request failed after the saves")
    assert callbacks == []
    assert mailoutbox == []
    assert Finding.objects.get().status == Finding.Status.OPEN


def test_a_refused_step_mails_nobody(cycle, mailoutbox, django_capture_on_commit_callbacks):
    today = cycle["today"]
    finding = FindingFactory(
        audit=cycle["audit"], grade=Finding.Grade.MAJOR, due_on=today + datetime.timedelta(days=60)
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.ValidationError):
        # Not answered yet: nothing to close.
        services.close_finding(finding=finding, by=cycle["lead"], verification="x", on=today, today=today)
    assert mailoutbox == []


def test_a_finding_added_on_the_audit_page_mails_the_representatives(
    cycle, client, mailoutbox, django_capture_on_commit_callbacks
):
    """The finding recorded by the audit page's inline, through HTTP, as the lead auditor saves it."""
    client.force_login(cycle["lead"])
    audit = cycle["audit"]
    url = reverse("admin:certifications_audit_change", args=[audit.pk])
    data = change_form_data(client.get(url))
    data.update(
        {
            "findings-TOTAL_FORMS": "1",
            "findings-0-clause": "4.2.3",
            "findings-0-grade": Finding.Grade.MINOR,
            "findings-0-description": "Dokumen kedaluwarsa masih beredar.",
            "findings-0-due_on": (cycle["today"] + datetime.timedelta(days=30)).strftime("%d-%m-%Y"),
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert sorted(message.to[0] for message in mailoutbox) == ["wakil_en@example.test", "wakil_id@example.test"]
