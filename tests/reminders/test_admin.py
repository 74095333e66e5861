"""The reminder log in the admin: read by programme staff, changed by nobody."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from bandung_iso.roles import Role
from reminders.models import Reminder
from tests.factories import AgencyFactory, RoleUserFactory, UserFactory

from .conftest import ON, days

pytestmark = pytest.mark.django_db


def url(view, *args):
    return reverse(f"admin:reminders_reminder_{view}", args=args)


def make_reminders(count: int) -> list[Reminder]:
    return [
        Reminder.objects.create(
            recipient=UserFactory(),
            sent_on=days(-(n % 5)),
            subject=f"[Portal ISO] {n + 1} hal perlu tindakan",
            body="Isi uji.\nBaris kedua.",
            item_count=n + 1,
        )
        for n in range(count)
    ]


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def programme_staff_client(client, roles):
    client.force_login(RoleUserFactory(username="staf", role=Role.STAFF))
    return client


def test_a_superuser_reads_the_log_and_the_message(superuser_client):
    (row,) = make_reminders(1)
    response = superuser_client.get(url("changelist"))
    assertContains(response, row.subject)
    assertNotContains(response, url("add"))
    response = superuser_client.get(url("change", row.pk))
    assert response.status_code == 200
    assertContains(response, "Isi uji.<br>Baris kedua.")
    assertNotContains(response, 'name="_save"')


@pytest.mark.parametrize("view", ["add", "change", "delete"])
def test_nobody_adds_changes_or_deletes_a_reminder(superuser_client, view):
    (row,) = make_reminders(1)
    args = () if view == "add" else (row.pk,)
    response = superuser_client.post(url(view, *args), {"subject": "diubah", "post": "yes"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.subject != "diubah"
    assert Reminder.objects.count() == 1


def test_the_delete_action_is_not_offered(superuser_client):
    make_reminders(1)
    response = superuser_client.get(url("changelist"))
    assertNotContains(response, 'value="delete_selected"')


def test_programme_staff_read_the_log(programme_staff_client):
    """Needs "reminders.view_reminder" in ROLE_PERMISSIONS[Role.STAFF] (bandung_iso/roles.py)."""
    (row,) = make_reminders(1)
    response = programme_staff_client.get(url("changelist"))
    assertContains(response, row.subject)
    assert programme_staff_client.get(url("change", row.pk)).status_code == 200


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.REPRESENTATIVE])
def test_auditors_and_representatives_do_not(client, roles, role):
    user = RoleUserFactory(role=role, agencies=[AgencyFactory()] if role == Role.REPRESENTATIVE else None)
    (row,) = make_reminders(1)
    client.force_login(user)
    assert client.get(url("changelist")).status_code == 403
    assert client.get(url("change", row.pk)).status_code == 403
    assertNotContains(client.get(reverse("admin:index")), url("changelist"))


def test_a_view_permission_alone_does_not_open_the_log_outside_programme_staff(client, roles):
    from django.contrib.auth.models import Permission

    auditor = RoleUserFactory(role=Role.AUDITOR)
    auditor.user_permissions.add(Permission.objects.get(codename="view_reminder"))
    (row,) = make_reminders(1)
    client.force_login(auditor)
    assert client.get(url("change", row.pk)).status_code == 403


def test_the_log_searches_by_username(superuser_client):
    rows = make_reminders(3)
    response = superuser_client.get(url("changelist"), {"q": rows[1].recipient.username})
    assert list(response.context["cl"].result_list) == [rows[1]]


@pytest.mark.parametrize("count", [3, 30])
def test_the_changelist_query_count_does_not_grow_with_rows(superuser_client, django_assert_max_num_queries, count):
    make_reminders(count)
    with django_assert_max_num_queries(6):
        response = superuser_client.get(url("changelist"), {"sent_on__year": str(ON.year)})
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == count
