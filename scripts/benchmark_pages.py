#!/usr/bin/env python
"""Server time and SQL queries of the public pages on a city-sized and a country-sized register.

Not a test: it prints figures. It builds a scratch database (a SQLite file in a temporary
folder, or a scratch PostgreSQL database when DATABASE_URL points at PostgreSQL: the
database named there is left alone and `<name>_bench` is created and dropped), fills it
with N agencies with a few certificates, audits and findings each, and requests each page
through Django's test client.

    .venv/bin/python scripts/benchmark_pages.py                 # 500 and 40000 agencies
    .venv/bin/python scripts/benchmark_pages.py --sizes 500 --runs 30
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python scripts/benchmark_pages.py
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def scratch_database_url(base: str | None, folder: str) -> str:
    if base and base.startswith(("postgres://", "postgresql://")):
        head, _, name = base.rpartition("/")
        return f"{head}/{name or 'postgres'}_bench"
    return f"sqlite:///{folder}/bench.sqlite3"


def prepare_postgres(url: str) -> None:
    import psycopg2

    head, _, name = url.rpartition("/")
    connection = psycopg2.connect(f"{head}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def drop_postgres(url: str) -> None:
    import psycopg2

    head, _, name = url.rpartition("/")
    connection = psycopg2.connect(f"{head}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


def create_standards() -> tuple:
    """The two ISO 9001 editions: certificates issued before 2016 are on the 2008 one."""
    from certifications.models import Standard

    iso2008 = Standard.objects.create(
        code="ISO 9001:2008",
        title="Benchmark",
        published_on=datetime.date(2008, 11, 15),
        certificates_valid_until=datetime.date(2018, 9, 15),
        source="benchmark",
    )
    iso2015 = Standard.objects.create(
        code="ISO 9001:2015", title="Benchmark", published_on=datetime.date(2015, 9, 15), source="benchmark"
    )
    return iso2008, iso2015


def create_bodies_and_programme(size: int) -> list:
    """20 certification bodies, and the programme that targets every agency."""
    from certifications.models import CertificationBody, Programme

    bodies = CertificationBody.objects.bulk_create(CertificationBody(name=f"Lembaga {i}") for i in range(20))
    Programme.objects.create(
        slug="bench", name="Benchmark", target_agencies=size, deadline=datetime.date(2013, 12, 31), source="benchmark"
    )
    return bodies


def create_agencies(rng: random.Random, size: int) -> list:
    from agencies.models import Agency

    kinds = list(Agency.Kind.values)
    return Agency.objects.bulk_create(
        Agency(
            name=f"SKPD Uji {i:06d}",
            short_name=f"U{i}",
            slug=f"skpd-uji-{i:06d}",
            kind=rng.choice(kinds),
            name_confirmed=rng.random() < 0.8,
            source="benchmark",
        )
        for i in range(size)
    )


def create_certificates(rng: random.Random, agencies: list, standards: tuple, bodies: list) -> list:
    """1-3 three-year certificates per agency, mostly active, numbered in order."""
    from certifications.cycle import CERTIFICATE_YEARS
    from certifications.dates import DatePrecision, add_years
    from certifications.models import Certificate

    iso2008, iso2015 = standards
    certificates, numbers = [], 0
    for agency in agencies:
        for _ in range(rng.randint(1, 3)):
            issued = datetime.date(rng.randint(2008, 2025), rng.randint(1, 12), rng.randint(1, 28))
            numbers += 1
            status = rng.choices(["active", "suspended", "withdrawn"], weights=[90, 5, 5])[0]
            certificates.append(
                Certificate(
                    agency=agency,
                    standard=iso2008 if issued.year < 2016 else iso2015,
                    body=rng.choice(bodies),
                    number=f"QMS-{numbers:07d}",
                    issued_on=issued,
                    issued_precision=DatePrecision.DAY,
                    expires_on=add_years(issued, DatePrecision.DAY, CERTIFICATE_YEARS),
                    expires_precision=DatePrecision.DAY,
                    status=status,
                    status_changed_on=None if status == "active" else issued + datetime.timedelta(days=200),
                    status_reason="" if status == "active" else "benchmark",
                    source="benchmark",
                )
            )
    return Certificate.objects.bulk_create(certificates, batch_size=2000)


def create_audits(rng: random.Random, certificates: list) -> list:
    """At most one completed surveillance audit per certificate, in its first year."""
    from certifications.models import Audit

    audits = []
    for certificate in certificates:
        for _ in range(rng.randint(0, 1)):
            start = certificate.issued_on + datetime.timedelta(days=rng.randint(200, 360))
            audits.append(
                Audit(
                    agency_id=certificate.agency_id,
                    certificate=certificate,
                    kind="surveillance",
                    starts_on=start,
                    ends_on=start + datetime.timedelta(days=1),
                    status="completed",
                )
            )
    return Audit.objects.bulk_create(audits, batch_size=2000)


def create_findings(rng: random.Random, audits: list) -> list:
    """0-4 findings per audit; some nonconformities closed."""
    from django.contrib.auth import get_user_model

    from certifications.models import Finding

    # A closed finding records its corrective action and who verified it (database constraints);
    # observations and opportunities are only noted.
    verifier = get_user_model().objects.create(username="benchmark-auditor")
    findings = []
    for audit in audits:
        for _ in range(rng.randint(0, 4)):
            grade = rng.choice(["major", "minor", "observation", "opportunity"])
            closed = grade in ("major", "minor") and rng.random() < 0.6
            findings.append(
                Finding(
                    audit=audit,
                    clause="4.2.3",
                    grade=grade,
                    description="benchmark",
                    status=("closed" if closed else "open") if grade in ("major", "minor") else "noted",
                    corrective_action="benchmark" if closed else "",
                    action_proposed_on=audit.starts_on + datetime.timedelta(days=30) if closed else None,
                    verification="benchmark" if closed else "",
                    verified_by=verifier if closed else None,
                    closed_on=audit.starts_on + datetime.timedelta(days=60) if closed else None,
                    due_on=audit.starts_on + datetime.timedelta(days=90),
                )
            )
    Finding.objects.bulk_create(findings, batch_size=2000)
    return findings


def create_ceremony(certificates: list) -> None:
    """One award ceremony for the first 50 certificates."""
    from certifications.models import Ceremony

    ceremony = Ceremony.objects.create(
        slug="bench", title="Benchmark", held_on=datetime.date(2012, 6, 1), held_precision="day", source="benchmark"
    )
    ceremony.certificates.add(*certificates[:50])


def fill(size: int, *, seed: int = 2013) -> dict:
    """``size`` agencies, each with 1-3 certificates, 0-3 audits and 0-4 findings per audit."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    standards = create_standards()
    bodies = create_bodies_and_programme(size)
    agencies = create_agencies(rng, size)
    certificates = create_certificates(rng, agencies, standards, bodies)
    audits = create_audits(rng, certificates)
    findings = create_findings(rng, audits)
    create_ceremony(certificates)
    return {
        "agencies": len(agencies),
        "certificates": len(certificates),
        "audits": len(audits),
        "findings": len(findings),
        "sample_agency": agencies[len(agencies) // 2].slug,
        "sample_number": certificates[len(certificates) // 2].number,
    }


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, status = [], 0, None
    for i in range(runs + 1):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        status = response.status_code
        if i:  # the first request warms caches and connections
            times.append(elapsed * 1000)
        queries = len(captured.captured_queries)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {"status": status, "median": statistics.median(times), "p95": p95, "queries": queries}


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 40000], help="agencies per run")
    parser.add_argument("--runs", type=int, default=20, help="requests per page (after one warm-up)")
    return parser.parse_args()


