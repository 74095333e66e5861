from django.core.management.base import BaseCommand

from bandung_iso.public_cache import invalidate


class Command(BaseCommand):
    help = (
        "Buang semua halaman publik yang tersimpan di cache bersama, di setiap proses. Perlu hanya "
        "setelah data diubah di luar Django (SQL langsung, pemulihan cadangan): perubahan lewat "
        "admin, perintah, pemuat data, atau save() sudah membuangnya sendiri."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Laporkan saja, jangan buang apa pun.")

    def handle(self, *args, dry_run: bool, **options):
        if dry_run:
            self.stdout.write(self.style.WARNING("Uji coba (--dry-run): halaman di cache dibiarkan."))
            return
        invalidate()
        self.stdout.write(self.style.SUCCESS("Halaman publik di cache dibuang: permintaan berikutnya dibuat ulang."))
