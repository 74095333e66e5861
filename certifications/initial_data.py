"""Reading and checking the initial data files before anything touches the database.

Two files, both shipped in ``data/initial/`` and both editable by staff:
- ``agencies.csv``: one row per agency, with its certificate (if any) and its source;
- ``reference.json``: the standards, the programme and the ceremonies the rows refer to.

Every problem found is collected with its line (CSV) or key (JSON) and the value, so
staff can fix a whole file in one pass.
"""

import csv
import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from agencies.models import Agency

from .dates import DatePrecision, period_end

AGENCY_COLUMNS = (
    "slug",
    "name",
    "short_name",
    "kind",
    "parent",
    "name_confirmed",
    "certificate_standard",
    "certificate_issued",
    "certificate_issued_precision",
    "certificate_number",
    "certification_body",
    "ceremony",
    "source",
    "notes",
    "certificate_notes",
)
REQUIRED_VALUES = ("name", "kind", "source")
TRUE_WORDS = {"ya", "y", "true", "1", "yes"}
FALSE_WORDS = {"tidak", "t", "false", "0", "no", ""}
# The written form a precision needs: the stored day is derived, never typed for less than a day.
DATE_FORMS = {
    DatePrecision.DAY: (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "YYYY-MM-DD"),
    DatePrecision.MONTH: (re.compile(r"^\d{4}-\d{2}$"), "YYYY-MM"),
    DatePrecision.YEAR: (re.compile(r"^\d{4}$"), "YYYY"),
    DatePrecision.ABOUT_YEAR: (re.compile(r"^\d{4}$"), "YYYY"),
    DatePrecision.BY_YEAR: (re.compile(r"^\d{4}$"), "YYYY"),
}


class DataFileError(Exception):
    """A data file that cannot be loaded; ``problems`` lists every reason found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class ApproximateDate:
    value: datetime.date | None
    precision: str


@dataclass(frozen=True)
class AgencyRow:
    line: int
    slug: str
    name: str
    short_name: str
    kind: str
    parent_slug: str
    name_confirmed: bool
    source: str
    notes: str
    certificate_standard: str
    certificate_issued: ApproximateDate
    certificate_number: str
    certification_body: str
    ceremony: str
    certificate_notes: str


@dataclass
class ReferenceData:
    standards: list[dict] = field(default_factory=list)
    programme: dict | None = None
    ceremonies: list[dict] = field(default_factory=list)


def parse_approximate(text: str, precision: str, *, where: str) -> ApproximateDate:
    """ "2012" at precision about_year -> 31 Dec 2012 (about_year); raises ValueError naming ``where``."""
    text = (text or "").strip()
    precision = (precision or "").strip() or (DatePrecision.UNKNOWN if not text else "")
    if precision not in DatePrecision.values:
        raise ValueError(
            f"{where}: ketelitian tanggal {precision!r} tidak dikenal (pilihan: {', '.join(DatePrecision.values)})"
        )
    if precision == DatePrecision.UNKNOWN:
        if text:
            raise ValueError(f"{where}: tanggal {text!r} diisi, padahal ketelitiannya 'unknown'")
        return ApproximateDate(None, precision)
    pattern, form = DATE_FORMS[precision]
    if not pattern.match(text):
        raise ValueError(
            f"{where}: tanggal {text!r} tidak berbentuk {form} seperti yang diminta ketelitian {precision!r}"
        )
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        value = datetime.date(parts[0], parts[1], parts[2])
    except ValueError:
        raise ValueError(f"{where}: tanggal {text!r} tidak ada di kalender") from None
    return ApproximateDate(period_end(value, precision), precision)


def parse_iso_date(text, *, where: str) -> datetime.date | None:
    if text in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(text))
    except ValueError:
        raise ValueError(f"{where}: tanggal {text!r} bukan tanggal YYYY-MM-DD yang sah") from None


def read_agencies(path: Path, *, known_standards: set[str], known_ceremonies: set[str]) -> list[AgencyRow]:
    """Every row of the agencies CSV, checked; raises DataFileError listing each bad line."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            raw_rows = [(reader.line_num, row) for row in reader]
    except FileNotFoundError:
        raise DataFileError([f"{path}: berkas tidak ditemukan"]) from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise DataFileError([f"{path}: tidak dapat dibaca sebagai CSV UTF-8 ({error})"]) from None

    problems = []
    missing = [c for c in AGENCY_COLUMNS if c not in header]
    unknown = [c for c in header if c not in AGENCY_COLUMNS]
    if missing:
        problems.append(f"{path}, baris 1: kolom {', '.join(missing)} tidak ada")
    if unknown:
        problems.append(f"{path}, baris 1: kolom tidak dikenal: {', '.join(repr(c) for c in unknown)}")
    if problems:
        raise DataFileError(problems)
    if not raw_rows:
        raise DataFileError([f"{path}: tidak ada baris data"])

    rows, seen_names, seen_slugs = [], {}, {}
    for line, raw in raw_rows:
        if None in raw:
            problems.append(f"{path}, baris {line}: lebih banyak nilai daripada kolom")
            continue
        value = {key: (raw.get(key) or "").strip() for key in AGENCY_COLUMNS}
        where = f"{path}, baris {line}"
        row_problems = [f"{where}, kolom {key}: wajib diisi" for key in REQUIRED_VALUES if not value[key]]
        if value["kind"] and value["kind"] not in Agency.Kind.values:
            row_problems.append(
                f"{where}, kolom kind: jenis {value['kind']!r} tidak dikenal (pilihan: {', '.join(Agency.Kind.values)})"
            )
        confirmed = value["name_confirmed"].lower()
        if confirmed not in TRUE_WORDS | FALSE_WORDS:
            row_problems.append(f"{where}, kolom name_confirmed: {value['name_confirmed']!r} bukan 'ya' atau 'tidak'")
        slug = value["slug"] or slugify(value["name"])
        if value["name"] and not slug:
            row_problems.append(f"{where}, kolom slug: tidak dapat dibentuk dari nama {value['name']!r}; isi slug")
        name_key = value["name"].casefold()
        if name_key and name_key in seen_names:
            row_problems.append(f"{where}, kolom name: {value['name']!r} sudah ada di baris {seen_names[name_key]}")
        if slug and slug in seen_slugs:
            row_problems.append(f"{where}, kolom slug: {slug!r} sudah ada di baris {seen_slugs[slug]}")
        seen_names.setdefault(name_key, line)
        seen_slugs.setdefault(slug, line)

        standard = value["certificate_standard"]
        certificate_values = [
            value[k] for k in AGENCY_COLUMNS if k.startswith("certificat") and k != "certificate_standard"
        ]
        issued = ApproximateDate(None, DatePrecision.UNKNOWN)
        if standard:
            if standard not in known_standards:
                row_problems.append(
                    f"{where}, kolom certificate_standard: standar {standard!r} tidak dikenal "
                    f"(pilihan: {', '.join(sorted(known_standards))})"
                )
            try:
                issued = parse_approximate(
                    value["certificate_issued"],
                    value["certificate_issued_precision"],
                    where=f"{where}, kolom certificate_issued",
                )
            except ValueError as error:
                row_problems.append(str(error))
        elif any(certificate_values) or value["ceremony"]:
            row_problems.append(f"{where}, kolom certificate_standard: wajib diisi bila ada data sertifikat")
        if value["ceremony"] and value["ceremony"] not in known_ceremonies:
            row_problems.append(f"{where}, kolom ceremony: upacara {value['ceremony']!r} tidak ada di data rujukan")

        problems.extend(row_problems)
        if row_problems:
            continue
        rows.append(
            AgencyRow(
                line=line,
                slug=slug,
                name=value["name"],
                short_name=value["short_name"],
                kind=value["kind"],
                parent_slug=value["parent"],
                name_confirmed=confirmed in TRUE_WORDS,
                source=value["source"],
                notes=value["notes"],
                certificate_standard=standard,
                certificate_issued=issued,
                certificate_number=value["certificate_number"],
                certification_body=value["certification_body"],
                ceremony=value["ceremony"],
                certificate_notes=value["certificate_notes"],
            )
        )
    if problems:
        raise DataFileError(problems)
    return rows


