#!/usr/bin/env python
"""Back up the portal's database with the database's own tool, check a backup, restore one.

    .venv/bin/python scripts/backup.py backup            # or: make backup
    .venv/bin/python scripts/backup.py check FILE        # or: make check-backup FILE=...
    .venv/bin/python scripts/backup.py restore FILE      # or: make restore FILE=...

The database is DATABASE_URL's (the environment, else .env, else SQLite db.sqlite3, as the
settings read it). A backup goes into BACKUP_DIR (default ./backups) under a UTC timestamp:

- PostgreSQL: `pg_dump --format=custom` (compressed, restored table by table with
  pg_restore; the client tools must be at least the server's version);
- SQLite: SQLite's online backup API, a consistent copy even while the portal writes.

A restore goes only into an EMPTY database (PostgreSQL: created with `createdb`, no tables;
SQLite: no file or a file without tables) and refuses any other, so it can never mix a
backup into live data. Stdlib and django-environ only: it runs where Django cannot start.
"""

import argparse
import datetime
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import environ

ROOT = Path(__file__).resolve().parent.parent
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
# Connection options in DATABASE_URL's query string that libpq reads from its environment.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class BackupError(Exception):
    """A refusal or failure with a message for the operator; exit status 1."""


def database() -> dict:
    environ.Env.read_env(ROOT / ".env", overwrite=False)
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'db.sqlite3'}"
    return environ.Env.db_url_config(url)


def is_postgres(db: dict) -> bool:
    return "postgresql" in db["ENGINE"] or "postgis" in db["ENGINE"]


def is_sqlite(db: dict) -> bool:
    return db["ENGINE"].endswith("sqlite3") or db["ENGINE"].endswith("spatialite")


def describe(db: dict) -> str:
    """The database, without its password, for what the script prints."""
    if is_sqlite(db):
        return f"SQLite {db['NAME']}"
    return f"PostgreSQL {db['NAME']} di {db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"


def libpq_env(db: dict) -> dict:
    """The connection for pg_dump, pg_restore and psql through libpq's variables: the password
    never appears on a command line (visible in `ps` to every user of the host)."""
    env = dict(os.environ)
    for key, value in {
        "PGHOST": db["HOST"],
        "PGPORT": db["PORT"],
        "PGUSER": db["USER"],
        "PGPASSWORD": db["PASSWORD"],
        "PGDATABASE": db["NAME"],
    }.items():
        if value not in (None, ""):
            env[key] = str(value)
    for option, variable in LIBPQ_OPTIONS.items():
        if option in db.get("OPTIONS", {}):
            env[variable] = str(db["OPTIONS"][option])
    return env


def run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 - fixed tools
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} tidak ditemukan: pasang klien PostgreSQL (postgresql-client).") from error
    if result.returncode != 0:
        raise BackupError(f"{command[0]} gagal ({result.returncode}):\n{result.stderr.strip()}")
    return result


def human_size(path: Path) -> str:
    size = path.stat().st_size
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


# --- backup -------------------------------------------------------------------------------


def backup(db: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    if is_postgres(db):
        target = folder / f"{db['NAME']}-{stamp}.dump"
    elif is_sqlite(db):
        target = folder / f"{Path(db['NAME']).stem}-{stamp}.sqlite3"
    else:
        raise BackupError(f"Basis data {db['ENGINE']} tidak didukung (hanya PostgreSQL dan SQLite).")
    if target.exists():
        raise BackupError(f"{target} sudah ada; jangan menimpa cadangan. Ulangi sedetik lagi.")
    # Written under a temporary name and renamed when complete: a file with the final name is
    # always a whole backup. Readable by the owner only (it holds password hashes).
    partial = target.with_name(target.name + ".partial")
    old_umask = os.umask(0o077)
    try:
        if is_postgres(db):
            run(["pg_dump", "--format=custom", "--no-password", f"--file={partial}"], libpq_env(db))
        else:
            source_path = Path(db["NAME"])
            if not source_path.is_file():
                raise BackupError(f"Berkas SQLite {source_path} tidak ada.")
            source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True)
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)  # SQLite's online backup: consistent while others write
            finally:
                copy.close()
                source.close()
        partial.rename(target)
    finally:
        os.umask(old_umask)
        partial.unlink(missing_ok=True)
    return target


