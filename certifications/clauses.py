"""The clause lists of the standards a finding is written against.

ISO 9001:2008 and ISO 9001:2015 number their clauses differently ("7.1" means something
else in each), so a finding's clause is always read with its audit's standard.
"""

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class ClauseSet(models.TextChoices):
    """Which list of clauses a standard's findings are written against."""

    ISO_9001_2008 = "iso9001_2008", _("ISO 9001:2008, klausul 4 sampai 8")
    ISO_9001_2015 = "iso9001_2015", _("ISO 9001:2015, klausul 4 sampai 10")


class Clause2008(models.TextChoices):
    """The sub-clauses of ISO 9001:2008 clauses 4 to 8, with the usual SNI wording."""

    C4_1 = "4.1", format_lazy("4.1 {}", _("Persyaratan umum"))
    C4_2_1 = "4.2.1", format_lazy("4.2.1 {}", _("Persyaratan dokumentasi: umum"))
    C4_2_2 = "4.2.2", format_lazy("4.2.2 {}", _("Manual mutu"))
    C4_2_3 = "4.2.3", format_lazy("4.2.3 {}", _("Pengendalian dokumen"))
    C4_2_4 = "4.2.4", format_lazy("4.2.4 {}", _("Pengendalian rekaman"))
    C5_1 = "5.1", format_lazy("5.1 {}", _("Komitmen manajemen"))
    C5_2 = "5.2", format_lazy("5.2 {}", _("Fokus pelanggan"))
    C5_3 = "5.3", format_lazy("5.3 {}", _("Kebijakan mutu"))
    C5_4_1 = "5.4.1", format_lazy("5.4.1 {}", _("Sasaran mutu"))
    C5_4_2 = "5.4.2", format_lazy("5.4.2 {}", _("Perencanaan sistem manajemen mutu"))
    C5_5_1 = "5.5.1", format_lazy("5.5.1 {}", _("Tanggung jawab dan wewenang"))
    C5_5_2 = "5.5.2", format_lazy("5.5.2 {}", _("Wakil manajemen"))
    C5_5_3 = "5.5.3", format_lazy("5.5.3 {}", _("Komunikasi internal"))
    C5_6_1 = "5.6.1", format_lazy("5.6.1 {}", _("Tinjauan manajemen: umum"))
    C5_6_2 = "5.6.2", format_lazy("5.6.2 {}", _("Masukan tinjauan"))
    C5_6_3 = "5.6.3", format_lazy("5.6.3 {}", _("Keluaran tinjauan"))
    C6_1 = "6.1", format_lazy("6.1 {}", _("Penyediaan sumber daya"))
    C6_2_1 = "6.2.1", format_lazy("6.2.1 {}", _("Sumber daya manusia: umum"))
    C6_2_2 = "6.2.2", format_lazy("6.2.2 {}", _("Kompetensi, pelatihan dan kepedulian"))
    C6_3 = "6.3", format_lazy("6.3 {}", _("Infrastruktur"))
    C6_4 = "6.4", format_lazy("6.4 {}", _("Lingkungan kerja"))
    C7_1 = "7.1", format_lazy("7.1 {}", _("Perencanaan realisasi produk"))
    C7_2_1 = "7.2.1", format_lazy("7.2.1 {}", _("Penetapan persyaratan yang berkaitan dengan produk"))
    C7_2_2 = "7.2.2", format_lazy("7.2.2 {}", _("Tinjauan persyaratan yang berkaitan dengan produk"))
    C7_2_3 = "7.2.3", format_lazy("7.2.3 {}", _("Komunikasi pelanggan"))
    C7_3_1 = "7.3.1", format_lazy("7.3.1 {}", _("Perencanaan desain dan pengembangan"))
    C7_3_2 = "7.3.2", format_lazy("7.3.2 {}", _("Masukan desain dan pengembangan"))
    C7_3_3 = "7.3.3", format_lazy("7.3.3 {}", _("Keluaran desain dan pengembangan"))
    C7_3_4 = "7.3.4", format_lazy("7.3.4 {}", _("Tinjauan desain dan pengembangan"))
    C7_3_5 = "7.3.5", format_lazy("7.3.5 {}", _("Verifikasi desain dan pengembangan"))
    C7_3_6 = "7.3.6", format_lazy("7.3.6 {}", _("Validasi desain dan pengembangan"))
    C7_3_7 = "7.3.7", format_lazy("7.3.7 {}", _("Pengendalian perubahan desain dan pengembangan"))
    C7_4_1 = "7.4.1", format_lazy("7.4.1 {}", _("Proses pembelian"))
    C7_4_2 = "7.4.2", format_lazy("7.4.2 {}", _("Informasi pembelian"))
    C7_4_3 = "7.4.3", format_lazy("7.4.3 {}", _("Verifikasi produk yang dibeli"))
    C7_5_1 = "7.5.1", format_lazy("7.5.1 {}", _("Pengendalian produksi dan penyediaan jasa"))
    C7_5_2 = "7.5.2", format_lazy("7.5.2 {}", _("Validasi proses produksi dan penyediaan jasa"))
    C7_5_3 = "7.5.3", format_lazy("7.5.3 {}", _("Identifikasi dan mampu telusur"))
    C7_5_4 = "7.5.4", format_lazy("7.5.4 {}", _("Milik pelanggan"))
    C7_5_5 = "7.5.5", format_lazy("7.5.5 {}", _("Preservasi produk"))
    C7_6 = "7.6", format_lazy("7.6 {}", _("Pengendalian peralatan pemantauan dan pengukuran"))
    C8_1 = "8.1", format_lazy("8.1 {}", _("Pengukuran, analisis dan perbaikan: umum"))
    C8_2_1 = "8.2.1", format_lazy("8.2.1 {}", _("Kepuasan pelanggan"))
    C8_2_2 = "8.2.2", format_lazy("8.2.2 {}", _("Audit internal"))
    C8_2_3 = "8.2.3", format_lazy("8.2.3 {}", _("Pemantauan dan pengukuran proses"))
    C8_2_4 = "8.2.4", format_lazy("8.2.4 {}", _("Pemantauan dan pengukuran produk"))
    C8_3 = "8.3", format_lazy("8.3 {}", _("Pengendalian produk tidak sesuai"))
    C8_4 = "8.4", format_lazy("8.4 {}", _("Analisis data"))
    C8_5_1 = "8.5.1", format_lazy("8.5.1 {}", _("Perbaikan berkelanjutan"))
    C8_5_2 = "8.5.2", format_lazy("8.5.2 {}", _("Tindakan korektif"))
    C8_5_3 = "8.5.3", format_lazy("8.5.3 {}", _("Tindakan pencegahan"))


