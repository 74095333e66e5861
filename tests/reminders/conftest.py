"""A small programme on 25 November 2026: two agencies, their representatives, two lead auditors.

Each finding's due date is chosen against ON so that it falls just inside or just outside the
14-day window; the tests name the findings they expect and the ones they must not see. The
audits are completed, and each finding is raised on ON (or on its due date when earlier), so
the halfway reminder (tested on its own in test_halfway.py) is not due yet.
"""

import datetime
from types import SimpleNamespace

import pytest

from bandung_iso.roles import Role
from certifications.models import Audit, Finding
from tests.factories import AgencyFactory, AuditFactory, FindingFactory, RoleUserFactory, StandardFactory

ON = datetime.date(2026, 11, 25)


def days(n: int) -> datetime.date:
    return ON + datetime.timedelta(days=n)


def finding(agency, *, lead=None, due_on=None, status=Finding.Status.OPEN, grade=Finding.Grade.MINOR, **fields):
    audit = AuditFactory(
        agency=agency,
        lead_auditor=lead,
        kind=Audit.Kind.INTERNAL,
        status=Audit.Status.COMPLETED,
        starts_on=days(-40),
        ends_on=days(-39),
        standard=StandardFactory(),
    )
    fields.setdefault("raised_on", min(due_on, ON) if due_on else None)
    if status in (Finding.Status.ACTION_PROPOSED, Finding.Status.CLOSED):
        fields.setdefault("corrective_action", "Tindakan korektif uji.")
        fields.setdefault("action_proposed_on", days(-5))
    return FindingFactory(audit=audit, due_on=due_on, status=status, grade=grade, **fields)


@pytest.fixture
def world(roles):
    agency_a = AgencyFactory(name="Dinas Uji A")
    agency_b = AgencyFactory(name="Dinas Uji B")
    w = SimpleNamespace(agency_a=agency_a, agency_b=agency_b)
    w.rep_a = RoleUserFactory(username="wakil_a", role=Role.REPRESENTATIVE, agencies=[agency_a])
    w.rep_b = RoleUserFactory(username="wakil_b", role=Role.REPRESENTATIVE, agencies=[agency_b])
    w.lead_1 = RoleUserFactory(username="auditor_1", role=Role.AUDITOR)
    w.lead_2 = RoleUserFactory(username="auditor_2", role=Role.AUDITOR)

    # Agency A, audits led by auditor_1.
    w.a_overdue = finding(agency_a, lead=w.lead_1, due_on=days(-5), grade=Finding.Grade.MAJOR)
    w.a_due_last_day = finding(agency_a, lead=w.lead_1, due_on=days(14))
    w.a_due_later = finding(agency_a, lead=w.lead_1, due_on=days(15))
    w.a_no_due_date = finding(agency_a, lead=w.lead_1)
    w.a_closed = finding(
        agency_a,
        lead=w.lead_1,
        due_on=days(-10),
        status=Finding.Status.CLOSED,
        verification="Diverifikasi di lapangan.",
        verified_by=w.lead_1,
        closed_on=days(-2),
    )
    w.a_observation = finding(agency_a, lead=w.lead_1, grade=Finding.Grade.OBSERVATION, status=Finding.Status.NOTED)
    # An action proposed and awaiting auditor_1's verification, due long after the window.
    w.a_awaiting = finding(agency_a, lead=w.lead_1, due_on=days(90), status=Finding.Status.ACTION_PROPOSED)
    # Agency B, audits led by auditor_2.
    w.b_overdue = finding(agency_b, lead=w.lead_2, due_on=days(-1))
    w.b_awaiting_due = finding(agency_b, lead=w.lead_2, due_on=days(3), status=Finding.Status.ACTION_PROPOSED)
    # Agency B, an audit without a portal account as lead.
    w.b_no_lead = finding(agency_b, due_on=days(7))
    return w
