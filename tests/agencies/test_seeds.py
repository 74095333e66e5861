"""Seed records and the Seeder: a record the loader wrote once is the staff's from then on."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies.models import Agency, SeedRecord
from agencies.seeds import DataFileError, FieldChange, LoadedAs, LoadReport, Seeder, differences, dump, dump_values
from certifications.models import Programme
from tests.assertions import assert_violates
from tests.factories import AgencyFactory, CertificateFactory

pytestmark = pytest.mark.django_db


def seed(**values) -> SeedRecord:
    return SeedRecord(model="agencies.agency", key="dinas-a", object_pk=1, written_at=timezone.now(), **values)


def test_a_key_has_one_seed_record_said_by_full_clean():
    seed().save()
    with pytest.raises(ValidationError, match="Kunci ini sudah punya rekaman muatan awal."):
        seed().full_clean()


def test_a_key_has_one_seed_record_said_by_the_database():
    seed().save()
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        seed().save()
    assert_violates(raised.value, "seedrecord_key_unique", "agencies_seedrecord.model, agencies_seedrecord.key")
    assert SeedRecord.objects.count() == 1


def test_str_names_model_and_key():
    assert str(seed()) == "agencies.agency dinas-a"


def test_dump_reads_every_column_as_json_stores_it():
    certificate = CertificateFactory(issued_on=datetime.date(2012, 12, 31))
    dumped = dump(certificate)
    assert dumped["agency"] == certificate.agency_id
    assert dumped["issued_on"] == "2012-12-31"
    assert "id" not in dumped
    assert set(dumped) >= {"number", "status", "scope", "notes", "source"}


def test_the_files_values_are_read_as_they_will_be_stored():
    agency = AgencyFactory()
    assert dump_values(Agency, {"parent": agency, "name_confirmed": True}) == {
        "parent": agency.pk,
        "name_confirmed": True,
    }
    # A number written as text in the reference file is the number it will be stored as.
    assert dump_values(Programme, {"target_agencies": "83", "deadline": datetime.date(2013, 12, 31)}) == {
        "target_agencies": 83,
        "deadline": "2013-12-31",
    }


def test_differences_ignore_a_column_added_since():
    assert differences({"name": "A", "notes": ""}, {"name": "B", "notes": "", "is_active": True}) == [
        FieldChange("name", "A", "B")
    ]


def test_a_long_value_is_shortened_in_the_report():
    assert str(FieldChange("notes", "x" * 100, "")) == f"notes: '{'x' * 55}...' -> ''"


def sync(seeder: Seeder, slug: str = "dinas-a", **values):
    values = {"slug": slug, "name": "Dinas A", "kind": "department", "source": "Berkas", **values}
    return seeder.sync(
        Agency, key=slug, values=values, lookups=[{"slug": slug}, LoadedAs(slug=slug)], label=slug, where="baris 2"
    )


def rerun(reset: bool = False, **values):
    report = LoadReport()
    return sync(Seeder(report, reset=reset), **values), report


def test_a_record_is_created_once_and_then_left_alone():
    agency, report = rerun()
    assert report.counts == {("SKPD", "created"): 1}
    assert SeedRecord.objects.get().object_pk == agency.pk
    again, report = rerun()
    assert again == agency
    assert report.counts == {("SKPD", "unchanged"): 1}
    assert not report.entries


def test_the_file_updates_a_record_nobody_changed():
    agency, _report = rerun()
    updated, report = rerun(notes="Baru")
    assert (updated.pk, Agency.objects.get().notes) == (agency.pk, "Baru")
    assert report.listed("updated")[0].changes == (FieldChange("notes", "", "Baru"),)
    assert SeedRecord.objects.get().values["notes"] == "Baru"


def test_a_record_a_person_changed_is_kept_and_the_file_change_not_applied():
    agency, _report = rerun()
    Agency.objects.filter(pk=agency.pk).update(name="Dinas B", slug="dinas-b")
    kept, report = rerun(notes="Baru")
    assert kept.pk == agency.pk
    assert Agency.objects.values_list("name", "slug", "notes").get() == ("Dinas B", "dinas-b", "")
    [entry] = report.listed("kept_changed")
    assert entry.changes == (FieldChange("name", "Dinas A", "Dinas B"), FieldChange("slug", "dinas-a", "dinas-b"))


def test_reset_overwrites_with_the_files_values():
    agency, _report = rerun()
    Agency.objects.filter(pk=agency.pk).update(name="Dinas B")
    _agency, report = rerun(reset=True)
    assert Agency.objects.get().name == "Dinas A"
    assert report.listed("overwritten")[0].changes == (FieldChange("name", "Dinas B", "Dinas A"),)
    assert rerun()[1].counts == {("SKPD", "unchanged"): 1}


def test_a_deleted_record_is_not_recreated_unless_reset():
    rerun()[0].delete()
    gone, report = rerun()
    assert gone is None
    assert not Agency.objects.exists()
    assert report.counts == {("SKPD", "kept_deleted"): 1}
    back, report = rerun(reset=True)
    assert report.counts == {("SKPD", "created"): 1}
    assert SeedRecord.objects.get().object_pk == back.pk


def test_without_seed_records_a_record_equal_to_the_file_is_adopted():
    agency = AgencyFactory(slug="dinas-a", name="Dinas A", kind="department", source="Berkas", name_confirmed=False)
    adopted, report = rerun()
    assert adopted == agency
    assert (report.counts, report.adopted) == ({("SKPD", "unchanged"): 1}, 1)
    assert SeedRecord.objects.get().values == dump(agency)


def test_without_seed_records_a_record_unlike_the_file_is_kept_and_stays_kept():
    AgencyFactory(slug="dinas-a", name="Dinas Lain", kind="department", source="Berkas", name_confirmed=False)
    for _ in range(2):
        _agency, report = rerun()
        assert report.listed("kept_changed")[0].changes == (FieldChange("name", "Dinas A", "Dinas Lain"),)
    assert Agency.objects.get().name == "Dinas Lain"


def test_without_seed_records_the_history_finds_a_renamed_record_and_a_deleted_one():
    agency, _report = rerun()
    SeedRecord.objects.all().delete()
    agency.slug = "dinas-b"
    agency.save()  # a person's save: no reason in its history
    assert rerun()[0] == agency
    SeedRecord.objects.all().delete()
    agency.delete()
    gone, report = rerun()
    assert (gone, Agency.objects.count()) == (None, 0)
    assert report.counts == {("SKPD", "kept_deleted"): 1}


def test_a_key_cannot_take_a_record_seeded_under_another():
    """A new row whose slug staff gave to an agency loaded under another slug: the clash is named."""
    agency, _report = rerun()
    Agency.objects.filter(pk=agency.pk).update(slug="dinas-b")
    with pytest.raises(DataFileError, match="baris 2: slug: Sudah ada SKPD dengan slug ini."):
        sync(Seeder(LoadReport()), slug="dinas-b", name="Dinas Baru")
