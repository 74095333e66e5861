"""The initial data files and their loading: agencies with their certificates, the reference data.

Two files, both shipped in ``data/initial/`` and both editable by staff:
- ``agencies.csv``: one row per agency, with its certificate (if any) and its source;
- ``reference.json``: the standards, the programme and the ceremonies the rows refer to.

The agency columns are read and loaded by ``agencies.loader``; this module adds the
certificate columns and the reference data. Every problem found is collected with its line
(CSV) or key (JSON) and the value, so staff can fix a whole file in one pass; nothing is
written unless both files are good, and a load is one transaction.
"""

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from agencies.loader import FALSE_WORDS, TRUE_WORDS, AgencyColumns, AgencyValues, load_agencies, read_csv
from agencies.models import Agency
from agencies.seeds import DataFileError, LoadedAs, LoadReport, Seeder, model_names

from .cycle import CERTIFICATE_YEARS
from .dates import DatePrecision, add_years, period_end, typed_precision
from .models import Ceremony, Certificate, CertificationBody, Programme, ProgrammeMember, Standard

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
    "programme_member",
    "source",
    "notes",
    "certificate_notes",
    "certificate_interpretation",
)

# The written form a precision needs: the stored day is derived, never typed for less than a day.
DATE_FORMS = {
    DatePrecision.DAY: (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "YYYY-MM-DD"),
    DatePrecision.MONTH: (re.compile(r"^\d{4}-\d{2}$"), "YYYY-MM"),
    DatePrecision.YEAR: (re.compile(r"^\d{4}$"), "YYYY"),
    DatePrecision.ABOUT_YEAR: (re.compile(r"^\d{4}$"), "YYYY"),
    DatePrecision.BY_YEAR: (re.compile(r"^\d{4}$"), "YYYY"),
}


@dataclass(frozen=True)
class ApproximateDate:
    value: datetime.date | None
    precision: str


@dataclass(frozen=True)
class AgencyRow:
    """One row of the agencies file: the agency, and its certificate when the row names one."""

    line: int
    agency: AgencyValues
    certificate_standard: str
    certificate_issued: ApproximateDate
    certificate_number: str
    certification_body: str
    ceremony: str
    certificate_notes: str
    programme_member: bool
    certificate_interpretation: str = ""

    @property
    def slug(self) -> str:
        return self.agency.slug

    @property
    def name(self) -> str:
        return self.agency.name

    @property
    def source(self) -> str:
        return self.agency.source


@dataclass
class ReferenceData:
    standards: list[dict] = field(default_factory=list)
    programme: dict | None = None
    ceremonies: list[dict] = field(default_factory=list)


def parse_approximate(text: str, precision: str, *, where: str) -> ApproximateDate:
    """ "2012" at precision about_year -> 31 Dec 2012 (about_year); raises ValueError naming ``where``."""
    text = (text or "").strip()
    precision = (precision or "").strip()
    if DATE_FORMS[DatePrecision.DAY][0].match(text):
        precision = typed_precision(text, precision)  # the admin's rule: a full date is a day
    precision = precision or (DatePrecision.UNKNOWN if not text else "")
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
    agencies, rows, problems = AgencyColumns(), [], []
    for line, value in read_csv(path, AGENCY_COLUMNS):
        where = f"{path}, baris {line}"
        agency, row_problems = agencies.check(value, line=line, where=where)
        issued, certificate_problems = _certificate_columns(
            value, where=where, known_standards=known_standards, known_ceremonies=known_ceremonies
        )
        row_problems += certificate_problems
        member = value["programme_member"].lower()
        if member not in TRUE_WORDS | FALSE_WORDS:
            row_problems.append(
                f"{where}, kolom programme_member: {value['programme_member']!r} bukan 'ya' atau 'tidak'"
            )
        problems.extend(row_problems)
        if row_problems:
            continue
        rows.append(
            AgencyRow(
                line=line,
                agency=agency,
                certificate_standard=value["certificate_standard"],
                certificate_issued=issued,
                certificate_number=value["certificate_number"],
                certification_body=value["certification_body"],
                ceremony=value["ceremony"],
                certificate_notes=value["certificate_notes"],
                certificate_interpretation=value["certificate_interpretation"],
                programme_member=member in TRUE_WORDS,
            )
        )
    if problems:
        raise DataFileError(problems)
    return rows


