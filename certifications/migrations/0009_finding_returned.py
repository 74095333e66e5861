"""Finding.returned: whose turn a finding is, read from the row.

Open findings that once had an action proposed were sent back by the verifier (the only way
from "action proposed" to "open"): one query over the history marks them.
"""

from django.conf import settings
from django.db import migrations, models


def mark_returned(apps, schema_editor):
    Finding = apps.get_model("certifications", "Finding")
    HistoricalFinding = apps.get_model("certifications", "HistoricalFinding")
    proposed_once = HistoricalFinding.objects.filter(status="action_proposed").values("id")
    Finding.objects.filter(status="open", pk__in=proposed_once).update(returned=True)


class Migration(migrations.Migration):

    dependencies = [
        ('certifications', '0008_audit_outside_validity_reason'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='finding',
            name='returned',
            field=models.BooleanField(default=False, editable=False, help_text='Tindakan korektif yang diusulkan dikembalikan oleh pemverifikasi; SKPD perlu menjawab lagi.', verbose_name='dikembalikan'),
        ),
        migrations.AddField(
            model_name='historicalfinding',
            name='returned',
            field=models.BooleanField(default=False, editable=False, help_text='Tindakan korektif yang diusulkan dikembalikan oleh pemverifikasi; SKPD perlu menjawab lagi.', verbose_name='dikembalikan'),
        ),
        migrations.RunPython(mark_returned, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='finding',
            constraint=models.CheckConstraint(condition=models.Q(('returned', False), ('status', 'open'), _connector='OR'), name='finding_returned_is_open', violation_error_message='Hanya temuan terbuka yang dapat berstatus dikembalikan kepada SKPD.'),
        ),
    ]
