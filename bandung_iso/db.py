"""Small pieces of database vocabulary shared by the apps' models."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan


class StripWhitespace(models.Func):
    """Text without leading and trailing spaces, tabs and line breaks (SQL TRIM strips only spaces)."""

    arity = 1
    output_field = models.TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="trim(%(expressions)s, char(32, 9, 10, 13))", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="btrim(%(expressions)s, chr(32) || chr(9) || chr(10) || chr(13))", **extra
        )


def has_text(field: str, *, name: str, message) -> models.CheckConstraint:
    """A named CHECK that ``field`` holds more than white space."""
    return models.CheckConstraint(
        condition=GreaterThan(Length(StripWhitespace(field)), 0), name=name, violation_error_message=message
    )


def require_text(instance, field: str, message) -> None:
    """The friendly side of ``has_text``, for ``clean()``."""
    if not (getattr(instance, field) or "").strip():
        raise ValidationError({field: message})
