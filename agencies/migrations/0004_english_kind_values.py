"""Agency kinds are stored in English; the labels people read stay as they were.

The old Indonesian values are rewritten in the agencies and in their edit history (its rows
are shown and restored like the agencies themselves), with the CHECK dropped meanwhile.
The public register's ``?jenis=`` keeps the Indonesian words (portal.forms.agencies).
"""

from django.db import migrations, models

# Frozen here: the model's values may change again, this migration must not.
OLD_TO_NEW = {
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
NEW_TO_OLD = {new: old for old, new in OLD_TO_NEW.items()}

CHOICES = [
    ("secretariat", "Sekretariat"),
    ("department", "Dinas"),
    ("board", "Badan"),
    ("office", "Kantor"),
    ("inspectorate", "Inspektorat"),
    ("civil_service_police", "Satuan Polisi Pamong Praja"),
    ("district", "Kecamatan"),
    ("hospital", "Rumah sakit"),
    ("health_centre", "Puskesmas"),
    ("other", "Lainnya"),
    ("unknown", "Belum diketahui"),
]
HELP_TEXT = "Jenis perangkat daerah. Pilih 'Belum diketahui' bila sumber tidak menyebutnya."


def _rewrite(apps, schema_editor, mapping):
    alias = schema_editor.connection.alias
    for name in ("Agency", "HistoricalAgency"):
        model = apps.get_model("agencies", name)
        for old, new in mapping.items():
            model.objects.using(alias).filter(kind=old).update(kind=new)
    # The dashboard's stored figures are keyed by kind ("agencies:<kind>", "certified:<kind>"):
    # mark them stale, as any write outside Django must, so the next request rebuilds them.
    apps.get_model("portal", "FigureChange").objects.using(alias).create()


def to_english(apps, schema_editor):
    _rewrite(apps, schema_editor, OLD_TO_NEW)


def to_indonesian(apps, schema_editor):
    _rewrite(apps, schema_editor, NEW_TO_OLD)


def kind_field():
    return models.CharField(
        choices=CHOICES, default="unknown", help_text=HELP_TEXT, max_length=20, verbose_name="jenis"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0003_quality_representatives_and_history"),
        # The figures' change rows (portal 0001 itself comes after agencies 0003).
        ("portal", "0001_dashboard_figures"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="agency", name="agency_kind_valid"),
        migrations.AlterField(model_name="agency", name="kind", field=kind_field()),
        migrations.AlterField(model_name="historicalagency", name="kind", field=kind_field()),
        migrations.RunPython(to_english, to_indonesian),
        migrations.AddConstraint(
            model_name="agency",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", [value for value, _label in CHOICES])), name="agency_kind_valid"
            ),
        ),
    ]
