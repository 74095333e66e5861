"""An agency's standing "masa berlaku tidak diketahui" (validity unknown): a certificate issued
whose expiry nobody knows no longer makes its agency read expired. The stored status takes the
longer value, and the timelines of the agencies holding such a certificate are rebuilt.
"""

from collections import defaultdict

from django.db import migrations, models

from certifications.timeline import FACT_LOOKUPS, CertificateFacts, stretches


def rebuild_open_ended(apps, schema_editor):
    """The timelines of agencies holding a certificate issued without an expiry, by the rule as it is now.

    They read "expired" from the day of issue; they now read "masa berlaku tidak diketahui"
    while nothing else decides. Other agencies' stretches do not change. The dashboard's stored
    figures follow on the next ``manage.py rebuild_figures`` (only "troubled" can move: an
    agency that also holds a suspended or withdrawn certificate).
    """
    Certificate = apps.get_model("certifications", "Certificate")
    StatusStretch = apps.get_model("certifications", "StatusStretch")
    alias = schema_editor.connection.alias
    agencies = set(
        Certificate.objects.using(alias)
        .filter(issued_on__isnull=False, expires_on__isnull=True)
        .values_list("agency_id", flat=True)
    )
    held = defaultdict(list)
    for agency, *facts in (
        Certificate.objects.using(alias).filter(agency__in=agencies).values_list("agency_id", *FACT_LOOKUPS)
    ):
        held[agency].append(CertificateFacts(*facts))
    StatusStretch.objects.using(alias).filter(agency__in=agencies).delete()
    StatusStretch.objects.using(alias).bulk_create(
        [
            StatusStretch(agency_id=agency, **stretch.as_row())
            for agency, facts in held.items()
            for stretch in stretches(facts)
        ],
        batch_size=500,
    )


def back_to_lapsed(apps, schema_editor):
    """Before this rule such a day read suspended, withdrawn or expired, as its reasons say."""
    StatusStretch = apps.get_model("certifications", "StatusStretch")
    alias = schema_editor.connection.alias
    unknown = StatusStretch.objects.using(alias).filter(status="validity_unknown")
    unknown.filter(suspended=True).update(status="suspended")
    unknown.filter(withdrawn=True).update(status="withdrawn")
    unknown.update(status="expired")


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0007_former_slugs"),
        ("certifications", "0009_finding_returned"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="statusstretch",
            name="statusstretch_status_valid",
        ),
        migrations.AlterField(
            model_name="certificate",
            name="expires_on",
            field=models.DateField(
                blank=True,
                help_text="Hari terakhir sertifikat berlaku. Tanpa tanggal ini masa berlakunya tidak diketahui: sertifikat tidak dihitung berlaku, juga tidak dihitung tidak berlaku.",
                null=True,
                verbose_name="tanggal kedaluwarsa",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcertificate",
            name="expires_on",
            field=models.DateField(
                blank=True,
                help_text="Hari terakhir sertifikat berlaku. Tanpa tanggal ini masa berlakunya tidak diketahui: sertifikat tidak dihitung berlaku, juga tidak dihitung tidak berlaku.",
                null=True,
                verbose_name="tanggal kedaluwarsa",
            ),
        ),
        migrations.AlterField(
            model_name="statusstretch",
            name="status",
            field=models.CharField(
                choices=[
                    ("certified", "bersertifikat"),
                    ("validity_unknown", "masa berlaku tidak diketahui"),
                    ("suspended", "dibekukan"),
                    ("withdrawn", "dicabut"),
                    ("expired", "tidak berlaku lagi"),
                    ("not_yet", "belum bersertifikat"),
                ],
                help_text="Status SKPD.",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AddConstraint(
            model_name="statusstretch",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["certified", "validity_unknown", "suspended", "withdrawn", "expired", "not_yet"])
                ),
                name="statusstretch_status_valid",
            ),
        ),
        migrations.RunPython(rebuild_open_ended, back_to_lapsed),
    ]
