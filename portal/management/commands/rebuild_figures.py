from django.core.management.base import BaseCommand
from django.db import transaction

from portal import figures
from portal.models import Figure, FigureChange


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Hitung ulang angka dasbor dari data sekarang. Dasbor melakukannya sendiri setelah setiap "
        "perubahan; perintah ini untuk sesudah pemulihan cadangan atau pemutakhiran, agar pengunjung "
        "pertama tidak menunggu, dan untuk memeriksa berapa baris yang dihasilkan."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Hitung dan laporkan, lalu batalkan: angka tersimpan dibiarkan."
        )

    def handle(self, *args, dry_run: bool, **options):
        try:
            with transaction.atomic():
                changes = FigureChange.objects.count()
                figures.rebuild(force=True)
                rows = Figure.objects.count()
                if dry_run:
                    raise _DryRun
        except _DryRun:
            self.stdout.write(self.style.WARNING("Uji coba (--dry-run): angka tersimpan dibiarkan."))
        self.stdout.write(f"{rows} baris angka; {changes} perubahan data tercakup.")
        if not dry_run:
            self.stdout.write(self.style.SUCCESS("Angka dasbor dihitung ulang."))
