"""Each role's to-do, on the admin index over HTTP and in the daily mail, from the one definition
(certifications.duties): the same groups and counts for the same user and day, every link leading
to that many rows, and the index's queries fixed whatever the number of rows."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bandung_iso.roles import Role
from certifications.dates import DatePrecision
from certifications.duties import DutyKey, duties_for
from certifications.models import Audit, Finding
from reminders.services import plan_reminders
from tests.factories import (
    AgencyFactory,
    AuditFactory,
    CertificateFactory,
    FindingFactory,
    RoleUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
INDEX = reverse("admin:index")
SCHEDULE = reverse("admin:certifications_certificate_schedule")
DAY = datetime.timedelta(days=1)


def add_rows(agency, lead, today, n: int = 1) -> None:
    """``n`` of each thing someone must act on."""
    for _ in range(n):
        done = AuditFactory(
            agency=agency,
            lead_auditor=lead,
            kind=Audit.Kind.INTERNAL,
            status=Audit.Status.COMPLETED,
            starts_on=today - 40 * DAY,
            ends_on=today - 39 * DAY,
        )
        # Due in 10 days and in 3 days: within the mail's 14 days too.
        FindingFactory(audit=done, grade=Finding.Grade.MAJOR, due_on=today + 10 * DAY)
        FindingFactory(
            audit=done, grade=Finding.Grade.MINOR, due_on=today + 3 * DAY, returned=True, status=Finding.Status.OPEN
        )
        FindingFactory(
            audit=done,
            grade=Finding.Grade.MINOR,
            due_on=today + 30 * DAY,
            status=Finding.Status.ACTION_PROPOSED,
            corrective_action="Prosedur direvisi.",
            action_proposed_on=today - DAY,
        )
        FindingFactory(audit=done, grade=Finding.Grade.MINOR, due_on=today - 2 * DAY)  # overdue
        AuditFactory(
            agency=agency, lead_auditor=lead, kind=Audit.Kind.INTERNAL, starts_on=today + 10 * DAY, ends_on=None
        )
        CertificateFactory(expires_on=None, expires_precision=DatePrecision.UNKNOWN)


@pytest.fixture
def people(roles):
    today = timezone.localdate()
    agency = AgencyFactory(name="Dinas Tugas")
    lead = RoleUserFactory(username="ketua", role=Role.AUDITOR)
    users = {
        "representative": RoleUserFactory(username="wakil", role=Role.REPRESENTATIVE, agencies=[agency]),
        "lead": lead,
        "staff": RoleUserFactory(username="staf", role=Role.STAFF),
        "no_role": UserFactory(username="tanpa_peran", is_staff=True),
    }
    add_rows(agency, lead, today)
    return {"today": today, "agency": agency, "users": users}


def panel(html: str) -> list[tuple[str, str, int]]:
    """The panel's groups as shown: (key, link, count), in order."""
    found = re.search(r'<div class="module needs-attention".*?\n</div>', html, flags=re.S)
    if found is None:
        return []
    return [
        (key, href.replace("&amp;", "&"), int(count))
        for key, href, count in re.findall(
            r'<li data-duty="([^"]+)">\s*<a href="([^"]+)">[^<]+</a>: <strong class="count">(\d+)</strong>',
            found.group(0),
        )
    ]


EXPECTED = {
    "representative": [(DutyKey.TO_ANSWER, 2), (DutyKey.RETURNED, 1)],
    "lead": [(DutyKey.TO_VERIFY, 1), (DutyKey.AUDITS_DUE, 1), (DutyKey.OVERDUE_LED, 1)],
    "staff": [
        (DutyKey.WITHOUT_EXPIRY, 1),
        (DutyKey.MAJOR_OPEN, 1),
        (DutyKey.OVERDUE, 1),
        (DutyKey.STATUS_UNKNOWN, 1),  # Dinas Tugas: no certificate, nothing reported
    ],
    "no_role": [],
}


@pytest.mark.parametrize("role", EXPECTED)
def test_each_roles_to_do_on_the_index_and_in_the_mail_is_the_same(client, people, role):
    user, today = people["users"][role], people["today"]
    client.force_login(user)
    html = client.get(INDEX).content.decode()
    shown = panel(html)
    duties = duties_for(user, on=today)
    assert [(key, count) for key, _url, count in shown] == EXPECTED[role]
    assert [(duty.key, duty.count) for duty in duties.duties] == EXPECTED[role]

    # Every link leads to a list of exactly that many rows.
    for key, url, count in shown:
        response = client.get(url)
        assert response.status_code == 200, (key, url)
        assert response.context["cl"].result_count == count, (key, url)

    # The daily mail of that day: the same groups, counts and records.
    messages = {message.recipient.username: message for message in plan_reminders(on=today)}
    if not EXPECTED[role]:
        assert user.username not in messages
        assert "Perlu tindakan" not in html
        return
    message = messages[user.username]
    assert [(section.key, section.count) for section in message.sections] == EXPECTED[role]
    for section, duty in zip(message.sections, duties.duties, strict=True):
        assert [item.path for item in section.items] == [
            reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk])
            for record in duty.records
        ]


@pytest.mark.parametrize(("role", "linked"), [("representative", False), ("lead", True), ("staff", True)])
def test_the_schedule_is_linked_for_every_role_that_may_open_it(client, people, role, linked):
    client.force_login(people["users"][role])
    html = client.get(INDEX).content.decode()
    assert (f'href="{SCHEDULE}"' in html) is linked
    assert client.get(SCHEDULE).status_code == (200 if linked else 403)


def test_a_returned_finding_is_the_representatives_again_and_an_answered_one_the_auditors(people):
    representative, today = people["users"]["representative"], people["today"]
    returned = duties_for(representative, on=today).get(DutyKey.RETURNED).records
    assert [finding.returned for finding in returned] == [True]
    lead_duties = duties_for(people["users"]["lead"], on=today)
    assert [f.status for f in lead_duties.get(DutyKey.TO_VERIFY).records] == [Finding.Status.ACTION_PROPOSED]


@pytest.mark.parametrize("role", ["representative", "lead", "staff", "no_role"])
def test_the_index_runs_a_fixed_number_of_queries_for_each_role(client, people, role, django_assert_max_num_queries):
    user = people["users"][role]
    client.force_login(user)
    counts = []
    for more in (0, 15):
        add_rows(people["agency"], people["users"]["lead"], people["today"], more)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(INDEX).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Django's index (session, user, permissions, recent actions) and the panel: roles, then per
    # role represented agencies, findings, audits; for staff six lists and the programme.
    with django_assert_max_num_queries(16):
        client.get(INDEX)
