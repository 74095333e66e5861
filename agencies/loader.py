"""Loading agencies from a data file: the agency columns of a row, and upserts on natural keys.

The agencies' half of ``manage.py load_initial_agencies`` (certifications.loader reads the
certificate columns of the same rows and loads the rest). Every problem is reported with its
line, column and value; nothing is written unless the whole file is good.
"""

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from .models import Agency

REQUIRED_VALUES = ("name", "kind", "source")
TRUE_WORDS = {"ya", "y", "true", "1", "yes"}
FALSE_WORDS = {"tidak", "t", "false", "0", "no", ""}
# Read by the edit history (django-simple-history) where a model keeps one.
CHANGE_REASON = "load_initial_agencies"


class DataFileError(Exception):
    """A data file that cannot be loaded; ``problems`` lists every reason found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadReport:
    """What a load did, or would do: counts per model and action."""

    counts: Counter = field(default_factory=Counter)
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (action, model, label)

    def record(self, model: type, action: str, label: str) -> None:
        self.counts[(model._meta.verbose_name_plural, action)] += 1
        if action not in ("unchanged", "replaced"):
            self.changes.append((action, str(model._meta.verbose_name), label))

    @property
    def changed(self) -> bool:
        return bool(self.changes)


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


def describe(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{key}: {' '.join(messages)}" for key, messages in error.message_dict.items())
    return " ".join(error.messages)


def upsert(model, *, lookup: dict, values: dict, report: LoadReport, label: str, where: str):
    """Create or update one row on its natural key; a row already equal is left untouched."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance, action = model(**lookup, **values), "created"
    else:
        changed = [key for key, value in values.items() if getattr(instance, key) != value]
        if not changed:
            report.record(model, "unchanged", label)
            return instance
        for key in changed:
            setattr(instance, key, values[key])
        action = "updated"
    try:
        instance.full_clean()
    except ValidationError as error:
        raise DataFileError([f"{where}: {describe(error)}"]) from None
    instance._change_reason = CHANGE_REASON
    instance.save()
    report.record(model, action, label)
    return instance


def load_agencies(rows: list[tuple[int, AgencyValues]], report: LoadReport) -> dict[str, Agency]:
    """Every row's agency by slug. Parents may come later in the file than their children:
    agencies first, parents second.

    A row whose slug is now another agency's former slug (a placeholder the city's list named,
    through the admin's import) is that agency, left as the import made it: the file's
    placeholder is older news, and loading it again would bring back a second, nameless copy.
    """
    agencies = {}
    replaced = set()
    for line, row in rows:
        successor = Agency.objects.formerly(row.slug).first()
        if successor is not None:
            agencies[row.slug] = successor
            replaced.add(row.slug)
            report.record(Agency, "replaced", row.slug)
            continue
        values = {
            "name": row.name,
            "short_name": row.short_name,
            "kind": row.kind,
            "name_confirmed": row.name_confirmed,
            "source": row.source,
            "notes": row.notes,
        }
        agencies[row.slug] = upsert(
            Agency,
            lookup={"slug": row.slug},
            values=values,
            report=report,
            label=row.slug,
            where=f"baris {line} ({row.name})",
        )
    for line, row in rows:
        if row.slug in replaced:
            continue
        where = f"baris {line} ({row.name}), kolom parent"
        parent = None
        if row.parent_slug:
            parent = agencies.get(row.parent_slug) or Agency.objects.with_slug_or_former(row.parent_slug).first()
            if parent is None:
                raise DataFileError([f"{where}: SKPD induk {row.parent_slug!r} tidak ada di berkas maupun basis data"])
        # The agency itself was counted above.
        upsert(
            Agency,
            lookup={"slug": row.slug},
            values={"parent": parent},
            report=LoadReport(),
            label=row.slug,
            where=where,
        )
    return agencies
