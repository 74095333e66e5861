import datetime
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from certifications.dates import EARLIEST_DAY, latest_day
from certifications.notice import FINDING_DUE_NOTICE_DAYS
from reminders.services import portal_base_url, send_reminders

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(value: str) -> datetime.date:
    # fromisoformat alone also takes "20261125" and week dates; the cron line should say YYYY-MM-DD.
    try:
        day = datetime.date.fromisoformat(value) if ISO_DATE.fullmatch(value) else None
    except ValueError:  # 2026-02-30
        day = None
    if day is None:
        raise CommandError(f"Tanggal tidak valid: {value!r}. Tulis sebagai YYYY-MM-DD, misalnya 2026-11-25.")
    # The notice windows add days to it: 9999-12-31 would overflow (a traceback, not a message).
    last = latest_day(timezone.localdate())
    if not EARLIEST_DAY <= day <= last:
        raise CommandError(f"Tanggal di luar rentang: {value!r}. Harus antara {EARLIEST_DAY} dan {last}.")
    return day


class Command(BaseCommand):
    help = (
        "Mengirim pengingat harian lewat email: kepada setiap orang yang berperan di portal, apa yang panel "
        '"Perlu tindakan" di halaman depan admin tunjukkan kepadanya hari itu. Temuan dikirim kepada wakil '
        f"manajemen sejak {FINDING_DUE_NOTICE_DAYS} hari sebelum batas waktunya, dan sekali di pertengahan antara "
        "tanggal disampaikan dan batas waktunya. Satu pesan per orang per hari, dalam bahasa pilihannya: "
        "menjalankan ulang pada hari yang sama tidak mengirim apa pun yang sudah terkirim. Untuk cron harian."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Hari yang dihitung, YYYY-MM-DD (bawaan: hari ini, waktu Bandung).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Tampilkan pesan yang akan dikirim (penerima, subjek, isi) tanpa mengirim atau menyimpan apa pun.",
        )

    def handle(self, *args, date: str | None, dry_run: bool, verbosity: int, **options):
        on = parse_day(date) if date is not None else timezone.localdate()
        report = send_reminders(on=on, base_url=portal_base_url(), dry_run=dry_run)

        for draft in report.sent:
            if dry_run:
                self.stdout.write(self.style.MIGRATE_HEADING(f"Kepada: {draft.username} <{draft.email}>"))
                self.stdout.write(f"Subjek: {draft.subject}\n\n{draft.body}")
            elif verbosity > 0:
                self.stdout.write(f"Terkirim: {draft.username} <{draft.email}> ({draft.item_count} hal)")
        if verbosity > 0:
            for username in report.already_sent:
                self.stdout.write(f"Sudah dikirim hari ini: {username}")
            for username in report.skipped_without_email:
                self.stdout.write(self.style.WARNING(f"Dilewati, akun tanpa alamat email: {username}"))
        for username, error in report.failed:
            self.stdout.write(self.style.ERROR(f"Gagal mengirim ke {username}: {error}"))

        counts = (
            f"sudah dikirim hari ini {len(report.already_sent)}, "
            f"dilewati tanpa email {len(report.skipped_without_email)}"
        )
        if dry_run:
            self.stdout.write(
                self.style.WARNING(
                    f"Uji coba (--dry-run) untuk {on:%Y-%m-%d}: akan dikirim {len(report.sent)}, {counts}. "
                    "Tidak ada yang dikirim atau disimpan."
                )
            )
            return
        summary = f"Pengingat {on:%Y-%m-%d}: terkirim {len(report.sent)}, {counts}, gagal {len(report.failed)}."
        if report.failed:
            self.stdout.write(self.style.ERROR(summary))
            names = ", ".join(username for username, _ in report.failed)
            raise CommandError(
                f"Gagal mengirim ke {len(report.failed)} penerima ({names}). "
                "Jalankan ulang untuk mencoba lagi; yang sudah terkirim tidak dikirim dua kali."
            )
        if verbosity > 0:
            self.stdout.write(self.style.SUCCESS(summary))
