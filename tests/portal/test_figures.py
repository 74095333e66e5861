"""The stored dashboard figures (portal.figures) against the queries they replace.

Each figure on each day must equal what the models' own queries say on that day, on random
records and on every day where something starts or ends (and the days either side), on both
database engines. And they must never be stale: every kind of write makes the next read
rebuild them.
"""

import datetime
import random
import threading
import time

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, AgencyStatus
from certifications import selectors
from certifications.dates import DatePrecision
from certifications.models import (
    Audit,
    Certificate,
    CertificateStatus,
    Finding,
    FindingGrade,
    Programme,
    ProgrammeMember,
)
from certifications.notice import EXPIRY_NOTICE_DAYS
from portal import figures
from portal.models import Figure, FigureChange, FigureState
from tests.factories import (
    AgencyFactory,
    AuditFactory,
    CertificateFactory,
    FindingFactory,
    ProgrammeFactory,
    StandardFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
ONE = datetime.timedelta(days=1)


FIRST_DAY = D(2008, 1, 1)


@pytest.fixture
def programme():
    """The programme whose members the agency figures count; agencies made later join it."""
    return ProgrammeFactory()


def random_day(rng, first=FIRST_DAY, span=365 * 12) -> datetime.date:
    return first + datetime.timedelta(days=rng.randrange(span))


def random_membership(rng, programme: Programme, agency: Agency) -> list[datetime.date]:
    """Most agencies count toward the programme always, some for a while, some never; returns the dates."""
    draw = rng.random()
    if draw < 0.1:
        return []
    starts = random_day(rng) if draw > 0.7 else None
    ends = (starts or FIRST_DAY) + datetime.timedelta(days=rng.randrange(365 * 6)) if draw > 0.6 else None
    ProgrammeMember.objects.create(programme=programme, agency=agency, starts_on=starts, ends_on=ends, source="Uji")
    return [d for d in (starts, ends) if d]


def random_records(seed: int, *, agencies: int = 14) -> list[datetime.date]:
    """Random agencies, with their memberships of the current programme, certificates, audits and
    findings; returns every date they hold."""
    rng = random.Random(seed)  # noqa: S311 (repeatable test data, not a secret)
    standards = [
        StandardFactory(code="ISO 9001:2008", certificates_valid_until=D(2018, 9, 15)),
        StandardFactory(code="ISO 9001:2015", certificates_valid_until=None, published_on=D(2015, 9, 15)),
        StandardFactory(code="ISO 9001:2000", certificates_valid_until=D(2010, 11, 15), published_on=D(2000, 12, 15)),
    ]
    kinds = [Agency.Kind.DEPARTMENT, Agency.Kind.BOARD, Agency.Kind.DISTRICT]
    auditor = UserFactory()
    dates = [s.certificates_valid_until for s in standards if s.certificates_valid_until]
    programme = ProgrammeFactory(members=[])
    for _ in range(agencies):
        agency = AgencyFactory(
            kind=rng.choice(kinds), name_confirmed=rng.random() < 0.7, name=f"SKPD {rng.random()}", member=False
        )
        dates += random_membership(rng, programme, agency)
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            issued = random_day(rng) if rng.random() < 0.9 else None
            expires = (issued or random_day(rng)) + datetime.timedelta(days=rng.randrange(30, 365 * 4))
            if rng.random() < 0.1:
                expires = None
            status = rng.choice(
                [CertificateStatus.ACTIVE] * 3 + [CertificateStatus.SUSPENDED, CertificateStatus.WITHDRAWN]
            )
            changed = random_day(rng) if status != CertificateStatus.ACTIVE else None
            CertificateFactory(
                agency=agency,
                standard=rng.choice(standards),
                issued_on=issued,
                issued_precision=DatePrecision.DAY if issued else DatePrecision.UNKNOWN,
                expires_on=expires,
                expires_precision=DatePrecision.DAY if expires else DatePrecision.UNKNOWN,
                status=status,
                status_changed_on=changed,
                status_reason="Uji" if changed else "",
            )
            dates += [d for d in (issued, expires, changed) if d]
        for _ in range(rng.choice([0, 1, 2])):
            starts = random_day(rng)
            audit = AuditFactory(
                agency=agency,
                starts_on=starts,
                ends_on=starts + ONE,
                status=rng.choice([Audit.Status.PLANNED, Audit.Status.COMPLETED]),
            )
            dates.append(starts)
            for _ in range(rng.choice([0, 1, 3])):
                grade = rng.choice(FindingGrade.values)
                closed = grade in ("major", "minor") and rng.random() < 0.5
                # Closed on a day before the audit's start too: the rules count it from the start.
                finding = (
                    FindingFactory(audit=audit, grade=grade, closed=closed, verified_by=auditor)
                    if closed
                    else (FindingFactory(audit=audit, grade=grade))
                )
                if closed:
                    finding.closed_on = starts + datetime.timedelta(days=rng.randrange(-5, 400))
                    finding.action_proposed_on = min(finding.action_proposed_on, finding.closed_on)
                    finding.save()
                    dates.append(finding.closed_on)
    return dates


def probe_days(dates: list, rng) -> list[datetime.date]:
    """Every date in the records, the days either side, and some between."""
    days = {d + delta for d in dates for delta in (-ONE, datetime.timedelta(0), ONE)}
    days |= {
        d - datetime.timedelta(days=EXPIRY_NOTICE_DAYS) + delta
        for d in dates
        for delta in (-ONE, datetime.timedelta(0), ONE)
    }
    days |= {random_day(rng, D(2006, 1, 1), 365 * 20) for _ in range(20)}
    return sorted(days)


def expected(day: datetime.date, programme: Programme) -> dict:
    """Every stored figure on ``day`` as the models' own queries count it."""
    progress = programme.progress(on=day)
    members = selectors.members_on(programme, on=day)
    statuses = selectors.with_status(members, on=day).values("pk", "status", "kind")
    troubled = [row for row in statuses if row["status"] in (AgencyStatus.SUSPENDED, AgencyStatus.WITHDRAWN)]
    found = {
        "certified": progress.certified,
        **{name: getattr(progress, name) for name in figures.REASONS},
        "troubled": len(troubled),
        "expiring": Certificate.objects.expiring(on=day, within_days=EXPIRY_NOTICE_DAYS).count(),
        "audits": Audit.objects.filter(starts_on__lte=day).count(),
    }
    for kind in Agency.Kind.values:
        found[f"certified:{kind}"] = selectors.certified(members, on=day).filter(kind=kind).count()
    for status in Audit.Status.values:
        found[f"audits:{status}"] = Audit.objects.filter(starts_on__lte=day, status=status).count()
    # The dashboard's finding counts before the figures were stored.
    closed_by_day = Q(status=Finding.Status.CLOSED, closed_on__lte=day)
    noted = Q(status=Finding.Status.NOTED)
    counts = {
        row["grade"]: row
        for row in Finding.objects.filter(audit__starts_on__lte=day)
        .values("grade")
        .annotate(
            open=Count("pk", filter=~closed_by_day & ~noted),
            closed=Count("pk", filter=closed_by_day),
            noted=Count("pk", filter=noted),
        )
    }
    for grade in FindingGrade.values:
        for what in ("open", "closed", "noted"):
            found[f"findings:{grade}:{what}"] = counts.get(grade, {}).get(what, 0)
    return found, {row["pk"]: row["status"] for row in troubled}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_figure_on_every_day_equals_the_models_queries(seed):
    dates = random_records(seed)
    programme = Programme.objects.current()
    figures.current()
    days = probe_days(dates, random.Random(seed))  # noqa: S311
    keys = list(expected(days[0], programme)[0])
    assert len(days) > 100
    for day in days:
        want, troubled = expected(day, programme)
        got = dict(zip(keys, figures.values([(key, day) for key in keys]), strict=True))
        assert got == want, day
        assert {s.agency_id: s.status for s in selectors.troubled(on=day, programme=programme)} == troubled, day


@pytest.mark.parametrize("seed", [5, 6])
def test_constants_and_dates(seed):
    random_records(seed)
    state = figures.current()
    constants = figures.constants()
    by_kind = dict(Agency.objects.values_list("kind").annotate(n=Count("pk")))
    assert {k.split(":", 1)[1]: v for k, v in constants.items() if k.startswith("agencies:")} == by_kind
    assert constants.get("unconfirmed", 0) == Agency.objects.unconfirmed().count()
    assert constants.get("unknown_dates", 0) == Certificate.objects.exclude(issued_precision="day").count()
    issued = sorted(Certificate.objects.exclude(issued_on=None).values_list("issued_on", flat=True))
    assert state.first_issued == issued[0]
    newest = [*issued, *Certificate.objects.exclude(status_changed_on=None).values_list("status_changed_on", flat=True)]
    newest += list(Audit.objects.values_list("starts_on", flat=True))
    assert state.newest_record == max(newest)


@pytest.mark.usefixtures("programme")
def test_a_figure_before_anything_happened_is_zero_and_stays_after_the_last_change():
    CertificateFactory(issued_on=D(2012, 5, 14), expires_on=D(2015, 5, 13))
    figures.current()
    assert figures.values([("certified", D(2012, 5, 13)), ("certified", D(2012, 5, 14))]) == [0, 1]
    assert figures.values([("certified", D(2015, 5, 13)), ("certified", D(2015, 5, 14))]) == [1, 0]
    assert figures.values([("expired", D(9999, 12, 31)), ("no such figure", D(2013, 1, 1))]) == [1, 0]
    assert figures.values([]) == []


@pytest.mark.usefixtures("programme")
def test_dates_at_the_ends_of_the_calendar():
    # A certificate valid until the last day a date can hold never ends (nothing overflows).
    CertificateFactory(issued_on=D(1, 1, 2), expires_on=D.max, standard=StandardFactory(certificates_valid_until=None))
    figures.current()
    assert figures.values([("certified", D(1, 1, 1)), ("certified", D(1, 1, 2)), ("certified", D.max)]) == [0, 1, 1]
    assert figures.values([("expiring", D.max - datetime.timedelta(days=90)), ("expired", D.max)]) == [1, 0]


# --- never stale -----------------------------------------------------------------------------


def certified_today(day: datetime.date | None = None) -> int:
    figures.current()
    return figures.values([("certified", day or D(2013, 1, 1))])[0]


@pytest.mark.usefixtures("programme")
def test_save_update_bulk_and_delete_each_make_the_next_read_rebuild():
    certificate = CertificateFactory(issued_on=D(2012, 5, 14), expires_on=D(2015, 5, 13))
    assert certified_today() == 1
    certificate.status, certificate.status_changed_on, certificate.status_reason = "withdrawn", D(2012, 6, 1), "Uji"
    certificate.save()
    assert certified_today() == 0
    Certificate.objects.filter(pk=certificate.pk).update(status="active", status_changed_on=None, status_reason="")
    assert certified_today() == 1
    other = Certificate(
        agency=AgencyFactory(),
        standard=certificate.standard,
        issued_on=D(2012, 1, 1),
        issued_precision="day",
        expires_on=D(2014, 1, 1),
        expires_precision="day",
        source="Data uji",
    )
    Certificate.objects.bulk_create([other])
    assert certified_today() == 2
    other = Certificate.objects.get(agency=other.agency)
    other.expires_on = D(2012, 12, 31)
    Certificate.objects.bulk_update([other], ["expires_on"])
    assert certified_today() == 1
    certificate.delete()
    assert certified_today() == 0


@pytest.mark.usefixtures("programme")
def test_a_standard_ending_and_an_agency_changing_kind_are_seen():
    certificate = CertificateFactory(issued_on=D(2012, 5, 14), expires_on=D(2015, 5, 13))
    assert certified_today(D(2014, 1, 1)) == 1
    certificate.standard.certificates_valid_until = D(2013, 12, 31)
    certificate.standard.save()
    assert certified_today(D(2014, 1, 1)) == 0
    figures.current()
    assert figures.values([("certified:department", D(2013, 1, 1)), ("certified:board", D(2013, 1, 1))]) == [1, 0]
    Agency.objects.filter(pk=certificate.agency_id).update(kind=Agency.Kind.BOARD)
    figures.current()
    assert figures.values([("certified:department", D(2013, 1, 1)), ("certified:board", D(2013, 1, 1))]) == [0, 1]


def test_audits_and_findings_are_seen():
    audit = AuditFactory(starts_on=D(2012, 3, 1))
    figures.current()
    assert figures.values([("audits", D(2012, 3, 1)), ("findings:minor:open", D(2012, 3, 1))]) == [1, 0]
    FindingFactory(audit=audit)
    figures.current()
    assert figures.values([("findings:minor:open", D(2012, 3, 1))]) == [1]
    Audit.objects.filter(pk=audit.pk).update(starts_on=D(2012, 4, 1), ends_on=D(2012, 4, 2))
    figures.current()
    assert figures.values([("audits", D(2012, 3, 1)), ("findings:minor:open", D(2012, 3, 1))]) == [0, 0]


def test_a_write_marks_the_figures_stale_in_its_own_transaction_and_a_rollback_undoes_it():
    CertificateFactory()
    figures.current()
    assert not FigureChange.objects.exists()
    with transaction.atomic():
        AgencyFactory()
        assert FigureChange.objects.exists()
        transaction.set_rollback(True)
    assert not FigureChange.objects.exists()


def test_the_read_rebuilds_only_when_stale(django_assert_num_queries):
    CertificateFactory()
    figures.current()
    with django_assert_num_queries(1):  # the state row, current: nothing rebuilt
        figures.current()


@pytest.mark.usefixtures("programme")
def test_without_the_state_row_the_figures_are_built_and_the_row_made():
    CertificateFactory()
    FigureState.objects.all().delete()
    state = figures.current()
    assert state.built_at is not None and FigureState.objects.count() == 1
    assert figures.values([("certified", D(2013, 1, 1))]) == [1]


def test_a_rebuild_replaces_every_row():
    CertificateFactory(status="suspended", status_changed_on=D(2013, 1, 1), status_reason="Uji")
    figures.current()
    rows = set(Figure.objects.values_list("key", "day", "value"))
    assert rows
    figures.rebuild(force=True)
    assert set(Figure.objects.values_list("key", "day", "value")) == rows


def test_the_rebuild_runs_a_fixed_number_of_queries_whatever_the_row_count():
    counts = []
    for n in (2, 40):
        for _ in range(n):
            CertificateFactory(
                agency=AgencyFactory(), status="withdrawn", status_changed_on=D(2013, 1, 1), status_reason="Uji"
            )
        with CaptureQueriesContext(connection) as queries:
            figures.current()
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 23, counts


@pytest.mark.usefixtures("programme")
def test_invalidate_public_pages_marks_the_figures_stale_for_writes_outside_django():
    certificate = CertificateFactory(issued_on=D(2012, 5, 14), expires_on=D(2015, 5, 13))
    assert certified_today() == 1
    with connection.cursor() as cursor:  # as psql would: no signal, no hook
        cursor.execute(
            "UPDATE certifications_certificate SET expires_on = %s WHERE id = %s", [D(2012, 6, 1), certificate.pk]
        )
    assert certified_today() == 1  # what the hooks cannot see
    call_command("invalidate_public_pages", verbosity=0)
    assert certified_today() == 0


def test_rebuild_figures_command_and_its_dry_run(capsys):
    CertificateFactory()
    changes = FigureChange.objects.count()
    assert changes
    call_command("rebuild_figures", "--dry-run")
    assert FigureChange.objects.count() == changes and not Figure.objects.exists()
    assert not FigureState.objects.filter(built_at__isnull=False).exists()  # the row may not exist yet
    out = capsys.readouterr().out
    assert "--dry-run" in out and f"{changes} perubahan data tercakup" in out
    call_command("rebuild_figures")
    assert not FigureChange.objects.exists() and Figure.objects.exists()
    assert FigureState.objects.get().built_at is not None
    assert "dihitung ulang" in capsys.readouterr().out


# --- the tables' own rules --------------------------------------------------------------------


def test_one_state_row_only():
    with pytest.raises(IntegrityError), transaction.atomic():
        FigureState.objects.create(pk=2)


def test_one_value_per_figure_and_day():
    Figure.objects.create(key="certified", day=D(2013, 1, 1), value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Figure.objects.create(key="certified", day=D(2013, 1, 1), value=2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("programme")
def test_requests_finding_the_figures_stale_at_once_rebuild_them_once(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("threads cannot share SQLite's in-memory test database; see the two-process test")
    for _ in range(5):
        CertificateFactory(agency=AgencyFactory())
    figures.rebuild(force=True)
    FigureChange.objects.create()  # a write: stale
    computed = []
    real_compute = figures.compute

    def counting_compute(**records):
        computed.append(1)
        time.sleep(0.3)  # long enough for every other request to arrive and wait on the lock
        return real_compute(**records)

    monkeypatch.setattr(figures, "compute", counting_compute)
    start = threading.Barrier(4)
    results, errors = [], []

    def request():
        try:
            start.wait()
            state = figures.current()
            results.append((state.built_at, figures.values([("certified", D(2013, 1, 1))])[0]))
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(computed) == 1
    state = FigureState.objects.get()
    assert not FigureChange.objects.exists() and results == [(state.built_at, 5)] * 4


@pytest.mark.django_db(transaction=True)
def test_two_writes_in_open_transactions_never_wait_for_each_other():
    """Marking the figures stale adds a row: no write queues behind another's open transaction."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time whatever the portal does")
    first, second = AgencyFactory(), AgencyFactory()
    opened, release, finished = threading.Event(), threading.Event(), threading.Event()
    errors = []

    def slow_writer():
        try:
            with transaction.atomic():
                Agency.objects.filter(pk=first.pk).update(name="Dinas Uji Lambat")
                opened.set()
                release.wait(10)
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    def quick_writer():
        try:
            opened.wait(10)
            with transaction.atomic():
                Agency.objects.filter(pk=second.pk).update(name="Dinas Uji Cepat")
            finished.set()
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=slow_writer), threading.Thread(target=quick_writer)]
    for thread in threads:
        thread.start()
    try:
        assert finished.wait(5), "the second write waited for the first one's transaction"
    finally:
        release.set()
        for thread in threads:
            thread.join()
    assert errors == []
    assert FigureChange.objects.count() >= 2
    figures.current()
    assert not FigureChange.objects.exists()
