"""Migration 0004 moves the stored kinds to English and back, in the agencies and their history.

Each test migrates the test database itself (real schema, real CHECK) and leaves it migrated
to the latest state for the tests after it.
"""

import datetime
import importlib

import pytest
from django.db import IntegrityError, transaction

from agencies.models import AgencyKind
from portal.forms.agencies import KINDS_BY_PARAMETER
from portal.models import FigureChange
from tests.migrations import migrate

BEFORE = ("agencies", "0003_quality_representatives_and_history")
AFTER = ("agencies", "0004_english_kind_values")
migration = importlib.import_module("agencies.migrations.0004_english_kind_values")

OLD_VALUES = [
    "sekretariat",
    "dinas",
    "badan",
    "kantor",
    "inspektorat",
    "satpol_pp",
    "kecamatan",
    "rumah_sakit",
    "puskesmas",
    "lainnya",
    "tidak_diketahui",
]
EXPECTED = {
    "sekretariat": "secretariat",
    "dinas": "department",
    "badan": "board",
    "kantor": "office",
    "inspektorat": "inspectorate",
    "satpol_pp": "civil_service_police",
    "kecamatan": "district",
    "rumah_sakit": "hospital",
    "puskesmas": "health_centre",
    "lainnya": "other",
    "tidak_diketahui": "unknown",
}


def add_agencies(apps, kinds):
    """One agency per kind, each with a history row of the same kind; their slugs are the kinds."""
    agency_model = apps.get_model("agencies", "Agency")
    history_model = apps.get_model("agencies", "HistoricalAgency")
    for kind in kinds:
        agency = agency_model.objects.create(name=f"SKPD {kind}", slug=kind, kind=kind, source="uji migrasi")
        history_model.objects.create(
            id=agency.pk,
            name=agency.name,
            slug=agency.slug,
            kind=kind,
            source=agency.source,
            history_date=datetime.datetime(2013, 1, 1, tzinfo=datetime.UTC),
            history_type="+",
        )


def stored(apps):
    """{slug: kind} of the agencies and of their history rows."""
    agencies = dict(apps.get_model("agencies", "Agency").objects.values_list("slug", "kind"))
    history = dict(apps.get_model("agencies", "HistoricalAgency").objects.values_list("slug", "kind"))
    return agencies, history


def test_the_mapping_covers_every_kind_once():
    assert migration.OLD_TO_NEW == EXPECTED
    assert sorted(EXPECTED.values()) == sorted(AgencyKind.values)
    # An old link's ?jenis= word finds the agencies that had that kind before the migration.
    assert {word: kind.value for word, kind in KINDS_BY_PARAMETER.items()} == EXPECTED


def test_forward_maps_the_old_values_in_agencies_and_history(at_latest):
    old = migrate([BEFORE])
    add_agencies(old, OLD_VALUES)
    changes_before = FigureChange.objects.count()

    new = migrate([AFTER])

    expected = {slug: EXPECTED[slug] for slug in OLD_VALUES}
    assert stored(new) == (expected, expected)
    # The dashboard's figures, keyed by kind, are marked stale so the next request rebuilds them.
    assert FigureChange.objects.count() == changes_before + 1
    agency_model = new.get_model("agencies", "Agency")
    with pytest.raises(IntegrityError), transaction.atomic():
        agency_model.objects.create(name="SKPD lama", slug="lama", kind="dinas", source="uji")


def test_backward_restores_the_old_values_in_agencies_and_history(at_latest):
    new = migrate([AFTER])
    add_agencies(new, AgencyKind.values)

    old = migrate([BEFORE])

    expected = {new_value: old_value for old_value, new_value in EXPECTED.items()}
    assert stored(old) == (expected, expected)
    agency_model = old.get_model("agencies", "Agency")
    with pytest.raises(IntegrityError), transaction.atomic():
        agency_model.objects.create(name="SKPD baru", slug="baru", kind="department", source="uji")
