"""The stored timeline follows every write in the writer's own transaction (certifications.timeline_store)."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from agencies.models import AgencyStatus
from certifications import selectors
from certifications.models import StatusStretch
from tests.factories import AgencyFactory, CertificateFactory, StandardFactory

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = D(2013, 6, 1)


def status(agency) -> str:
    return selectors.with_status(on=DAY).get(pk=agency.pk).status


def test_a_new_certificate_certifies_its_agency_at_once():
    agency = AgencyFactory()
    assert status(agency) == AgencyStatus.UNKNOWN and not StatusStretch.objects.exists()
    CertificateFactory(agency=agency)
    assert status(agency) == AgencyStatus.CERTIFIED


def test_a_rolled_back_write_leaves_the_timeline_as_it_was():
    certificate = CertificateFactory()
    rows = list(StatusStretch.objects.values_list("starts_on", "ends_on", "status"))
    with pytest.raises(RuntimeError), transaction.atomic():
        certificate.status, certificate.status_changed_on, certificate.status_reason = "withdrawn", DAY, "Uji"
        certificate.save()
        assert status(certificate.agency) == AgencyStatus.WITHDRAWN  # the writer sees its own write
        raise RuntimeError
    assert list(StatusStretch.objects.values_list("starts_on", "ends_on", "status")) == rows


def test_a_certificate_moved_to_another_agency_changes_both_timelines():
    first, second = AgencyFactory(), AgencyFactory()
    certificate = CertificateFactory(agency=first)
    certificate.agency = second
    certificate.save()
    assert (status(first), status(second)) == (AgencyStatus.UNKNOWN, AgencyStatus.CERTIFIED)
    assert not StatusStretch.objects.filter(agency=first).exists()


def test_deleting_the_last_certificate_empties_the_timeline():
    certificate = CertificateFactory()
    certificate.delete()
    assert not StatusStretch.objects.exists()


def test_a_standard_ending_earlier_ends_every_holder_certification():
    standard = StandardFactory(certificates_valid_until=None)
    holders = [CertificateFactory(standard=standard).agency for _ in range(2)]
    standard.certificates_valid_until = D(2013, 1, 1)
    standard.save()
    assert {status(agency) for agency in holders} == {AgencyStatus.EXPIRED}


def test_a_standard_saved_unchanged_rebuilds_nothing(django_assert_num_queries):
    standard = CertificateFactory().standard
    standard.title = "Judul baru"
    # The end of validity read before, the UPDATE, the dashboard figures' change row; no rebuild.
    with django_assert_num_queries(3):
        standard.save()


def test_rebuild_timeline_repairs_sql_written_outside_django(capsys):
    certificate = CertificateFactory()
    with connection.cursor() as cursor:  # as psql would: no signal, no hook
        cursor.execute(
            "UPDATE certifications_certificate SET issued_on = %s WHERE id = %s", [D(2014, 1, 1), certificate.pk]
        )
    assert status(certificate.agency) == AgencyStatus.CERTIFIED  # what the hooks cannot see
    call_command("rebuild_timeline", "--dry-run")
    assert "1 SKPD dengan linimasa yang berubah" in capsys.readouterr().out
    assert status(certificate.agency) == AgencyStatus.CERTIFIED
    call_command("rebuild_timeline")
    assert status(certificate.agency) == AgencyStatus.NOT_YET  # its certificate now dates from 2014
    assert "dihitung ulang" in capsys.readouterr().out


def test_invalidate_public_pages_rebuilds_the_timeline_too():
    certificate = CertificateFactory()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM certifications_statusstretch")
    call_command("invalidate_public_pages", verbosity=0)
    assert status(certificate.agency) == AgencyStatus.CERTIFIED
