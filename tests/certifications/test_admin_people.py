"""People appear by full name in the audit and finding admin; the username only where no name is set."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from bandung_iso.roles import Role
from certifications.models import Audit, Finding
from tests.factories import AuditFactory, FindingFactory, RoleUserFactory, UserFactory, closed_finding

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def budi(roles):
    return RoleUserFactory(username="bsantoso", first_name="Budi", last_name="Santoso", role=Role.AUDITOR)


@pytest.fixture
def staff(client, roles):
    client.force_login(RoleUserFactory(username="staf", role=Role.STAFF))
    return client


def test_the_finding_page_names_who_verified_it(staff, budi):
    finding = closed_finding(auditor=budi)
    response = staff.get(url(Finding, "change", finding.pk))

    assert response.status_code == 200
    assertContains(response, "Diverifikasi oleh")
    assertContains(response, '<div class="readonly">Budi Santoso</div>', html=True)
    assertNotContains(response, "bsantoso")


def test_an_open_finding_has_nobody_as_verifier(staff, budi):
    finding = FindingFactory(audit__lead_auditor=budi)
    response = staff.get(url(Finding, "change", finding.pk))
    assertNotContains(response, "Budi Santoso")


def test_the_audit_list_names_each_lead_auditor(staff, budi):
    nameless = RoleUserFactory(username="auditor02", first_name="", last_name="", role=Role.AUDITOR)
    AuditFactory(lead_auditor=budi)
    AuditFactory(lead_auditor=nameless)
    AuditFactory(lead_auditor=None)

    response = staff.get(url(Audit, "changelist"))

    assertContains(response, "Ketua auditor")
    assertContains(response, '<td class="field-lead_auditor_name">Budi Santoso</td>', html=True)
    assertContains(response, '<td class="field-lead_auditor_name">auditor02</td>', html=True)
    assertNotContains(response, "bsantoso")


def test_the_names_come_with_the_rows(staff, roles):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(url(Audit, "changelist")).status_code == 200
        return len(captured)

    AuditFactory(lead_auditor=RoleUserFactory(role=Role.AUDITOR, first_name="Ani", last_name="Wijaya"))
    few = queries()
    for n in range(10):
        AuditFactory(lead_auditor=RoleUserFactory(role=Role.AUDITOR, first_name="Auditor", last_name=str(n)))
    assert queries() == few


def test_a_superuser_picks_the_lead_auditor_by_name(client, budi):
    nameless = RoleUserFactory(username="auditor02", first_name="", last_name="", role=Role.AUDITOR)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(url(Audit, "add"))

    field = response.context["adminform"].form.fields["lead_auditor"]
    assert [label for value, label in field.choices if value] == ["auditor02", "Budi Santoso"]
    assert list(field.queryset) == [nameless, budi]
    assertContains(response, ">Budi Santoso</option>")


def test_others_read_the_lead_auditor_by_name(staff, budi):
    audit = AuditFactory(lead_auditor=budi)
    response = staff.get(url(Audit, "change", audit.pk))

    assertContains(response, '<div class="readonly">Budi Santoso</div>', html=True)
    assertNotContains(response, "bsantoso")
