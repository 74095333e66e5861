"""`make backup` and `make restore` for real: scripts/backup.py with pg_dump/pg_restore or SQLite's backup API.

A scratch source database (a SQLite file, or `<name>_src` beside DATABASE_URL's PostgreSQL
database) is migrated and filled in a subprocess, backed up, restored into a fresh database
(a new SQLite file, or `<name>_dst`), and both are dumped with `manage.py dumpdata`: every
row of every table, history included, must be there and equal. The in-process test database
is not used.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# Made through the services and save(), as staff would: the history rows come from there.
FILL = """
import datetime
from accounts.services import setup_roles
from certifications import services
from tests.factories import AgencyFactory, CertificateFactory, RoleUserFactory

setup_roles()
staff = RoleUserFactory(username="staf-cadangan")
parent = AgencyFactory(name="Dinas Uji Cadangan", slug="dinas-uji-cadangan")
agency = AgencyFactory(name="Kecamatan Uji Cadangan", slug="kecamatan-uji-cadangan", parent=parent)
certificate = CertificateFactory(agency=agency, number="CAD-2012-001")
services.suspend_certificate(
    certificate=certificate, by=staff, on=datetime.date(2013, 1, 10),
    reason="Audit pengawasan terlewat", today=datetime.date(2026, 11, 25),
)
agency.name = "Kecamatan Uji Cadangan (berganti nama)"
agency.save()
"""


def subprocess_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BACKUP_")) and k != "DATABASE_URL"}
    return {**env, "DJANGO_SETTINGS_MODULE": "bandung_iso.settings.test", **extra}


def run(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own scripts, fixed arguments
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def manage(*args: str, database_url: str) -> str:
    result = run("manage.py", *args, env=subprocess_env(DATABASE_URL=database_url))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def backup_script(*args: str, database_url: str, backup_dir: Path | None = None) -> subprocess.CompletedProcess:
    extra = {"DATABASE_URL": database_url}
    if backup_dir is not None:
        extra["BACKUP_DIR"] = str(backup_dir)
    return run("scripts/backup.py", *args, env=subprocess_env(**extra))


def dump(database_url: str) -> list[dict]:
    return json.loads(manage("dumpdata", "--format=json", database_url=database_url))


@pytest.fixture
def databases(tmp_path):
    """(source URL, empty destination URL): SQLite files, or two scratch PostgreSQL databases."""
    if not POSTGRES:
        (tmp_path / "restored").mkdir()
        yield f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'restored' / 'db.sqlite3'}"
        return

    import psycopg2

    base = urlsplit(os.environ["DATABASE_URL"])
    name = base.path.lstrip("/") or "postgres"
    names = [f"{name}_src", f"{name}_dst"]
    admin = psycopg2.connect(urlunsplit(base._replace(path="/postgres")))
    admin.autocommit = True

    def drop_all():
        with admin.cursor() as cursor:
            for scratch in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')

    drop_all()
    with admin.cursor() as cursor:
        for scratch in names:
            cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        yield tuple(urlunsplit(base._replace(path=f"/{scratch}")) for scratch in names)
    finally:
        drop_all()
        admin.close()


def test_a_backup_restored_into_a_fresh_database_holds_every_record_and_its_history(databases, tmp_path):
    source, destination = databases
    manage("migrate", "--noinput", database_url=source)
    manage("shell", "-c", FILL, database_url=source)
    before = dump(source)

    folder = tmp_path / "backups"
    made = backup_script("backup", database_url=source, backup_dir=folder)
    assert made.returncode == 0, made.stdout + made.stderr
    [backup] = folder.iterdir()
    assert backup.name.endswith(".dump" if POSTGRES else ".sqlite3")
    assert str(backup) in made.stdout
    assert backup.stat().st_mode & 0o077 == 0  # password hashes inside: owner only

    checked = backup_script("check", str(backup), database_url=source)
    assert checked.returncode == 0, checked.stderr
    assert "agencies_historicalagency" in checked.stdout

    restored = backup_script("restore", str(backup), database_url=destination)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "dipulihkan" in restored.stdout

    after = dump(destination)
    assert after == before

    # Not an empty equality: the records made above, and their history, are there.
    rows = {}
    for row in after:
        rows.setdefault(row["model"], []).append(row["fields"])
    agencies = {fields["slug"]: fields for fields in rows["agencies.agency"]}
    assert agencies["kecamatan-uji-cadangan"]["name"] == "Kecamatan Uji Cadangan (berganti nama)"
    assert "dinas-uji-cadangan" in agencies
    [certificate] = [fields for fields in rows["certifications.certificate"] if fields["number"] == "CAD-2012-001"]
    assert certificate["status"] == "suspended"
    assert certificate["status_reason"] == "Audit pengawasan terlewat"

    agency_history = [f for f in rows["agencies.historicalagency"] if f["slug"] == "kecamatan-uji-cadangan"]
    assert {f["name"] for f in agency_history} == {"Kecamatan Uji Cadangan", "Kecamatan Uji Cadangan (berganti nama)"}
    certificate_history = [f for f in rows["certifications.historicalcertificate"] if f["number"] == "CAD-2012-001"]
    assert [f["status"] for f in sorted(certificate_history, key=lambda f: f["history_date"])] == [
        "active",
        "suspended",
    ]
    suspension = next(f for f in certificate_history if f["status"] == "suspended")
    assert "Audit pengawasan terlewat" in suspension["history_change_reason"]
    staff = next(f for f in rows["auth.user"] if f["username"] == "staf-cadangan")
    assert staff["password"]  # the account, and so who made the change, came along


def test_a_restore_into_a_database_that_is_not_empty_is_refused(databases, tmp_path):
    source, destination = databases
    manage("migrate", "--noinput", database_url=source)
    made = backup_script("backup", database_url=source, backup_dir=tmp_path / "backups")
    assert made.returncode == 0, made.stdout + made.stderr
    [backup] = (tmp_path / "backups").iterdir()

    # The destination already holds a portal (tables, a record): a restore must not touch it.
    manage("migrate", "--noinput", database_url=destination)
    one_agency = "from tests.factories import AgencyFactory; AgencyFactory(slug='tetap')"
    manage("shell", "-c", one_agency, database_url=destination)
    before = dump(destination)

    refused = backup_script("restore", str(backup), database_url=destination)
    assert refused.returncode == 1
    assert "Menolak memulihkan" in refused.stderr
    assert "tidak kosong" in refused.stderr
    assert dump(destination) == before

    # A backup of the other kind, or no backup at all, is refused with its reason too.
    not_a_backup = tmp_path / "catatan.txt"
    not_a_backup.write_text("bukan cadangan")
    refused = backup_script("restore", str(not_a_backup), database_url=destination)
    assert refused.returncode == 1
    assert "bukan cadangan PostgreSQL" in refused.stderr
