"""Migrating the test database itself, for the tests of data migrations (real schema, real CHECK)."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(target):
    """Migrate the test database to ``target`` (a list of nodes); the models as they were then."""
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps
