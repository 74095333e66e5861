"""How the back office names a person and a stored value to the people who read it.

Stored values are codes ("tidak_diketahui", ``False``, a user's id); the pages show their
labels, in the active language. Infrastructure: it imports no app, so every app's admin, mail
and template can use it.
"""

import datetime

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext

# How user pickers sort people: as ``person_name`` shows them, the username last.
PEOPLE_ORDER = ("first_name", "last_name", "username")


def person_name(user: AbstractBaseUser | None) -> str:
    """A user's full name; the username only where no full name is set."""
    if user is None:
        return ""
    full_name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return full_name or user.get_username()


def empty_value() -> str:
    return gettext("(kosong)")


def field_value(field: models.Field, value) -> str:
    """``value`` of ``field`` as a reader knows it: a choice's label, "ya"/"tidak", a person's name.

    A foreign key's value is the related object (or anything with a ``str()``, as the edit
    history's stand-in for a deleted row); a many-to-many field's, an iterable of them. A code no
    longer among the choices is shown as stored: there is no label left to show.
    """
    if value is None or value == "" or (field.many_to_many and not value):
        return empty_value()
    if field.many_to_many:
        return ", ".join(_related(item) for item in value)
    if field.is_relation:
        return _related(value)
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return gettext("ya") if value else gettext("tidak")
    return _plain(value)


def _related(obj) -> str:
    return person_name(obj) if isinstance(obj, AbstractBaseUser) else str(obj)


def _plain(value) -> str:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(formats.localize(value))


# --- People in forms -----------------------------------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    """A user picker that lists people by name (``person_name``)."""

    def label_from_instance(self, obj):
        return person_name(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    """A picker of several users, listed by name (``person_name``)."""

    def label_from_instance(self, obj):
        return person_name(obj)