def setup_django() -> str:
    """Point Django at a scratch database with the test settings; returns the database's URL."""
    folder = tempfile.mkdtemp(prefix="bandung-bench-")
    url = scratch_database_url(os.environ.get("DATABASE_URL"), folder)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bandung_iso.settings.test"
    # Server time is the work of rendering a page: the public page cache stays out of the way.
    os.environ["PUBLIC_CACHE_TIMEOUT"] = "0"
    # Every request comes from one test client: the per-address limit would answer 429.
    os.environ["RATELIMIT_CERTIFICATE_CHECK"] = "1000000/s"

    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    return url


def reset_database(url: str) -> None:
    """An empty, migrated scratch database."""
    from django.core.management import call_command
    from django.db import connection

    connection.close()
    if connection.vendor == "postgresql":
        prepare_postgres(url)
    else:
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)


def fill_and_analyse(size: int) -> tuple[dict, float]:
    """The register's rows and the planner statistics; returns fill()'s facts and the seconds it took."""
    from django.db import connection

    started = time.perf_counter()
    facts = fill(size)
    # A live database has planner statistics and, on PostgreSQL, a visibility map that lets
    # counts read an index alone (autovacuum keeps both); a freshly bulk-loaded one has
    # neither until told.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return facts, time.perf_counter() - started


