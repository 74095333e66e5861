"""Loading agencies from a data file: the agency columns of a row, and their seeding.

The agencies' half of ``manage.py load_initial_agencies`` (certifications.loader reads the
certificate columns of the same rows and loads the rest). Every problem is reported with its
line, column and value; nothing is written unless the whole file is good. What the loader
wrote once belongs to staff: ``agencies.seeds`` keeps a rerun off their changes.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify

from .models import Agency
from .seeds import DataFileError, LoadedAs, Seeder

REQUIRED_VALUES = ("name", "kind", "source")
TRUE_WORDS = {"ya", "y", "true", "1", "yes"}
FALSE_WORDS = {"tidak", "t", "false", "0", "no", ""}


@dataclass(frozen=True)
class AgencyValues:
    """The agency columns of one row, checked."""

    slug: str
    name: str
    short_name: str
    kind: str
    parent_slug: str
    name_confirmed: bool
    source: str
    notes: str


def read_csv(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict]]:
    """Each data row as (line, {column: trimmed text}); raises DataFileError for a file or header problem."""
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
    missing = [c for c in columns if c not in header]
    unknown = [c for c in header if c not in columns]
    if missing:
        problems.append(f"{path}, baris 1: kolom {', '.join(missing)} tidak ada")
    if unknown:
        problems.append(f"{path}, baris 1: kolom tidak dikenal: {', '.join(repr(c) for c in unknown)}")
    if problems:
        raise DataFileError(problems)
    if not raw_rows:
        raise DataFileError([f"{path}: tidak ada baris data"])
    rows = []
    for line, raw in raw_rows:
        if None in raw:
            problems.append(f"{path}, baris {line}: lebih banyak nilai daripada kolom")
            continue
        rows.append((line, {key: (raw.get(key) or "").strip() for key in columns}))
    if problems:
        raise DataFileError(problems)
    return rows


class AgencyColumns:
    """Checks the agency columns row after row, remembering names and slugs to refuse duplicates."""

    def __init__(self):
        self.seen_names: dict[str, int] = {}
        self.seen_slugs: dict[str, int] = {}

    def check(self, value: dict, *, line: int, where: str) -> tuple[AgencyValues, list[str]]:
        problems = [f"{where}, kolom {key}: wajib diisi" for key in REQUIRED_VALUES if not value[key]]
        if value["kind"] and value["kind"] not in Agency.Kind.values:
            problems.append(
                f"{where}, kolom kind: jenis {value['kind']!r} tidak dikenal (pilihan: {', '.join(Agency.Kind.values)})"
            )
        confirmed = value["name_confirmed"].lower()
        if confirmed not in TRUE_WORDS | FALSE_WORDS:
            problems.append(f"{where}, kolom name_confirmed: {value['name_confirmed']!r} bukan 'ya' atau 'tidak'")
        slug = value["slug"] or slugify(value["name"])
        if value["name"] and not slug:
            problems.append(f"{where}, kolom slug: tidak dapat dibentuk dari nama {value['name']!r}; isi slug")
        name_key = value["name"].casefold()
        if name_key and name_key in self.seen_names:
            problems.append(f"{where}, kolom name: {value['name']!r} sudah ada di baris {self.seen_names[name_key]}")
        if slug and slug in self.seen_slugs:
            problems.append(f"{where}, kolom slug: {slug!r} sudah ada di baris {self.seen_slugs[slug]}")
        self.seen_names.setdefault(name_key, line)
        self.seen_slugs.setdefault(slug, line)
        agency = AgencyValues(
            slug=slug,
            name=value["name"],
            short_name=value["short_name"],
            kind=value["kind"],
            parent_slug=value["parent"],
            name_confirmed=confirmed in TRUE_WORDS,
            source=value["source"],
            notes=value["notes"],
        )
        return agency, problems


def parents_first(rows: list[tuple[int, AgencyValues]]) -> list[tuple[int, AgencyValues]]:
    """The rows, each after its parent when the parent is in the file too; a loop in the file is refused."""
    in_file = {row.slug for _, row in rows}
    ordered, placed, pending = [], set(), rows
    while pending:
        ready = [(line, row) for line, row in pending if row.parent_slug not in in_file or row.parent_slug in placed]
        if not ready:
            raise DataFileError(
                [
                    f"baris {line} ({row.name}), kolom parent: SKPD induk {row.parent_slug!r} "
                    "berada di bawah SKPD ini sendiri"
                    for line, row in pending
                ]
            )
        ordered += ready
        placed |= {row.slug for _, row in ready}
        pending = [(line, row) for line, row in pending if row.slug not in placed]
    return ordered


def load_agencies(rows: list[tuple[int, AgencyValues]], seeder: Seeder) -> dict[str, Agency | None]:
    """Every row's agency by the file's slug; None for one a person deleted. Parents come first."""
    agencies: dict[str, Agency | None] = {}
    for line, row in parents_first(rows):
        where = f"baris {line} ({row.name})"
        values = {
            "slug": row.slug,
            "name": row.name,
            "short_name": row.short_name,
            "kind": row.kind,
            "name_confirmed": row.name_confirmed,
            "source": row.source,
            "notes": row.notes,
            **_parent(row, agencies, where=f"{where}, kolom parent"),
        }
        agencies[row.slug] = seeder.sync(
            Agency,
            key=row.slug,
            values=values,
            # A slug a person changed is found again in the history of the loader's writes.
            lookups=[{"slug": row.slug}, LoadedAs(slug=row.slug)],
            label=row.slug,
            where=where,
        )
    return agencies


def _parent(row: AgencyValues, loaded: dict[str, Agency | None], *, where: str) -> dict:
    if not row.parent_slug:
        return {"parent": None}
    if row.parent_slug in loaded:
        parent = loaded[row.parent_slug]
        # A parent a person deleted: the agency keeps whatever parent it has.
        return {} if parent is None else {"parent": parent}
    parent = Agency.objects.filter(slug=row.parent_slug).first()
    if parent is None:
        raise DataFileError([f"{where}: SKPD induk {row.parent_slug!r} tidak ada di berkas maupun basis data"])
    return {"parent": parent}