def _certificate_columns(
    value: dict, *, where: str, known_standards: set[str], known_ceremonies: set[str]
) -> tuple[ApproximateDate, list[str]]:
    """The row's issue date, and the problems of its certificate columns."""
    problems = []
    standard = value["certificate_standard"]
    certificate_values = [
        value[k] for k in AGENCY_COLUMNS if k.startswith("certificat") and k != "certificate_standard"
    ]
    issued = ApproximateDate(None, DatePrecision.UNKNOWN)
    if standard:
        if standard not in known_standards:
            problems.append(
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
            problems.append(str(error))
    elif any(certificate_values) or value["ceremony"]:
        problems.append(f"{where}, kolom certificate_standard: wajib diisi bila ada data sertifikat")
    if value["ceremony"] and value["ceremony"] not in known_ceremonies:
        problems.append(f"{where}, kolom ceremony: upacara {value['ceremony']!r} tidak ada di data rujukan")
    return issued, problems


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


def _seed_record(model, record: dict, *, key: str, where: str, seeder: Seeder):
    """Seed one record of the reference file on its natural ``key``; unknown keys are refused."""
    names = {f.name for f in model._meta.concrete_fields} - {"id"}
    unknown = sorted(set(record) - names)
    if unknown:
        raise DataFileError([f"{where}: kunci tidak dikenal: {', '.join(unknown)}"])
    if not record.get(key):
        raise DataFileError([f"{where}.{key} wajib diisi"])
    return seeder.sync(
        model, key=record[key], values=record, lookups=[{key: record[key]}], label=record[key], where=where
    )


@transaction.atomic
def load_initial_data(
    *, reference: ReferenceData, rows: list[AgencyRow], dry_run: bool = False, reset: bool = False
) -> LoadReport:
    """Seed the reference data and the agency rows, all or nothing.

    A record the loader wrote before is found again through its seed record, and left as it
    is when a person changed or deleted it since (``agencies.seeds``), unless ``reset``.
    Without a seed record it is looked up by natural key: standard code, programme and
    ceremony slug, agency slug, certification body name, and for a certificate its (body,
    number) when both are known, else its agency and standard. Nothing is deleted. With
    ``dry_run`` the same work is done and then rolled back, so the report is exact.
    """
    report = LoadReport()
    seeder = Seeder(report, reset=reset)
    standards, ceremonies, programme = _load_reference(reference, rows, seeder)
    agencies = load_agencies([(row.line, row.agency) for row in rows], seeder)
    for row in rows:
        if row.programme_member and programme is not None and agencies[row.slug] is not None:
            _load_member(row, agencies[row.slug], programme, seeder)
        if not row.certificate_standard:
            continue
        agency, standard = agencies[row.slug], standards[row.certificate_standard]
        if agency is None or standard is None:
            # A person deleted what it belongs to, so it went too: reported as kept deleted.
            report.record(model_names(Certificate), "kept_deleted", _certificate_label(row))
            continue
        certificate = _load_certificate(row, agency, standard, seeder)
        if certificate is not None and row.ceremony:
            _link_ceremony(row, certificate, ceremonies, seeder)
    if dry_run:
        transaction.set_rollback(True)
    return report


def _load_reference(
    reference: ReferenceData, rows: list[AgencyRow], seeder: Seeder
) -> tuple[dict, dict, Programme | None]:
    """The standards (the file's, and those the rows name that are already stored), ceremonies and programme."""
    standards = {
        record["code"]: _seed_record(Standard, record, key="code", where=f"standards[{i}]", seeder=seeder)
        for i, record in enumerate(reference.standards)
    }
    for code in {row.certificate_standard for row in rows} - set(standards) - {""}:
        standards[code] = Standard.objects.get(code=code)
    programme = None
    if reference.programme:
        programme = _seed_record(Programme, reference.programme, key="slug", where="programme", seeder=seeder)
    ceremonies = {
        record["slug"]: _seed_record(Ceremony, record, key="slug", where=f"ceremonies[{i}]", seeder=seeder)
        for i, record in enumerate(reference.ceremonies)
    }
    return standards, ceremonies, programme


def _load_member(row: AgencyRow, agency: Agency, programme: Programme, seeder: Seeder) -> None:
    """The row's agency counts toward the programme, for the reason its source gives."""
    seeder.sync(
        ProgrammeMember,
        key=f"{programme.slug}|{row.slug}",
        values={"programme": programme, "agency": agency, "source": row.source},
        lookups=[{"programme": programme, "agency": agency}],
        label=row.slug,
        where=f"baris {row.line} ({row.name}), kolom programme_member",
    )


def _certificate_label(row: AgencyRow) -> str:
    return f"{row.slug} {row.certificate_standard}"


def _load_certificate(row: AgencyRow, agency: Agency, standard: Standard, seeder: Seeder) -> Certificate | None:
    where = f"baris {row.line} ({row.name})"
    body = None
    if row.certification_body:
        body = seeder.sync(
            CertificationBody,
            key=row.certification_body,
            values={"name": row.certification_body},
            lookups=[{"name__iexact": row.certification_body}],
            label=row.certification_body,
            where=f"{where}, kolom certification_body",
        )
    issued = row.certificate_issued
    values = {
        "agency": agency,
        "standard": standard,
        "body": body,
        "number": row.certificate_number,
        "issued_on": issued.value,
        "issued_precision": issued.precision,
        "expires_on": add_years(issued.value, issued.precision, CERTIFICATE_YEARS),
        "expires_precision": issued.precision if issued.value else DatePrecision.UNKNOWN,
        "source": row.source,
        "notes": row.certificate_notes,
        "interpretation": row.certificate_interpretation,
    }
    if row.certification_body and body is None:
        del values["body"]  # a body a person deleted: the certificate keeps the one it has
    return seeder.sync(
        Certificate,
        key=f"{row.slug}|{row.certificate_standard}",
        values=values,
        lookups=_certificate_lookups(agency, standard, body, row.certificate_number),
        label=_certificate_label(row),
        where=where,
    )


def _certificate_lookups(agency: Agency, standard: Standard, body, number: str) -> list[dict]:
    """How a row's certificate is found among the stored ones before it has a seed record.

    By its number (within its body, or within the agency when the body is unknown); else by
    (agency, standard) among those whose number is unknown, which a city list that now knows
    the number completes, not duplicates; else the one the loader wrote for them (its edit
    history), though a person numbered it since; else any of the agency in that standard.
    """
    lookups = []
    if number:
        lookups.append({"body": body, "number": number} if body else {"agency": agency, "body": None, "number": number})
    return [
        *lookups,
        {"agency": agency, "standard": standard, "number": ""},
        LoadedAs(agency=agency.pk, standard=standard.pk),
        {"agency": agency, "standard": standard},
    ]


def _link_ceremony(row: AgencyRow, certificate: Certificate, ceremonies: dict, seeder: Seeder) -> None:
    if row.ceremony in ceremonies:
        ceremony = ceremonies[row.ceremony]
        if ceremony is None:
            return  # a ceremony a person deleted, reported as such, with its links
    else:
        ceremony = Ceremony.objects.get(slug=row.ceremony)
    seeder.link(
        ceremony,
        "certificates",
        certificate,
        key=f"{row.ceremony}|{row.slug}|{row.certificate_standard}",
        label=f"{row.ceremony} <- {row.slug}",
    )