def rebuild_figures() -> float:
    """Seconds to rebuild the dashboard's stored figures.

    The first request after a write rebuilds them (the warm-up would pay it): timed here on
    their own, as a write's cost.
    """
    from portal.figures import rebuild

    started = time.perf_counter()
    rebuild(force=True)
    return time.perf_counter() - started


def print_register(facts: dict, filled: float, rebuilt: float) -> None:
    from portal.models import Figure

    print(
        f"# {facts['agencies']} agencies, {facts['certificates']} certificates, {facts['audits']} audits, "
        f"{facts['findings']} findings (filled in {filled:.1f} s); dashboard figures rebuilt in "
        f"{rebuilt * 1000:.0f} ms ({Figure.objects.count()} rows)"
    )


def public_pages(facts: dict) -> dict[str, str]:
    """Name and URL of each page measured."""
    return {
        "dashboard": "/",
        "dashboard ?per=2013": "/?per=2013-12-31",
        "register": "/skpd/",
        "register search": "/skpd/?q=00042",
        "register page 20": "/skpd/?halaman=20&status=certified",
        "register by status": "/skpd/?urut=status",
        "agency page": f"/skpd/{facts['sample_agency']}/",
        "certificate check": f"/verifikasi/?nomor={facts['sample_number']}",
    }


def measure_pages(size: int, facts: dict, runs: int) -> None:
    """One line per page: status, median and 95th percentile time, queries."""
    from django.test import Client

    client = Client()
    for name, page in public_pages(facts).items():
        result = measure(client, page, runs)
        print(
            f"{size:>9} {name:<22} {result['status']:>6} {result['median']:>10.1f} "
            f"{result['p95']:>8.1f} {result['queries']:>8}"
        )


def dashboard_counts(runs: int) -> None:
    """The dashboard's agency counts read from the figure rows, and straight from the timeline.

    What decides whether the figure rows may go (one precomputed store, not two): the same
    counts (certified on each day of the chart and on the day shown, each lapse reason,
    suspended or withdrawn, certified per kind), first as the figure probes the dashboard runs,
    then as one aggregate over the stored stretches with a filter per day.
    """
    from django.db.models import Count, Q

    from agencies.models import Agency, AgencyStatus
    from certifications.models import StatusStretch
    from certifications.timeline import REASONS
    from portal import dashboard, figures

    day = datetime.date(2013, 12, 31)
    days = dashboard.series_days(since=figures.current().first_issued, until=day)
    kinds = Agency.Kind.values
    wanted = [("certified", each) for each in days] + [(name, day) for name in (*REASONS, "troubled")]
    wanted += [(f"certified:{kind}", day) for kind in kinds]
    on = {each: Q(starts_on__lte=each, ends_on__gte=each) for each in days}
    counts = {f"certified_{i}": Count("pk", filter=on[each] & Q(status="certified")) for i, each in enumerate(days)}
    counts |= {name: Count("pk", filter=on[day] & Q(**{name: True})) for name in REASONS}
    counts["troubled"] = Count("pk", filter=on[day] & Q(status__in=[AgencyStatus.SUSPENDED, AgencyStatus.WITHDRAWN]))
    for ways, read in (
        ("figure rows", lambda: figures.values(wanted)),
        (
            "timeline",
            lambda: (
                StatusStretch.objects.aggregate(**counts),
                list(
                    StatusStretch.objects.filter(on[day], status="certified")
                    .values("agency__kind")
                    .annotate(n=Count("pk"))
                ),
            ),
        ),
    ):
        times = []
        for i in range(runs + 1):
            started = time.perf_counter()
            read()
            if i:
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        print(f"          dashboard counts from the {ways:<12} {statistics.median(times):>10.1f} {p95:>8.1f}")


def main() -> int:
    args = parse_arguments()
    url = setup_django()
    from django.db import connection

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), {args.runs} requests per page")
    print(f"{'agencies':>9} {'page':<22} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for size in args.sizes:
        reset_database(url)
        facts, filled = fill_and_analyse(size)
        rebuilt = rebuild_figures()
        print_register(facts, filled, rebuilt)
        measure_pages(size, facts, args.runs)
        dashboard_counts(args.runs)
    connection.close()
    if connection.vendor == "postgresql":
        drop_postgres(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
