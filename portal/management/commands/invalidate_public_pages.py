from django.core.management.base import BaseCommand
from django.db import transaction

from bandung_iso.public_cache import invalidate
from certifications import timeline_store
from portal.figures import mark_changed


class Command(BaseCommand):
    help = (
        "Buang semua halaman publik yang tersimpan di cache bersama, di setiap proses, hitung ulang "
        "linimasa status setiap SKPD, dan tandai angka dasbor usang (dihitung ulang pada permintaan "
        "berikutnya). Perlu hanya setelah data "
        "diubah di luar Django (SQL langsung): perubahan lewat admin, perintah, pemuat data, atau "
        "save() sudah melakukannya sendiri."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Laporkan saja, jangan buang apa pun.")

    def handle(self, *args, dry_run: bool, **options):
        if dry_run:
            message = "Uji coba (--dry-run): halaman di cache, linimasa status dan angka dasbor dibiarkan."
            self.stdout.write(self.style.WARNING(message))
            return
        with transaction.atomic():
            timeline_store.rebuild_all()
            mark_changed()
        invalidate()
        self.stdout.write(
            self.style.SUCCESS(
                "Halaman publik di cache dibuang dan angka dasbor ditandai usang: permintaan berikutnya dibuat ulang."
            )
        )
