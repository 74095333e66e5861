from django.core.management.base import BaseCommand, CommandError

from accounts.services import UnknownPermission, setup_roles


class Command(BaseCommand):
    help = (
        "Buat atau perbarui grup peran (Staf Pemkot, Auditor, Wakil manajemen SKPD) dengan izin "
        "yang ditetapkan di bandung_iso/roles.py. Aman dijalankan berulang: jalan kedua tidak mengubah apa pun."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Tampilkan perubahan tanpa menyimpannya.")

    def handle(self, *args, dry_run=False, **options):
        try:
            report = setup_roles(dry_run=dry_run)
        except UnknownPermission as error:
            raise CommandError(f"Izin tidak dikenal (sudahkah migrate dijalankan?): {error}") from None
        for group in report.created:
            self.stdout.write(f"grup dibuat: {group}")
        for group, name in report.granted:
            self.stdout.write(f"izin ditambahkan: {group} ← {name}")
        for group, name in report.revoked:
            self.stdout.write(self.style.WARNING(f"izin dicabut: {group} ✗ {name}"))
        if not report.changed:
            self.stdout.write(self.style.SUCCESS("Tidak ada perubahan: semua grup peran sudah sesuai."))
        elif dry_run:
            self.stdout.write(self.style.WARNING("Uji coba (--dry-run): tidak ada yang disimpan."))
        else:
            self.stdout.write(self.style.SUCCESS("Grup peran disimpan."))
