"""Migrations 0007 (the day each finding was raised; stops on a finding due before it), 0009 (returned
findings) and 0010 (the timelines of agencies holding a certificate without an expiry).

Each test migrates the test database itself (real schema, real CHECK) and leaves it migrated
to the latest state for the tests after it.
"""

import datetime

import pytest
from django.db import IntegrityError, transaction

from tests.migrations import migrate

BEFORE = ("certifications", "0006_certificate_interpretation")
AFTER = ("certifications", "0007_finding_raised_on")
D = datetime.date


def add_audit(apps, *, starts_on, ends_on):
    agency, _ = apps.get_model("agencies", "Agency").objects.get_or_create(
        slug="skpd-uji-migrasi", defaults={"name": "SKPD uji migrasi", "kind": "department", "source": "uji migrasi"}
    )
    return apps.get_model("certifications", "Audit").objects.create(
        agency=agency, kind="internal", starts_on=starts_on, ends_on=ends_on, status="completed"
    )


def add_finding(apps, audit, *, due_on, grade="minor"):
    finding = apps.get_model("certifications", "Finding").objects.create(
        audit=audit, clause="4.2.3", grade=grade, description="uji", status="open", due_on=due_on
    )
    apps.get_model("certifications", "HistoricalFinding").objects.create(
        id=finding.pk,
        audit_id=audit.pk,
        clause="4.2.3",
        grade=grade,
        description="uji",
        status="open",
        due_on=due_on,
        history_date=datetime.datetime(2026, 1, 12, tzinfo=datetime.UTC),
        history_type="+",
    )
    return finding


def test_findings_and_their_history_take_the_audits_last_day(at_latest):
    old = migrate([BEFORE])
    three_days = add_audit(old, starts_on=D(2026, 1, 10), ends_on=D(2026, 1, 12))
    one_day = add_audit(old, starts_on=D(2026, 3, 2), ends_on=None)
    first = add_finding(old, three_days, due_on=D(2026, 2, 11))
    second = add_finding(old, one_day, due_on=None)

    new = migrate([AFTER])

    findings = new.get_model("certifications", "Finding").objects
    history = new.get_model("certifications", "HistoricalFinding").objects
    assert findings.get(pk=first.pk).raised_on == D(2026, 1, 12)
    assert findings.get(pk=second.pk).raised_on == D(2026, 3, 2)
    assert dict(history.values_list("id", "raised_on")) == {first.pk: D(2026, 1, 12), second.pk: D(2026, 3, 2)}
    # The new constraint holds from here on.
    with pytest.raises(IntegrityError), transaction.atomic():
        findings.filter(pk=first.pk).update(due_on=D(2026, 1, 11))


def test_a_finding_due_before_its_audit_ended_stops_the_migration_by_name(at_latest):
    old = migrate([BEFORE])
    audit = add_audit(old, starts_on=D(2026, 1, 10), ends_on=D(2026, 1, 12))
    finding = add_finding(old, audit, due_on=D(2026, 1, 11))

    with pytest.raises(RuntimeError, match=rf"finding #{finding.pk}: due 2026-01-11 before .* 2026-01-12"):
        migrate([AFTER])

    # Nothing half-done: the finding is as it was, and once staff correct it the migration runs.
    findings = old.get_model("certifications", "Finding").objects
    assert findings.get(pk=finding.pk).due_on == D(2026, 1, 11)
    findings.filter(pk=finding.pk).update(due_on=D(2026, 2, 11))
    new = migrate([AFTER])
    assert new.get_model("certifications", "Finding").objects.get(pk=finding.pk).raised_on == D(2026, 1, 12)


# --- 0009: Finding.returned, from the history --------------------------------------------------

RETURNED = ("certifications", "0009_finding_returned")


