"""Reminder: one per person per day, held by the database and reported by full_clean."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from reminders.models import ONE_PER_DAY, Reminder
from tests.assertions import assert_violates
from tests.factories import UserFactory

from .conftest import ON, days

pytestmark = pytest.mark.django_db


def reminder(user, sent_on=ON, **fields) -> Reminder:
    return Reminder(
        recipient=user,
        sent_on=sent_on,
        subject=fields.pop("subject", "[Portal ISO] 1 hal perlu tindakan (2026-11-25)"),
        body=fields.pop("body", "Isi uji."),
        item_count=fields.pop("item_count", 1),
    )


def test_full_clean_refuses_a_second_reminder_the_same_day():
    user = UserFactory()
    reminder(user).save()
    with pytest.raises(ValidationError) as excinfo:
        reminder(user).full_clean()
    assert excinfo.value.message_dict == {NON_FIELD_ERRORS: [str(ONE_PER_DAY)]}


def test_the_database_refuses_a_second_reminder_the_same_day():
    user = UserFactory()
    reminder(user).save()
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        reminder(user).save()
    assert_violates(
        excinfo.value,
        "reminder_one_per_recipient_per_day",
        "reminders_reminder.recipient_id, reminders_reminder.sent_on",
    )
    assert Reminder.objects.count() == 1  # nothing written, and the connection is still usable


def test_another_day_or_another_person_is_fine():
    user, other = UserFactory(), UserFactory()
    reminder(user).save()
    for row in (reminder(user, sent_on=days(1)), reminder(other)):
        row.full_clean()
        row.save()
    assert Reminder.objects.count() == 3


def test_str_names_the_person_and_the_day():
    assert str(reminder(UserFactory(username="wakil_a"))) == "wakil_a — 2026-11-25"
