"""Keeps the stored timeline (``StatusStretch``) equal to the rule (``certifications.timeline.stretches``).

An agency's stretches are rebuilt inside the transaction of every write that can change them:
its certificates (saved, deleted, bulk-written), and a standard's end of validity. The
receivers are connected in ``CertificationsConfig.ready()``. The agency rows are locked first,
so two writers touching one agency rebuild one after the other, each from what the other
committed. A write made outside Django needs ``manage.py rebuild_timeline``.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from agencies.models import Agency
from bandung_iso.signals import records_changed

from .models import Certificate, Standard, StatusStretch
from .timeline import FACT_LOOKUPS, CertificateFacts, stretches

BATCH = 500  # ids per statement, under every engine's limit of parameters


def _facts(agency_ids: list[int], using: str | None) -> dict[int, list[CertificateFacts]]:
    found = defaultdict(list)
    rows = (
        Certificate.objects.using(using)
        .filter(agency__in=agency_ids)
        .order_by()
        .values_list("agency_id", *FACT_LOOKUPS)
    )
    for agency, *facts in rows:
        found[agency].append(CertificateFacts(*facts))
    return found


def rows_for(agency_id: int, certificates: list[CertificateFacts]) -> list[StatusStretch]:
    """The agency's timeline as unsaved rows (none for an agency without certificates)."""
    if not certificates:
        return []
    return [StatusStretch(agency_id=agency_id, **stretch.as_row()) for stretch in stretches(certificates)]


def rebuild(*, agencies: Iterable[int], using: str | None = None) -> int:
    """Rewrite the stretches of ``agencies`` (ids) from their certificates; returns the rows written."""
    ids = sorted(set(agencies))
    written = 0
    with transaction.atomic(using=using):
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            # The lock orders concurrent rebuilds of one agency (PostgreSQL; SQLite has one writer).
            list(Agency.objects.using(using).select_for_update().filter(pk__in=batch).values_list("pk"))
            facts = _facts(batch, using)
            StatusStretch.objects.using(using).filter(agency__in=batch).delete()
            rows = [row for agency in batch for row in rows_for(agency, facts.get(agency, []))]
            StatusStretch.objects.using(using).bulk_create(rows, batch_size=BATCH)
            written += len(rows)
    return written


def rebuild_all(*, using: str | None = None) -> int:
    """Every agency's stretches, for a write made outside Django; returns the rows written."""
    with transaction.atomic(using=using):
        StatusStretch.objects.using(using).all().delete()
        agencies = Certificate.objects.using(using).order_by().values_list("agency_id", flat=True).distinct()
        return rebuild(agencies=list(agencies), using=using)


def _holders(standard_ids: Iterable, using: str | None) -> list[int]:
    return list(
        Certificate.objects.using(using)
        .filter(standard__in=list(standard_ids))
        .order_by()
        .values_list("agency_id", flat=True)
        .distinct()
    )


# Receivers. A save remembers the agency (or the standard's end) the row had before, since a
# certificate moved to another agency changes both timelines.


def _remember_certificate(sender, instance, raw=False, using=None, **kwargs):
    instance._timeline_agency_before = (
        Certificate.objects.using(using).filter(pk=instance.pk).values_list("agency_id", flat=True).first()
        if instance.pk is not None and not raw
        else None
    )


def _certificate_saved(sender, instance, using=None, **kwargs):
    before = getattr(instance, "_timeline_agency_before", None)
    rebuild(agencies={instance.agency_id, before} - {None}, using=using)


def _certificate_deleted(sender, instance, using=None, **kwargs):
    rebuild(agencies=[instance.agency_id], using=using)


def _certificates_bulk_written(sender, using=None, pks=None, fields=None, **kwargs):
    if pks is None or fields is None or "agency" in fields or "agency_id" in fields:
        rebuild_all(using=using)  # the agencies written before are unknown here; rare
        return
    agencies = set()
    for start in range(0, len(pks), BATCH):
        agencies.update(
            Certificate.objects.using(using)
            .filter(pk__in=pks[start : start + BATCH])
            .values_list("agency_id", flat=True)
        )
    rebuild(agencies=agencies, using=using)


def _remember_standard(sender, instance, raw=False, using=None, **kwargs):
    instance._timeline_end_before = (
        Standard.objects.using(using).filter(pk=instance.pk).values_list("certificates_valid_until", flat=True).first()
        if instance.pk is not None and not raw
        else None
    )


def _standard_saved(sender, instance, created=False, using=None, **kwargs):
    if created or getattr(instance, "_timeline_end_before", None) == instance.certificates_valid_until:
        return
    rebuild(agencies=_holders([instance.pk], using), using=using)


def _standards_bulk_written(sender, using=None, pks=None, fields=None, **kwargs):
    if fields is not None and "certificates_valid_until" not in fields:
        return
    if pks is None:
        rebuild_all(using=using)
        return
    rebuild(agencies=_holders(pks, using), using=using)


def connect() -> None:
    """Called once from ``CertificationsConfig.ready()``."""
    pre_save.connect(_remember_certificate, sender=Certificate, dispatch_uid="timeline-certificate-before")
    post_save.connect(_certificate_saved, sender=Certificate, dispatch_uid="timeline-certificate-saved")
    post_delete.connect(_certificate_deleted, sender=Certificate, dispatch_uid="timeline-certificate-deleted")
    records_changed.connect(_certificates_bulk_written, sender=Certificate, dispatch_uid="timeline-certificates-bulk")
    pre_save.connect(_remember_standard, sender=Standard, dispatch_uid="timeline-standard-before")
    post_save.connect(_standard_saved, sender=Standard, dispatch_uid="timeline-standard-saved")
    records_changed.connect(_standards_bulk_written, sender=Standard, dispatch_uid="timeline-standards-bulk")
