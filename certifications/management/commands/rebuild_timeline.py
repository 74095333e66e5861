from django.core.management.base import BaseCommand
from django.db import transaction

from certifications import timeline_store
from certifications.models import StatusStretch


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Hitung ulang linimasa status setiap SKPD (masa bersertifikat, dibekukan, dicabut, ...) dari "
        "sertifikatnya. Setiap perubahan lewat Django sudah melakukannya sendiri; perintah ini untuk "
        "sesudah perubahan di luar Django (SQL langsung)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Hitung dan laporkan, lalu batalkan: linimasa tersimpan dibiarkan."
        )

    def handle(self, *args, dry_run: bool, **options):
        before = set(StatusStretch.objects.values_list(*FIELDS))
        try:
            with transaction.atomic():
                timeline_store.rebuild_all()
                after = set(StatusStretch.objects.values_list(*FIELDS))
                if dry_run:
                    raise _DryRun
        except _DryRun:
            self.stdout.write(self.style.WARNING("Uji coba (--dry-run): linimasa tersimpan dibiarkan."))
        changed = {row[0] for row in before ^ after}
        self.stdout.write(f"{len(after)} masa status; {len(changed)} SKPD dengan linimasa yang berubah.")
        if not dry_run:
            self.stdout.write(self.style.SUCCESS("Linimasa status dihitung ulang."))


FIELDS = ("agency_id", "starts_on", "ends_on", "status", "expired", "standard_lapsed", "suspended", "withdrawn")