def read_reference(path: Path) -> ReferenceData:
    """The standards, programme and ceremonies; raises DataFileError naming each bad key."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError([f"{path}: berkas tidak ditemukan"]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataFileError([f"{path}: bukan JSON yang sah ({error})"]) from None
    if not isinstance(data, dict):
        raise DataFileError([f"{path}: isi berkas harus berupa objek JSON"])

    problems = []

    def convert(record: dict, where: str, dates: tuple = (), approximate: tuple = ()) -> dict:
        out = dict(record)
        for key in dates:
            try:
                out[key] = parse_iso_date(record.get(key), where=f"{where}.{key}")
            except ValueError as error:
                problems.append(str(error))
        for key, precision_key in approximate:
            try:
                parsed = parse_approximate(
                    str(record.get(key) or ""), record.get(precision_key, ""), where=f"{where}.{key}"
                )
                out[key], out[precision_key] = parsed.value, parsed.precision
            except ValueError as error:
                problems.append(str(error))
        return out

    reference = ReferenceData()
    for i, standard in enumerate(data.get("standards") or []):
        reference.standards.append(
            convert(standard, f"{path}: standards[{i}]", dates=("published_on", "certificates_valid_until"))
        )
    if data.get("programme"):
        reference.programme = convert(
            data["programme"],
            f"{path}: programme",
            dates=("deadline",),
            approximate=(("reported_on", "reported_precision"),),
        )
    for i, ceremony in enumerate(data.get("ceremonies") or []):
        reference.ceremonies.append(
            convert(ceremony, f"{path}: ceremonies[{i}]", approximate=(("held_on", "held_precision"),))
        )
    for label, records, key in (
        ("standards", reference.standards, "code"),
        ("ceremonies", reference.ceremonies, "slug"),
    ):
        seen = set()
        for i, record in enumerate(records):
            if not record.get(key):
                problems.append(f"{path}: {label}[{i}].{key} wajib diisi")
            elif record[key] in seen:
                problems.append(f"{path}: {label}[{i}].{key} {record[key]!r} muncul dua kali")
            seen.add(record.get(key))
    if problems:
        raise DataFileError(problems)
    return reference
