from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.seeds import ACTIONS, CHANGED_BY_STAFF, DELETED_BY_STAFF, DataFileError, LoadReport
from certifications.loader import load_initial_data, read_agencies, read_reference
from certifications.models import Ceremony, Standard

KEPT = gettext_lazy("dipertahankan")
ACTION_LABELS = {
    "created": gettext_lazy("dibuat"),
    "updated": gettext_lazy("diperbarui"),
    "linked": gettext_lazy("ditautkan"),
    "overwritten": gettext_lazy("ditimpa dengan nilai berkas"),
    "unchanged": gettext_lazy("tidak berubah"),
    "kept_changed": CHANGED_BY_STAFF,
    "kept_deleted": DELETED_BY_STAFF,
}


def action_label(action: str) -> str:
    if action.startswith("kept"):
        return f"{KEPT} ({ACTION_LABELS[action]})"
    return str(ACTION_LABELS[action])


class Command(BaseCommand):
    help = (
        "Menanam SKPD, sertifikat, upacara, standar, dan program dari berkas data (bawaan: data/initial/). "
        "Rekaman yang sudah dimuat tetap milik staf: rekaman yang diubah atau dihapus staf sejak dimuat "
        "dipertahankan dan dilaporkan (--reset menimpanya dengan nilai berkas). Menjalankan ulang tidak "
        "mengubah apa pun bila berkas tidak berubah. Berkas yang salah ditolak seluruhnya, dengan baris dan "
        "nilai yang salah."
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
        parser.add_argument(
            "--reset",
            action="store_true",
            help=(
                "Timpa rekaman yang diubah staf sejak dimuat dengan nilai berkas, dan buat lagi yang dihapus; "
                "setiap kolom yang ditimpa dilaporkan (lama -> baru)."
            ),
        )

    def handle(self, *args, file: Path, reference: Path, dry_run: bool, reset: bool, verbosity: int, **options):
        try:
            reference_data = read_reference(reference)
            rows = read_agencies(
                file,
                known_standards={s["code"] for s in reference_data.standards}
                | set(Standard.objects.values_list("code", flat=True)),
                known_ceremonies={c["slug"] for c in reference_data.ceremonies}
                | set(Ceremony.objects.values_list("slug", flat=True)),
            )
            report = load_initial_data(reference=reference_data, rows=rows, dry_run=dry_run, reset=reset)
        except DataFileError as error:
            raise CommandError(
                "Tidak ada yang dimuat; perbaiki berkasnya:\n" + "\n".join(f"  - {p}" for p in error.problems)
            ) from None
        if verbosity > 0:
            self.write_report(report, each=verbosity > 1, dry_run=dry_run)

    def write_report(self, report: LoadReport, *, each: bool, dry_run: bool) -> None:
        for (model_name, action), count in sorted(
            report.counts.items(), key=lambda i: (i[0][0], ACTIONS.index(i[0][1]))
        ):
            self.stdout.write(f"{model_name}: {count} {action_label(action)}")
        if each:
            for entry in report.entries:
                fields = f" ({', '.join(c.field for c in entry.changes)})" if entry.changes else ""
                self.stdout.write(f"  {action_label(entry.action)}: {entry.model} {entry.label}{fields}")
        if report.adopted:
            self.stdout.write(
                _("%(count)s rekaman dari pemuat lama kini punya rekaman muatan awal.") % {"count": report.adopted}
            )
        self.write_entries(
            report.listed("overwritten"), _("Ditimpa dengan nilai berkas (--reset), kolom lama -> baru:")
        )
        self.write_entries(
            report.listed("kept_changed", "kept_deleted"),
            _("Dipertahankan seperti di basis data (kolom saat dimuat -> sekarang); --reset menimpanya:"),
        )
        if dry_run:
            self.stdout.write(self.style.WARNING(_("Uji coba (--dry-run): tidak ada yang disimpan.")))
        elif report.changed:
            self.stdout.write(
                self.style.SUCCESS(_("Selesai: %(count)s perubahan disimpan.") % {"count": len(report.changes)})
            )
        elif report.listed("kept_changed", "kept_deleted"):
            self.stdout.write(self.style.SUCCESS(_("Tidak ada perubahan: yang berbeda dari berkas diubah staf.")))
        else:
            self.stdout.write(self.style.SUCCESS(_("Tidak ada perubahan: basis data sudah sesuai dengan berkas.")))

    def write_entries(self, entries: list, title: str) -> None:
        if not entries:
            return
        self.stdout.write(self.style.WARNING(title))
        for entry in entries:
            reason = f": {ACTION_LABELS[entry.action]}" if entry.action.startswith("kept") else ""
            self.stdout.write(f"  {entry.model} {entry.label}{reason}")
            for change in entry.changes:
                self.stdout.write(f"    {change}")
