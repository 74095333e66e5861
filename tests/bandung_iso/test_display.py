"""People and stored values as the back office shows them (``bandung_iso.display``)."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from agencies.models import Agency
from bandung_iso.display import field_value, person_name
from certifications.models import Finding
from tests.factories import AgencyFactory, UserFactory


def field(model, name):
    return model._meta.get_field(name)


def test_a_person_is_named_by_full_name():
    user = UserFactory.build(username="bsantoso", first_name="Budi", last_name="Santoso")
    assert person_name(user) == "Budi Santoso"


def test_the_username_only_where_no_full_name_is_set():
    assert person_name(UserFactory.build(username="bsantoso", first_name="", last_name="")) == "bsantoso"
    assert person_name(UserFactory.build(username="bsantoso", first_name=" ", last_name="")) == "bsantoso"
    assert person_name(None) == ""


def test_the_template_filter_names_people_the_same_way():
    page = Template("{% load person_name from people %}{{ user|person_name }}").render(
        Context({"user": UserFactory.build(username="rina", first_name="Rina", last_name="Lestari")})
    )
    assert page == "Rina Lestari"


def test_a_choice_shows_its_label_in_the_active_language():
    kind = field(Agency, "kind")
    assert field_value(kind, Agency.Kind.UNKNOWN) == "Belum diketahui"
    assert field_value(kind, Agency.Kind.DEPARTMENT) == "Dinas"
    with translation.override("en"):
        assert field_value(kind, Agency.Kind.UNKNOWN) == "Not yet known"


def test_a_code_no_longer_among_the_choices_is_shown_as_stored():
    assert field_value(field(Agency, "kind"), "tidak_diketahui") == "tidak_diketahui"


def test_a_boolean_reads_ya_or_tidak():
    confirmed = field(Agency, "name_confirmed")
    assert (field_value(confirmed, True), field_value(confirmed, False)) == ("ya", "tidak")


@pytest.mark.django_db
def test_a_foreign_key_shows_the_row_and_a_user_their_name():
    parent = AgencyFactory(name="Sekretariat Daerah")
    assert field_value(field(Agency, "parent"), parent) == "Sekretariat Daerah"
    auditor = UserFactory(username="bsantoso", first_name="Budi", last_name="Santoso")
    assert field_value(field(Finding, "verified_by"), auditor) == "Budi Santoso"


def test_a_date_in_the_locales_format():
    closed_on = field(Finding, "closed_on")
    day = datetime.date(2012, 4, 2)
    assert field_value(closed_on, day) == "2 April 2012"
    with translation.override("en"):
        assert field_value(closed_on, day) == "April 2, 2012"


def test_a_moment_in_local_time():
    moment = datetime.datetime(2012, 4, 1, 17, 30, tzinfo=datetime.UTC)  # 2 April, 00.30 in Jakarta
    assert field_value(Agency.history.model._meta.get_field("history_date"), moment) == "2 April 2012, 0.30"


@pytest.mark.parametrize("empty", [None, ""])
def test_empty_reads_kosong(empty):
    assert field_value(field(Agency, "notes"), empty) == "(kosong)"
    assert field_value(field(Agency, "parent"), None) == "(kosong)"
    with translation.override("en"):
        assert field_value(field(Agency, "notes"), empty) == "(empty)"


def test_many_to_many_lists_each_by_name():
    representatives = field(Agency, "quality_representatives")
    users = [
        UserFactory.build(username="rina", first_name="Rina", last_name="Lestari"),
        UserFactory.build(username="anon", first_name="", last_name=""),
    ]
    assert field_value(representatives, users) == "Rina Lestari, anon"
    assert field_value(representatives, []) == "(kosong)"