# --- check --------------------------------------------------------------------------------


def kind_of(path: Path) -> str:
    if not path.is_file():
        raise BackupError(f"Berkas cadangan {path} tidak ada.")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    if head == SQLITE_MAGIC:
        return "sqlite"
    raise BackupError(f"{path} bukan cadangan PostgreSQL (pg_dump --format=custom) maupun SQLite.")


def check(path: Path) -> list[str]:
    """What the backup holds, read back by the tool that restores it; BackupError if unreadable."""
    if kind_of(path) == "postgresql":
        listing = run(["pg_restore", "--list", str(path)], dict(os.environ)).stdout
        tables = sorted(line.split()[-2] for line in listing.splitlines() if " TABLE DATA " in line)
        return [f"cadangan PostgreSQL, {len(tables)} tabel berisi data: {', '.join(tables)}"]
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"{path} rusak: {verdict}")
        tables = sorted(row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
        counts = []
        for name in tables:
            quoted = '"' + name.replace('"', '""') + '"'
            rows = connection.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]  # noqa: S608 - sqlite_master's names
            counts.append(f"{name}: {rows}")
    finally:
        connection.close()
    return [f"cadangan SQLite utuh (integrity_check ok), {len(tables)} tabel", *counts]


# --- restore ------------------------------------------------------------------------------


def postgres_tables(db: dict) -> int:
    query = (
        "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
    )
    result = run(["psql", "--no-password", "--no-psqlrc", "--tuples-only", "--no-align", "-c", query], libpq_env(db))
    return int(result.stdout.strip())


def sqlite_tables(path: Path) -> int:
    if not path.exists():
        return 0
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    finally:
        connection.close()


def restore(db: dict, path: Path) -> None:
    kind = kind_of(path)
    if kind == "postgresql" and not is_postgres(db):
        raise BackupError(f"{path} adalah cadangan PostgreSQL, tetapi DATABASE_URL menunjuk {describe(db)}.")
    if kind == "sqlite" and not is_sqlite(db):
        raise BackupError(f"{path} adalah cadangan SQLite, tetapi DATABASE_URL menunjuk {describe(db)}.")

    if is_postgres(db):
        existing = postgres_tables(db)
        if existing:
            raise BackupError(
                f"Menolak memulihkan: {describe(db)} tidak kosong ({existing} tabel/relasi). "
                "Pulihkan ke basis data baru yang kosong (createdb), lalu arahkan DATABASE_URL ke sana."
            )
        # One transaction: a failure leaves the database as empty as it was. No owner and no
        # grants from the source: the restored objects belong to DATABASE_URL's user.
        run(
            ["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction", "--no-password"]
            + [f"--dbname={db['NAME']}", str(path)],
            libpq_env(db),
        )
        return

    target = Path(db["NAME"])
    existing = sqlite_tables(target)
    if existing:
        raise BackupError(
            f"Menolak memulihkan: {describe(db)} tidak kosong ({existing} objek). "
            "Pulihkan ke berkas baru (DATABASE_URL=sqlite:////jalur/baru.sqlite3)."
        )
    check(path)  # a damaged backup stops here, before anything is written
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    old_umask = os.umask(0o077)
    try:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        partial.replace(target)
    finally:
        os.umask(old_umask)
        partial.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="a timestamped backup of DATABASE_URL's database into BACKUP_DIR")
    make.add_argument("--dir", type=Path, default=None, help="folder (default: BACKUP_DIR, else ./backups)")
    for name, text in (("check", "read a backup back and say what it holds"), ("restore", "into an empty database")):
        commands.add_parser(name, help=text).add_argument("file", type=Path)
    args = parser.parse_args(argv)

    try:
        if args.command == "backup":
            db = database()
            folder = args.dir or Path(os.environ.get("BACKUP_DIR") or ROOT / "backups")
            target = backup(db, folder)
            print(f"Cadangan {describe(db)} ditulis ke {target} ({human_size(target)}).")
        elif args.command == "check":
            for line in check(args.file):
                print(line)
        else:
            db = database()
            restore(db, args.file)
            print(f"Cadangan {args.file} dipulihkan ke {describe(db)}.")
    except BackupError as error:
        print(f"GAGAL: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
