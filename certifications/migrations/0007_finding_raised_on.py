"""A finding's raise day, the day its due date and reminders count from.

Findings recorded before take their audit's last day (the closing meeting, where findings are
handed over), the rule the model applies to a finding entered without one. A finding due before
that day cannot meet the new constraint: the migration stops and names each one, so that staff
correct the due date (or the audit's dates) rather than have the migration guess.
"""

from django.db import migrations, models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce


def _last_day(audits):
    """The audit's last day for a row whose ``audit_id`` is the outer reference."""
    audit = audits.filter(id=OuterRef("audit_id"))
    return Coalesce(Subquery(audit.values("ends_on")[:1]), Subquery(audit.values("starts_on")[:1]))


def fill_raised_on(apps, schema_editor):
    Finding = apps.get_model("certifications", "Finding")
    HistoricalFinding = apps.get_model("certifications", "HistoricalFinding")
    Audit = apps.get_model("certifications", "Audit")
    HistoricalAudit = apps.get_model("certifications", "HistoricalAudit")
    Finding.objects.filter(raised_on__isnull=True).update(raised_on=_last_day(Audit.objects.all()))
    HistoricalFinding.objects.filter(raised_on__isnull=True).update(raised_on=_last_day(Audit.objects.all()))
    # The history of a finding whose audit was deleted since: the audit's own history keeps its days.
    HistoricalFinding.objects.filter(raised_on__isnull=True).update(
        raised_on=_last_day(HistoricalAudit.objects.order_by("-history_date"))
    )
    clashing = Finding.objects.filter(due_on__lt=F("raised_on")).values_list("pk", "due_on", "raised_on")
    if clashing:
        rows = "; ".join(f"finding #{pk}: due {due} before its audit's last day {raised}" for pk, due, raised in clashing)
        raise RuntimeError(
            "These findings are due before the day they were raised; correct their due dates in the admin, "
            f"then migrate again: {rows}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certifications", "0006_certificate_interpretation"),
    ]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="raised_on",
            field=models.DateField(null=True, blank=True),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="raised_on",
            field=models.DateField(null=True, blank=True),
        ),
        migrations.RunPython(fill_raised_on, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="finding",
            name="raised_on",
            field=models.DateField(
                blank=True,
                help_text="Hari temuan disampaikan kepada SKPD. Kosongkan bila pada hari terakhir audit.",
                verbose_name="tanggal disampaikan",
            ),
        ),
        migrations.AlterField(
            model_name="historicalfinding",
            name="raised_on",
            field=models.DateField(
                blank=True,
                help_text="Hari temuan disampaikan kepada SKPD. Kosongkan bila pada hari terakhir audit.",
                verbose_name="tanggal disampaikan",
            ),
        ),
        migrations.AddConstraint(
            model_name="finding",
            constraint=models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("raised_on")),
                name="finding_due_not_before_raised",
                violation_error_message="Batas waktu tidak boleh sebelum tanggal temuan disampaikan.",
            ),
        ),
    ]
