"""The dashboard's lists follow the day shown: today's events on today's page, the deadline's one link away."""

import datetime
import re

import pytest
from django.utils import timezone

from certifications import services
from certifications.models import Audit, Finding
from tests.factories import (
    AgencyFactory,
    AuditFactory,
    CertificateFactory,
    CurrentCertificateFactory,
    FindingFactory,
    ProgrammeFactory,
    RoleUserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 12, 3)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def events_today(today, roles):
    """One agency certified at the deadline only; another suspended today, audited today with a major finding."""
    CertificateFactory(agency=AgencyFactory(name="Dinas Lama"))  # 14 May 2012 to 13 May 2015
    current = CurrentCertificateFactory(agency=AgencyFactory(name="Dinas Dibekukan Hari Ini"))
    ProgrammeFactory(target_agencies=10)  # deadline 31 December 2013; both agencies count toward it
    services.suspend_certificate(
        certificate=current, by=RoleUserFactory(), on=today, reason="Surveilans terlewat.", today=today
    )
    audit = AuditFactory(agency=current.agency, starts_on=today, ends_on=today, status=Audit.Status.COMPLETED)
    FindingFactory(audit=audit, grade=Finding.Grade.MAJOR)
    return current.agency


def section(html: str, heading_id: str) -> str:
    """The text of the section a heading opens, whitespace collapsed."""
    found = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, flags=re.S)
    return " ".join(found.group(0).split())


def attention(html: str) -> dict[str, str]:
    """Each list of the "needing attention" section: its heading → what follows it."""
    parts = re.split(r"<h3>(.*?)</h3>", section(html, "attention-heading"))
    return dict(zip(parts[1::2], (part.strip() for part in parts[2::2]), strict=True))


def test_today_shown_lists_a_suspension_and_an_audit_made_today(client, events_today):
    response = client.get("/")
    board = response.context["board"]
    assert (board.day, board.chosen) == (TODAY, False)
    assert [agency.name for agency in board.suspended_or_withdrawn.rows] == ["Dinas Dibekukan Hari Ini"]
    assert (board.audits["total"], board.audits["completed"]) == (1, 1)
    html = response.content.decode()
    lists = attention(html)
    suspended = lists["Sertifikat dibekukan atau dicabut per 3 Desember 2026"]
    assert f'<a href="{events_today.get_absolute_url()}">Dinas Dibekukan Hari Ini</a> — dibekukan' in suspended
    assert "Tidak ada." in lists["Sertifikat yang berakhir dalam 90 hari sejak 3 Desember 2026"]
    audits = section(html, "audits-heading")
    assert "Audit dan temuan sampai 3 Desember 2026" in audits
    assert "1 audit tercatat: 1 selesai, 0 direncanakan." in audits
    assert "<caption>Temuan audit menurut kategori per 3 Desember 2026</caption>" in audits
    assert '<th scope="row">Ketidaksesuaian mayor</th><td>1</td><td>0</td><td>0</td>' in audits
    assert "Belum ada audit yang tercatat" not in html
    # The target is judged on its deadline: that figure stays beside today's, one link from its own page.
    assert (board.at_deadline.certified, board.lead.certified) == (1, 0)
    assert "<strong>1</strong> dari 10 SKPD bersertifikat" in html.split('data-testid="deadline-figure">')[1]
    assert '<a href="/?per=2013-12-31" class="screen-only" data-testid="deadline-link">' in html


def test_the_deadline_page_keeps_the_deadline_lists(client, events_today):
    response = client.get("/", {"per": "2013-12-31"})
    board = response.context["board"]
    assert (board.day, board.lead.certified, board.at_today.certified) == (D(2013, 12, 31), 1, 0)
    html = response.content.decode()
    lists = attention(html)
    assert lists["Sertifikat dibekukan atau dicabut per 31 Desember 2013"] == "<p>Tidak ada.</p>"
    assert "Dinas Dibekukan Hari Ini" not in section(html, "attention-heading")
    audits = section(html, "audits-heading")
    assert "Audit dan temuan sampai 31 Desember 2013" in audits
    assert "Belum ada audit yang tercatat sampai 31 Desember 2013." in audits
    assert '<th scope="row">Ketidaksesuaian mayor</th><td>0</td><td>0</td><td>0</td>' in audits


def test_in_english_the_lists_are_todays_and_say_so(client, events_today):
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    lists = attention(html)
    assert list(lists) == [
        "Certificates suspended or withdrawn as of 3 December 2026",
        "Certificates ending within 90 days of 3 December 2026",
    ]
    suspended = lists["Certificates suspended or withdrawn as of 3 December 2026"]
    assert "Dinas Dibekukan Hari Ini</a> — suspended" in suspended
    audits = section(html, "audits-heading")
    assert "Audits and findings up to 3 December 2026" in audits
    assert "<caption>Audit findings by category as of 3 December 2026</caption>" in audits
    assert '<a href="/en/?per=2013-12-31" class="screen-only" data-testid="deadline-link">' in html
    assert "See the status at the deadline, 31 December 2013" in html
    deadline = client.get("/en/", {"per": "2013-12-31"}).content.decode()
    assert attention(deadline)["Certificates suspended or withdrawn as of 31 December 2013"] == "<p>None.</p>"
    assert "No audit is recorded up to 31 December 2013." in section(deadline, "audits-heading")


def test_after_midnight_in_bandung_the_default_page_is_the_new_day(client, events_today, monkeypatch):
    """The page cache keys on Bandung's date: yesterday's kept page is never served the next day."""
    assert "Sertifikat dibekukan atau dicabut per 3 Desember 2026" in client.get("/").content.decode()
    assert client.get("/")["X-Public-Cache"] == "hit"
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY + datetime.timedelta(days=1))
    response = client.get("/")
    assert response["X-Public-Cache"] == "miss"
    html = response.content.decode()
    assert "Sertifikat dibekukan atau dicabut per 4 Desember 2026" in html
    assert "Dinas Dibekukan Hari Ini</a> — dibekukan" in html
