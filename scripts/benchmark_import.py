#!/usr/bin/env python
"""Time of the agency import's preview and confirmation for a file of 1,000 rows (target: under 10 s each).

Not a test: it prints figures. It builds a scratch database (a SQLite file in a temporary
folder, or, when DATABASE_URL points at PostgreSQL, `<name>_bench`, created and dropped as
benchmark_pages.py does; the database named there is left alone) with 200 agencies and the
35 placeholders of the shipped data (each with a certificate), writes a CSV of N rows (by
default: 35 rows naming a placeholder, 100 changed agencies, 100 unchanged ones, the rest new,
a third of them under a parent named earlier in the file), and sends it through the admin
over HTTP (Django's test client, logged in as programme staff): the upload (the preview,
rolled back), then the confirmation.

    .venv/bin/python scripts/benchmark_import.py
    .venv/bin/python scripts/benchmark_import.py --rows 2000 --runs 3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python scripts/benchmark_import.py
"""

import argparse
import csv
import datetime
import io
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The scratch PostgreSQL database, made and dropped as the pages' benchmark does (this folder is on sys.path).
from benchmark_pages import drop_postgres, prepare_postgres, scratch_database_url  # noqa: E402

EXISTING = 200
PLACEHOLDERS = 35
CHANGED = 100
UNCHANGED = 100
SOURCE = "Daftar SKPD Pemkot Bandung (benchmark)"


def start_django(folder: str) -> str:
    """Django on a migrated scratch database; its URL."""
    url = scratch_database_url(os.environ.get("DATABASE_URL"), folder)
    if url.startswith("postgres"):
        prepare_postgres(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bandung_iso.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def fill() -> None:
    """An emptied database, the roles, and the agencies already known: EXISTING named ones and the placeholders,
    each of these with a certificate."""
    from django.core.management import call_command

    from agencies.models import Agency
    from certifications.models import Certificate, Standard

    call_command("flush", interactive=False, verbosity=0)
    call_command("setup_roles", stdout=io.StringIO())
    standard = Standard.objects.create(
        code="ISO 9001:2008", title="Benchmark", published_on=datetime.date(2008, 11, 15), source="benchmark"
    )
    Agency.objects.bulk_create(
        Agency(
            slug=f"dinas-lama-{n:04d}",
            name=f"Dinas Lama {n:04d}",
            kind="department",
            name_confirmed=True,
            source=SOURCE,
        )
        for n in range(EXISTING)
    )
    placeholders = Agency.objects.bulk_create(
        Agency(
            slug=f"skpd-belum-teridentifikasi-{n:02d}",
            name=f"SKPD bersertifikat sebelumnya #{n:02d} (nama belum diketahui)",
            kind="unknown",
            name_confirmed=False,
            source="Lintasjabar.com, sekitar 2012",
        )
        for n in range(1, PLACEHOLDERS + 1)
    )
    Certificate.objects.bulk_create(
        Certificate(
            agency=agency,
            standard=standard,
            issued_on=datetime.date(2012, 12, 31),
            issued_precision="by_year",
            expires_on=datetime.date(2015, 12, 31),
            expires_precision="by_year",
            source="benchmark",
        )
        for agency in placeholders
    )


def file_rows(count: int) -> list[dict]:
    rows = []
    for n in range(1, PLACEHOLDERS + 1):
        rows.append({"nama": f"Dinas Bernama {n:02d}", "menggantikan": f"skpd-belum-teridentifikasi-{n:02d}"})
    for n in range(CHANGED + UNCHANGED):
        notes = "Diperbarui lewat impor" if n < CHANGED else ""
        rows.append({"slug": f"dinas-lama-{n:04d}", "nama": f"Dinas Lama {n:04d}", "catatan": notes})
    parent = None
    for n in range(count - len(rows)):
        if n % 3 == 0:
            parent = f"dinas-baru-{n:04d}"
            rows.append({"slug": parent, "nama": f"Dinas Baru {n:04d}"})
        else:
            rows.append({"nama": f"UPTD Baru {n:04d}", "jenis": "Lainnya", "induk": parent})
    return [{"jenis": "department", "nama_terkonfirmasi": "ya", "sumber": SOURCE, **row} for row in rows[:count]]


def csv_file(rows: list[dict]) -> bytes:
    headers = ["slug", "nama", "singkatan", "jenis", "induk", "nama_terkonfirmasi", "sumber", "catatan", "menggantikan"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def staff_client():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from bandung_iso.roles import Role

    user, _ = get_user_model().objects.get_or_create(username="staf-benchmark", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=Role.STAFF))
    client = Client()
    client.force_login(user)
    return client


class QueryCounter:
    """Counts the SQL statements run (Django's own log keeps only the last 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed_post(client, url: str, data: dict):
    """The response, its seconds and its number of SQL statements."""
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        response = client.post(url, data)
        seconds = time.perf_counter() - started
    return response, seconds, counter.count


def run_once(content: bytes) -> dict:
    """One preview and one confirmation on freshly filled data: seconds, queries and what they did."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    fill()
    client = staff_client()
    upload = {"import_file": SimpleUploadedFile("benchmark.csv", content), "format": "", "resource": "0"}
    preview, preview_seconds, preview_queries = timed_post(client, reverse("admin:agencies_agency_import"), upload)
    context = preview.context_data  # a TemplateResponse: no test instrumentation needed
    if context.get("confirm_form") is None:
        raise SystemExit(f"the preview found problems: {context['result'].agency_totals}")
    token = context["confirm_form"]["token"].value()
    confirmed, confirm_seconds, confirm_queries = timed_post(
        client, reverse("admin:agencies_agency_process_import"), {"token": token}
    )
    if confirmed.status_code != 302:
        raise SystemExit(f"the confirmation answered {confirmed.status_code}")
    return {
        "preview": preview_seconds,
        "confirm": confirm_seconds,
        "preview_queries": preview_queries,
        "confirm_queries": confirm_queries,
        "totals": context["result"].agency_totals,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000, help="rows in the file (default 1000)")
    parser.add_argument("--runs", type=int, default=1, help="runs, each on freshly filled data (default 1)")
    options = parser.parse_args()
    # The test settings serve static files from the finders; there is no collectstatic output.
    warnings.filterwarnings("ignore", message="No directory at")
    with tempfile.TemporaryDirectory() as folder:
        url = start_django(folder)
        from django.db import connection, connections

        engine = connection.vendor
        content = csv_file(file_rows(options.rows))
        results = [run_once(content) for _ in range(options.runs)]
        connections.close_all()
        if engine == "postgresql":
            drop_postgres(url)
    size = f"{len(content) / 1024:.0f} KiB"
    print(f"# {options.rows} rows ({size}), {engine}, {options.runs} runs; the preview said {results[0]['totals']}")
    print(f"{'step':<14}{'median s':>10}{'max s':>8}{'queries':>10}")
    for step in ("preview", "confirm"):
        times = [result[step] for result in results]
        print(f"{step:<14}{statistics.median(times):>10.2f}{max(times):>8.2f}{results[0][step + '_queries']:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
