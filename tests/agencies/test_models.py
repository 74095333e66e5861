"""The Agency model: its constraints (friendly in full_clean, enforced by the database), queries and text."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from agencies.models import Agency, AgencyEnd, FormerName, FormerSlug, SeedRecord
from tests.assertions import assert_violates
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

BLANK = "Field ini tidak boleh kosong."  # Django's own message, in Indonesian
INVALID_CHOICE = "bukan pilihan yang valid"  # Django's own message, in Indonesian
D = datetime.date
CEASED_NEEDS_BOTH = "Isi tanggal dan cara berakhirnya bersama-sama, atau kosongkan keduanya."
MERGED_INTO_ONLY_WHEN_MERGED = "SKPD tujuan peleburan hanya diisi bila SKPD ini dilebur."


# Each case builds the bad row (unsaved, or saved and then made bad) and names the field the
# friendly message belongs on, the message, and the database constraint that refuses it.


def duplicate_name_other_case():
    AgencyFactory(name="Dinas Kesehatan")
    return AgencyFactory.build(name="DINAS kesehatan")


def duplicate_name_same_case():
    AgencyFactory(name="Dinas Kesehatan")
    return AgencyFactory.build(name="Dinas Kesehatan")


def duplicate_slug():
    AgencyFactory(slug="dinas-kesehatan")
    return AgencyFactory.build(slug="dinas-kesehatan")


def own_parent():
    agency = AgencyFactory()
    agency.parent = agency
    return agency


def merged_into_itself():
    agency = AgencyFactory(ceased_on=D(2016, 12, 31), ceased_how=AgencyEnd.MERGED)
    agency.merged_into = agency
    return agency


def duplicate_former_name():
    agency = AgencyFactory()
    FormerName.objects.create(
        agency=agency, name="Dinas Pendapatan Daerah", used_until=D(2013, 6, 1), source="Perda 05/2013"
    )
    return FormerName(agency=agency, name="DINAS pendapatan daerah", used_until=D(2012, 1, 1), source="Perda")


CASES = [
    pytest.param(
        duplicate_name_other_case,
        NON_FIELD_ERRORS,
        "Sudah ada SKPD dengan nama ini.",
        "agency_name_unique",
        None,
        id="agency_name_unique-case-insensitive",
    ),
    pytest.param(
        duplicate_name_same_case,
        NON_FIELD_ERRORS,
        "Sudah ada SKPD dengan nama ini.",
        "agency_name_unique",
        None,
        id="agency_name_unique",
    ),
    pytest.param(
        duplicate_slug,
        "slug",
        "Sudah ada SKPD dengan slug ini.",
        "agency_slug_unique",
        "agencies_agency.slug",
        id="agency_slug_unique",
    ),
    pytest.param(
        lambda: AgencyFactory.build(kind="kelurahan"),
        "kind",
        INVALID_CHOICE,
        "agency_kind_valid",
        None,
        id="agency_kind_valid",
    ),
    pytest.param(
        lambda: AgencyFactory.build(kind="dinas"),  # the value stored before migration 0004
        "kind",
        INVALID_CHOICE,
        "agency_kind_valid",
        None,
        id="agency_kind_valid_old_value",
    ),
    pytest.param(
        own_parent,
        "parent",
        "Sebuah SKPD tidak dapat menjadi induk dirinya sendiri.",
        "agency_not_own_parent",
        None,
        id="agency_not_own_parent",
    ),
    pytest.param(
        lambda: AgencyFactory.build(source=""),
        "source",
        "Setiap SKPD wajib mencatat sumbernya.",
        "agency_has_source",
        None,
        id="agency_has_source",
    ),
    pytest.param(lambda: AgencyFactory.build(name=""), "name", BLANK, "agency_has_name", None, id="agency_has_name"),
    pytest.param(
        lambda: AgencyFactory.build(source="  \n "),
        "source",
        "Setiap SKPD wajib mencatat sumbernya.",
        "agency_has_source",
        None,
        id="agency_has_source-white-space",
    ),
    pytest.param(
        lambda: AgencyFactory.build(certification_reported="no"),
        "certification_reported",
        INVALID_CHOICE,
        "agency_certification_reported_valid",
        None,
        id="agency_certification_reported_valid",
    ),
    pytest.param(
        lambda: AgencyFactory.build(ceased_on=D(2016, 12, 31)),
        "ceased_how",
        CEASED_NEEDS_BOTH,
        "agency_ceased_with_date_and_how",
        None,
        id="agency_ceased_with_date_and_how-no-how",
    ),
    pytest.param(
        lambda: AgencyFactory.build(ceased_how=AgencyEnd.DISSOLVED),
        "ceased_on",
        CEASED_NEEDS_BOTH,
        "agency_ceased_with_date_and_how",
        None,
        id="agency_ceased_with_date_and_how-no-date",
    ),
    pytest.param(
        lambda: AgencyFactory.build(merged_into=AgencyFactory()),
        "merged_into",
        MERGED_INTO_ONLY_WHEN_MERGED,
        "agency_merged_into_only_when_merged",
        None,
        id="agency_merged_into_only_when_merged",
    ),
    pytest.param(
        merged_into_itself,
        "merged_into",
        "Sebuah SKPD tidak dapat dilebur ke dirinya sendiri.",
        "agency_not_merged_into_itself",
        None,
        id="agency_not_merged_into_itself",
    ),
    pytest.param(
        duplicate_former_name,
        NON_FIELD_ERRORS,
        "Nama lama ini sudah tercatat untuk SKPD ini.",
        "formername_unique_per_agency",
        None,
        id="formername_unique_per_agency",
    ),
    pytest.param(
        lambda: FormerName(agency=AgencyFactory(), name=" ", used_until=D(2016, 1, 1), source="Perda"),
        "name",
        "Nama lama wajib diisi.",
        "formername_has_name",
        None,
        id="formername_has_name",
    ),
    pytest.param(
        lambda: FormerName(agency=AgencyFactory(), name="Dinas Lama", used_until=D(2016, 1, 1), source=""),
        "source",
        "Setiap SKPD wajib mencatat sumbernya.",
        "formername_has_source",
        None,
        id="formername_has_source",
    ),
]


def test_every_named_constraint_is_covered():
    covered = {param.values[3] for param in CASES}
    named = {
        constraint.name
        for model in apps.get_app_config("agencies").get_models()
        for constraint in model._meta.constraints
        # Their constraints have tests of their own: tests/agencies/test_seeds.py, test_former_slugs.py.
        if model not in (SeedRecord, FormerSlug)
    }
    assert named - covered == set()


@pytest.mark.parametrize(("build", "field", "message", "constraint", "sqlite_unique"), CASES)
def test_full_clean_gives_the_friendly_message_on_the_field(build, field, message, constraint, sqlite_unique):
    agency = build()
    with pytest.raises(ValidationError) as excinfo:
        agency.full_clean()
    assert message in " ".join(excinfo.value.message_dict.get(field, [])), excinfo.value.message_dict


@pytest.mark.parametrize(("build", "field", "message", "constraint", "sqlite_unique"), CASES)
def test_database_refuses_the_row(build, field, message, constraint, sqlite_unique):
    agency = build()
    rows = Agency.objects.count()
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        agency.save()
    assert_violates(excinfo.value, constraint, sqlite_unique)
    assert Agency.objects.count() == rows  # nothing written, and the connection is still usable


def test_a_valid_agency_passes_full_clean_and_saves():
    parent = AgencyFactory(name="Dinas Kesehatan")
    agency = AgencyFactory.build(name="Puskesmas Ahmad Yani", parent=parent, kind=Agency.Kind.HEALTH_CENTRE)
    agency.full_clean()
    agency.save()
    assert parent.children.get() == agency


def test_an_existing_agency_does_not_collide_with_itself():
    agency = AgencyFactory(name="Dinas Kesehatan", slug="dinas-kesehatan")
    agency.name = "DINAS KESEHATAN"
    agency.full_clean()  # must not raise: the only row with that name is this one
    agency.save()
    assert Agency.objects.get().name == "DINAS KESEHATAN"


def test_a_blank_looking_source_is_refused_by_full_clean():
    agency = AgencyFactory.build(source="   ")
    with pytest.raises(ValidationError) as excinfo:
        agency.full_clean()
    assert excinfo.value.message_dict["source"] == ["Setiap SKPD wajib mencatat sumbernya."]


# Queries ---------------------------------------------------------------------------------


def test_unconfirmed():
    AgencyFactory(is_active=True, name_confirmed=True)
    AgencyFactory(is_active=False, name_confirmed=True)
    unconfirmed = AgencyFactory(is_active=True, name_confirmed=False)
    assert set(Agency.objects.unconfirmed()) == {unconfirmed}


# Text and options ------------------------------------------------------------------------


def test_str_is_the_name():
    assert str(AgencyFactory.build(name="Dinas Kesehatan")) == "Dinas Kesehatan"


def test_meta():
    assert Agency._meta.ordering == ["name"]
    assert "verbose_name" in Agency._meta.original_attrs
    assert str(Agency._meta.verbose_name) == "SKPD"


def test_ordered_by_name():
    AgencyFactory(name="Kecamatan Coblong")
    AgencyFactory(name="Badan Kepegawaian Daerah")
    assert [a.name for a in Agency.objects.all()] == ["Badan Kepegawaian Daerah", "Kecamatan Coblong"]


def test_a_loop_of_parents_is_refused():
    """A under B under A: no CHECK can see across rows, so clean() walks the tree."""
    top = AgencyFactory(name="Dinas Kesehatan")
    middle = AgencyFactory(name="UPTD Uji", parent=top)
    bottom = AgencyFactory(name="Puskesmas Uji", parent=middle)
    top.parent = bottom
    with pytest.raises(ValidationError) as excinfo:
        top.full_clean()
    assert "berada di bawah SKPD ini sendiri" in " ".join(excinfo.value.message_dict["parent"])
    top.parent = None
    bottom.full_clean()  # the plain chain stays valid
