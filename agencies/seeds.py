"""Seed records: the initial-data loader writes a record, then leaves it to staff.

``load_initial_agencies`` seeds the database from the data files; staff own what it wrote.
Each record the loader writes gets a ``SeedRecord``: its model, its natural key as the file
spells it, its pk, and every column as the loader left it. On a rerun ``Seeder.sync`` finds
the record by that pk (staff may have renamed its slug or numbered its certificate) and:

- its columns are still as the loader left them: the file may update it;
- a person changed it since (admin, shell, an import...): it is kept, and reported with the fields;
- a person deleted it: it is not recreated, and reported.

With ``reset`` the file has the last word: changed records are overwritten, each field
reported old -> new, and deleted ones recreated. A record without a seed record (a first load,
or a database loaded before seed records existed) is looked up by its natural key, then among
the loader's own rows of its edit history; found and already saying what the file says, it is
adopted; found and saying otherwise, a person changed it, so it is kept.
"""

import contextlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import SeedRecord

# The loader's writes carry it in the edit history (django-simple-history), where a model keeps one.
CHANGE_REASON = "load_initial_agencies"
CHANGED_BY_STAFF = _("diubah oleh staf sejak dimuat")
DELETED_BY_STAFF = _("dihapus oleh staf sejak dimuat")
# What a load did to each record; the first four write.
WRITES = ("created", "updated", "linked", "overwritten")
KEPT = ("kept_changed", "kept_deleted")
ACTIONS = (*WRITES, "unchanged", *KEPT)
SHOWN_LENGTH = 60


class DataFileError(Exception):
    """A data file that cannot be loaded; ``problems`` lists every reason found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def describe(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{key}: {' '.join(messages)}" for key, messages in error.message_dict.items())
    return " ".join(error.messages)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object
    new: object

    def __str__(self):
        return f"{self.field}: {shown(self.old)} -> {shown(self.new)}"


def shown(value) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 4] + "...'"


@dataclass(frozen=True)
class Entry:
    """One record a load wrote or kept: ``changes`` are old -> new (for a kept one: as loaded -> as now)."""

    action: str
    model: str
    label: str
    changes: tuple[FieldChange, ...] = ()


@dataclass
class LoadReport:
    """What a load did, or would do: counts per model and action, and each record it did not leave as it was."""

    counts: Counter = field(default_factory=Counter)
    entries: list[Entry] = field(default_factory=list)
    adopted: int = 0  # records loaded before seed records existed, recorded now

    def record(self, names: tuple[str, str], action: str, label: str, changes=()) -> None:
        """``names``: the model's (plural, singular) names."""
        self.counts[(str(names[0]), action)] += 1
        if action != "unchanged":
            self.entries.append(Entry(action, str(names[1]), label, tuple(changes)))

    def listed(self, *actions: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.action in actions]

    @property
    def changes(self) -> list[Entry]:
        return self.listed(*WRITES)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


class LoadedAs(dict):
    """A lookup among the loader's own rows of a record's edit history (models with django-simple-history)."""


def model_names(model) -> tuple[str, str]:
    return model._meta.verbose_name_plural, model._meta.verbose_name


def dump(instance: models.Model) -> dict:
    """Every column but the pk, as JSON stores it (a foreign key as its pk, a date as YYYY-MM-DD)."""
    values = {f.name: getattr(instance, f.attname) for f in instance._meta.concrete_fields if not f.primary_key}
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def dump_values(model, values: dict) -> dict:
    """The file's ``values`` as ``dump`` would read them once saved: a related record as its pk."""
    out = {}
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        if isinstance(value, models.Model):
            value = value.pk
        elif not model_field.is_relation:
            with contextlib.suppress(ValidationError):  # full_clean() names it, with the line
                value = model_field.to_python(value)
        out[model_field.name] = value
    return json.loads(json.dumps(out, cls=DjangoJSONEncoder))


def differences(before: dict, after: dict) -> list[FieldChange]:
    """The columns of ``before`` that ``after`` holds with another value (a column added since is no
    difference), in the order of ``after``: PostgreSQL's jsonb keeps no order of its own."""
    return [
        FieldChange(name, before[name], value)
        for name, value in after.items()
        if name in before and before[name] != value
    ]


class Gone(int):
    """The pk of a record the loader wrote once, found in its history and since deleted."""