class Clause2015(models.TextChoices):
    """The clauses of ISO 9001:2015 clauses 4 to 10, second level.

    The Indonesian titles are our rendering of the English ones; check them against
    SNI ISO 9001:2015 before treating them as official.
    """

    C4_1 = "4.1", format_lazy("4.1 {}", _("Memahami organisasi dan konteksnya"))
    C4_2 = "4.2", format_lazy("4.2 {}", _("Memahami kebutuhan dan harapan pihak berkepentingan"))
    C4_3 = "4.3", format_lazy("4.3 {}", _("Menentukan ruang lingkup sistem manajemen mutu"))
    C4_4 = "4.4", format_lazy("4.4 {}", _("Sistem manajemen mutu dan prosesnya"))
    C5_1 = "5.1", format_lazy("5.1 {}", _("Kepemimpinan dan komitmen"))
    C5_2 = "5.2", format_lazy("5.2 {}", _("Kebijakan"))
    C5_3 = "5.3", format_lazy("5.3 {}", _("Peran, tanggung jawab dan wewenang dalam organisasi"))
    C6_1 = "6.1", format_lazy("6.1 {}", _("Tindakan untuk menangani risiko dan peluang"))
    C6_2 = "6.2", format_lazy("6.2 {}", _("Sasaran mutu dan perencanaan untuk mencapainya"))
    C6_3 = "6.3", format_lazy("6.3 {}", _("Perencanaan perubahan"))
    C7_1 = "7.1", format_lazy("7.1 {}", _("Sumber daya"))
    C7_2 = "7.2", format_lazy("7.2 {}", _("Kompetensi"))
    C7_3 = "7.3", format_lazy("7.3 {}", _("Kepedulian"))
    C7_4 = "7.4", format_lazy("7.4 {}", _("Komunikasi"))
    C7_5 = "7.5", format_lazy("7.5 {}", _("Informasi terdokumentasi"))
    C8_1 = "8.1", format_lazy("8.1 {}", _("Perencanaan dan pengendalian operasi"))
    C8_2 = "8.2", format_lazy("8.2 {}", _("Persyaratan produk dan jasa"))
    C8_3 = "8.3", format_lazy("8.3 {}", _("Desain dan pengembangan produk dan jasa"))
    C8_4 = "8.4", format_lazy("8.4 {}", _("Pengendalian proses, produk dan jasa dari penyedia eksternal"))
    C8_5 = "8.5", format_lazy("8.5 {}", _("Produksi dan penyediaan jasa"))
    C8_6 = "8.6", format_lazy("8.6 {}", _("Pelepasan produk dan jasa"))
    C8_7 = "8.7", format_lazy("8.7 {}", _("Pengendalian keluaran yang tidak sesuai"))
    C9_1 = "9.1", format_lazy("9.1 {}", _("Pemantauan, pengukuran, analisis dan evaluasi"))
    C9_2 = "9.2", format_lazy("9.2 {}", _("Audit internal"))
    C9_3 = "9.3", format_lazy("9.3 {}", _("Tinjauan manajemen"))
    C10_1 = "10.1", format_lazy("10.1 {}", _("Peningkatan: umum"))
    C10_2 = "10.2", format_lazy("10.2 {}", _("Ketidaksesuaian dan tindakan korektif"))
    C10_3 = "10.3", format_lazy("10.3 {}", _("Peningkatan berkelanjutan"))


# Each clause list by the standard it belongs to. The same number ("4.1", "7.1") means
# different things in the two standards: a finding's clause is read with its audit's standard.
CLAUSES = {ClauseSet.ISO_9001_2008: Clause2008, ClauseSet.ISO_9001_2015: Clause2015}
ALL_CLAUSE_VALUES = sorted(set(Clause2008.values) | set(Clause2015.values))


def clause_choices(clause_set: str = "") -> list:
    """Form choices for a finding's clause: one standard's list, or both grouped when unknown."""
    if clause_set in CLAUSES:
        return CLAUSES[clause_set].choices
    return [(ClauseSet(key).label, choices.choices) for key, choices in CLAUSES.items()]


def clause_label(clause_set: str, clause: str) -> str:
    """The clause's number and title in its standard; the bare number when the standard is unknown."""
    choices = CLAUSES.get(clause_set)
    if choices is not None and clause in choices.values:
        return str(choices(clause).label)
    return clause