def test_open_findings_that_once_had_an_action_proposed_are_marked_returned(at_latest):
    old = migrate([BEFORE])
    audit = add_audit(old, starts_on=D(2026, 1, 10), ends_on=D(2026, 1, 12))
    sent_back = add_finding(old, audit, due_on=D(2026, 3, 1))
    never_answered = add_finding(old, audit, due_on=D(2026, 3, 1))
    history = old.get_model("certifications", "HistoricalFinding").objects
    # sent_back's history: opened, answered, then returned to open.
    history.create(
        id=sent_back.pk,
        audit_id=audit.pk,
        clause="4.2.3",
        grade="minor",
        description="uji",
        status="action_proposed",
        corrective_action="Diperbaiki.",
        action_proposed_on=D(2026, 2, 1),
        due_on=D(2026, 3, 1),
        history_date=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC),
        history_type="~",
    )

    new = migrate([RETURNED])

    findings = new.get_model("certifications", "Finding").objects
    assert dict(findings.values_list("pk", "returned")) == {sent_back.pk: True, never_answered.pk: False}
    # The constraint holds from here on: an answered finding is not "returned".
    with pytest.raises(IntegrityError), transaction.atomic():
        findings.filter(pk=sent_back.pk).update(
            status="action_proposed", corrective_action="x", action_proposed_on=D(2026, 2, 2)
        )


# Migration 0010: an agency holding a certificate without an expiry has an unknown validity ---------

VALIDITY_BEFORE = ("certifications", "0009_finding_returned")
VALIDITY_AFTER = ("certifications", "0010_certificate_validity_unknown")
LAST = D(9999, 12, 31)


def add_certificate(apps, slug, *, expires_on):
    agency = apps.get_model("agencies", "Agency").objects.create(
        slug=slug, name=slug, kind="department", source="uji migrasi"
    )
    standard, _ = apps.get_model("certifications", "Standard").objects.get_or_create(
        code="ISO 9001:2008", defaults={"title": "ISO 9001:2008", "source": "uji", "certificates_valid_until": None}
    )
    apps.get_model("certifications", "Certificate").objects.create(
        agency=agency,
        standard=standard,
        issued_on=D(2013, 1, 2),
        issued_precision="day",
        expires_on=expires_on,
        expires_precision="day" if expires_on else "unknown",
        source="uji migrasi",
    )
    return agency


def stretch_rows(apps, agency):
    rows = apps.get_model("certifications", "StatusStretch").objects.filter(agency=agency.pk).order_by("starts_on")
    return list(rows.values_list("starts_on", "ends_on", "status"))


def test_the_timelines_of_agencies_without_an_expiry_are_rebuilt_and_others_left(at_latest):
    old = migrate([VALIDITY_BEFORE])
    open_ended = add_certificate(old, "tanpa-kedaluwarsa", expires_on=None)
    dated = add_certificate(old, "dengan-kedaluwarsa", expires_on=D(2016, 1, 1))
    stretches = old.get_model("certifications", "StatusStretch").objects
    # As the rule before this migration stored them (no signals run on historical models).
    stretches.create(agency_id=open_ended.pk, starts_on=D(1, 1, 1), ends_on=D(2013, 1, 1), status="not_yet")
    stretches.create(agency_id=open_ended.pk, starts_on=D(2013, 1, 2), ends_on=LAST, status="expired")
    # A deliberately odd row: only the agencies concerned are rebuilt.
    stretches.create(agency_id=dated.pk, starts_on=D(1, 1, 1), ends_on=LAST, status="not_yet")

    new = migrate([VALIDITY_AFTER])
    assert stretch_rows(new, open_ended) == [
        (D(1, 1, 1), D(2013, 1, 1), "not_yet"),
        (D(2013, 1, 2), LAST, "validity_unknown"),
    ]
    assert stretch_rows(new, dated) == [(D(1, 1, 1), LAST, "not_yet")]

    back = migrate([VALIDITY_BEFORE])
    assert stretch_rows(back, open_ended)[-1] == (D(2013, 1, 2), LAST, "expired")
