"""Assertions shared by the tests of several apps."""

from django.db import IntegrityError, connection


def assert_violates(error: IntegrityError, constraint: str, sqlite_unique: str | None = None) -> None:
    """The database refused the row because of ``constraint``.

    SQLite names a unique constraint over plain columns by its columns, not by its name.
    """
    message = str(error)
    if connection.vendor == "sqlite" and sqlite_unique:
        assert f"UNIQUE constraint failed: {sqlite_unique}" in message
    else:
        assert constraint in message