class Seeder:
    """One load's view of the seed records: read once, written as the records are."""

    def __init__(self, report: LoadReport, *, reset: bool = False):
        self.report, self.reset = report, reset
        self.now = timezone.now()
        self.seeds = {(seed.model, seed.key): seed for seed in SeedRecord.objects.all()}
        # Pks seeded under some key: no other key may take them by a natural-key lookup.
        self.claimed: dict[str, set[int]] = defaultdict(set)
        for seed in self.seeds.values():
            if seed.object_pk is not None:
                self.claimed[seed.model].add(seed.object_pk)
        # Records found in the database without a seed record: loaded before seed records existed.
        self.unseeded: set[tuple[str, int]] = set()

    def sync(self, model, *, key: str, values: dict, lookups=(), label: str, where: str):
        """The record the file names ``key``, given ``values`` unless a person changed it since the loader
        last wrote it; None when a person deleted it. ``lookups`` find it when it has no seed record yet."""
        wanted = dump_values(model, values)
        seed = self.seeds.get((model._meta.label_lower, key))
        if seed is not None:
            instance = model._default_manager.filter(pk=seed.object_pk).first() if seed.object_pk else None
            if instance is None:
                return self._gone(model, key, values, label=label, where=where, pk=seed.object_pk)
            staff = differences(seed.values, dump(instance))
        else:
            instance = self._find(model, lookups)
            if isinstance(instance, Gone):
                return self._gone(model, key, values, label=label, where=where, pk=int(instance))
            staff = differences(wanted, dump(instance)) if instance is not None else []
            if instance is not None:
                self.unseeded.add((model._meta.label_lower, instance.pk))
                self.report.adopted += 1
        if staff and not self.reset:
            self.report.record(model_names(model), "kept_changed", label, staff)
            if seed is None:
                # As if the loader had written the file's values: what differs stays the person's.
                self._remember(model._meta.label_lower, key, instance.pk, {**dump(instance), **wanted})
            return instance
        return self._write(model, key, instance, values, label=label, where=where, overwrite=bool(staff))

    def _find(self, model, lookups):
        claimed = self.claimed[model._meta.label_lower]
        for lookup in lookups:
            if isinstance(lookup, LoadedAs):
                if not hasattr(model, "history"):
                    continue
                rows = model.history.filter(**lookup, history_change_reason=CHANGE_REASON).order_by("-history_date")
                pk = next((pk for pk in rows.values_list("id", flat=True) if pk not in claimed), None)
                if pk is not None:
                    return model._default_manager.filter(pk=pk).first() or Gone(pk)
                continue
            found = model._default_manager.filter(**lookup).order_by("pk")
            instance = next((candidate for candidate in found if candidate.pk not in claimed), None)
            if instance is not None:
                return instance
        return None

    def _gone(self, model, key: str, values: dict, *, label: str, where: str, pk):
        if self.reset:
            return self._write(model, key, None, values, label=label, where=where, overwrite=False)
        self.report.record(model_names(model), "kept_deleted", label)
        self._remember(model._meta.label_lower, key, pk, dump_values(model, values))
        return None

    def _write(self, model, key: str, instance, values: dict, *, label: str, where: str, overwrite: bool):
        if instance is None:
            instance, action, changes = model(**values), "created", []
        else:
            current, wanted = dump(instance), dump_values(model, values)
            changes = [FieldChange(name, current.get(name), value) for name, value in wanted.items()]
            changes = [change for change in changes if change.old != change.new]
            for change in changes:
                setattr(instance, change.field, values[change.field])
            action = ("overwritten" if overwrite else "updated") if changes else "unchanged"
        if action != "unchanged":
            try:
                instance.full_clean()
            except ValidationError as error:
                raise DataFileError([f"{where}: {describe(error)}"]) from None
            instance._change_reason = CHANGE_REASON
            instance.save()
        self._remember(model._meta.label_lower, key, instance.pk, dump(instance))
        self.report.record(model_names(model), action, label, changes)
        return instance

    def link(self, source: models.Model, field_name: str, target: models.Model, *, key: str, label: str) -> None:
        """The many-to-many link ``source.field_name`` -> ``target``, added once: a link a person
        removed is not added again (unless ``reset``)."""
        many = source._meta.get_field(field_name)
        through = many.remote_field.through
        pair = {many.m2m_field_name(): source.pk, many.m2m_reverse_field_name(): target.pk}
        names = (f"{source._meta.verbose_name} – {many.verbose_name}",) * 2
        seed = self.seeds.get((through._meta.label_lower, key))
        row = through.objects.filter(**pair).first()
        if row is not None:
            self._remember(through._meta.label_lower, key, row.pk, pair)
            self.report.record(names, "unchanged", label)
            return
        removed = seed.values == pair if seed is not None else self._loaded_before_seeds(source, target)
        if removed and not self.reset:
            self.report.record(names, "kept_deleted", label)
            self._remember(through._meta.label_lower, key, seed.object_pk if seed else None, pair)
            return
        getattr(source, field_name).add(target)
        self._remember(through._meta.label_lower, key, through.objects.get(**pair).pk, pair)
        self.report.record(names, "linked", label)

    def _loaded_before_seeds(self, *records: models.Model) -> bool:
        # Both ends were loaded by a loader that kept no seed records, which added every link
        # of the file: a missing one was removed by a person.
        return all((record._meta.label_lower, record.pk) in self.unseeded for record in records)

    def _remember(self, model_label: str, key: str, pk, values: dict) -> None:
        seed = self.seeds.get((model_label, key))
        if seed is not None and (seed.object_pk, seed.values) == (pk, values):
            return
        if seed is None:
            seed = self.seeds[(model_label, key)] = SeedRecord(model=model_label, key=key)
        seed.object_pk, seed.values, seed.written_at = pk, values, self.now
        seed.save()
        if pk is not None:
            self.claimed[model_label].add(pk)
