"""Each user's mail language (reminders.MailPreference): the rule, and the admin where people set it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from bandung_iso.roles import Role
from reminders.models import MailPreference, language_of
from tests.factories import AgencyFactory, RoleUserFactory, UserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:reminders_mailpreference_changelist")
ADD = reverse("admin:reminders_mailpreference_add")


def test_without_a_row_mails_are_in_the_portals_language(settings):
    assert language_of(UserFactory()) == settings.LANGUAGE_CODE == "id"


def test_an_unknown_language_is_refused_by_the_form_rule_and_by_the_database():
    preference = MailPreference(user=UserFactory(), language="fr")
    with pytest.raises(ValidationError) as excinfo:
        preference.full_clean()
    assert "language" in excinfo.value.message_dict
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        preference.save()
    assert "mail_preference_language_known" in str(excinfo.value) or "CHECK" in str(excinfo.value)


def test_a_representative_sets_their_own_language_and_sees_nobody_elses(client, roles):
    representative = RoleUserFactory(username="wakil", role=Role.REPRESENTATIVE, agencies=[AgencyFactory()])
    other = MailPreference.objects.create(user=UserFactory(username="lain"), language="en")
    client.force_login(representative)
    response = client.post(ADD, {"language": "en"})
    assert response.status_code == 302
    assert language_of(MailPreference.objects.get(user=representative).user) == "en"
    # Adding it again changes it: one row per person. Others' rows are out of reach.
    assert client.post(ADD, {"language": "id"}).status_code == 302
    assert MailPreference.objects.get(user=representative).language == "id"
    listed = client.get(CHANGELIST).context["cl"].result_list
    assert [row.user.username for row in listed] == ["wakil"]
    assert client.get(reverse("admin:reminders_mailpreference_change", args=[other.pk])).status_code == 403


def test_programme_staff_set_anyones_language(client, roles):
    auditor = RoleUserFactory(username="auditor", role=Role.AUDITOR)
    client.force_login(RoleUserFactory(username="staf", role=Role.STAFF))
    response = client.post(ADD, {"user": auditor.pk, "language": "en"})
    assert response.status_code == 302
    assert MailPreference.objects.get(user=auditor).language == "en"
