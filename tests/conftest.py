import os

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory
from tests.migrations import migrate


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: rolling back a test's transaction sends no signal."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request under /en/ leaves English active in the thread: each test starts in Indonesian again."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def roles(db):
    """The role groups, as `setup_roles` makes them."""
    from accounts.services import setup_roles

    setup_roles()


@pytest.fixture
def staff_client(client, db):
    """A Django test client logged in as a superuser (full admin access)."""
    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


# Playwright's sync API runs an event loop in the test thread; the test itself only sets
# up data through the ORM, which Django would otherwise refuse in that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a browser that Playwright downloads."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture
def at_latest(transactional_db):
    """For the tests of data migrations: leaves the database migrated to the latest state after the test."""
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
