from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agencies.loader import DataFileError
from certifications.loader import load_initial_data, read_agencies, read_reference
from certifications.models import Ceremony, Standard

ACTIONS = {
    "created": "dibuat",
    "updated": "diperbarui",
    "unchanged": "tidak berubah",
    "linked": "ditautkan",
    "replaced": "sudah digantikan lewat impor (dibiarkan)",
}


class Command(BaseCommand):
    help = (
        "Memuat SKPD, sertifikat, upacara, standar, dan program dari berkas data (bawaan: data/initial/). "
        "Upsert pada kunci alami: menjalankan ulang tidak mengubah apa pun bila berkas tidak berubah. "
        "Berkas yang salah ditolak seluruhnya, dengan baris dan nilai yang salah."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=settings.INITIAL_DATA_DIR / "agencies.csv",
            help="CSV SKPD, satu baris per SKPD (bawaan: data/initial/agencies.csv).",
        )
        parser.add_argument(
            "--reference",
            type=Path,
            default=settings.INITIAL_DATA_DIR / "reference.json",
            help="JSON standar, program, dan upacara (bawaan: data/initial/reference.json).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Periksa dan laporkan apa yang akan berubah tanpa menyimpan."
        )

    def handle(self, *args, file: Path, reference: Path, dry_run: bool, verbosity: int, **options):
        try:
            reference_data = read_reference(reference)
            rows = read_agencies(
                file,
                known_standards={s["code"] for s in reference_data.standards}
                | set(Standard.objects.values_list("code", flat=True)),
                known_ceremonies={c["slug"] for c in reference_data.ceremonies}
                | set(Ceremony.objects.values_list("slug", flat=True)),
            )
            report = load_initial_data(reference=reference_data, rows=rows, dry_run=dry_run)
        except DataFileError as error:
            raise CommandError(
                "Tidak ada yang dimuat; perbaiki berkasnya:\n" + "\n".join(f"  - {p}" for p in error.problems)
            ) from None

        if verbosity == 0:
            return
        for (model_name, action), count in sorted(report.counts.items()):
            self.stdout.write(f"{model_name}: {count} {ACTIONS[action]}")
        if verbosity > 1:
            for action, model_name, label in report.changes:
                self.stdout.write(f"  {ACTIONS[action]}: {model_name} {label}")
        if dry_run:
            self.stdout.write(self.style.WARNING("Uji coba (--dry-run): tidak ada yang disimpan."))
        elif report.changed:
            self.stdout.write(self.style.SUCCESS(f"Selesai: {len(report.changes)} perubahan disimpan."))
        else:
            self.stdout.write(self.style.SUCCESS("Tidak ada perubahan: basis data sudah sesuai dengan berkas."))
