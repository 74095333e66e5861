"""The admin pages the three roles use fit 1366 px and 1280 px: no page is wider than the window.

Each role opens the audit (several findings, one with a long description and an unbroken word,
and, for its lead auditor, the page again after a save refused on a finding's due date), a
finding, a certificate and an agency (with its certificate, programme membership and former
name), and the lists, in Debian's Chromium through Playwright.
"""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.services import setup_roles
from agencies.models import FormerName
from bandung_iso.roles import Role
from certifications.models import Finding
from tests.certifications.browser_admin import LONG_DESCRIPTION, logged_in_page
from tests.factories import (
    AuditFactory,
    CertificateFactory,
    FindingFactory,
    ProgrammeFactory,
    RoleUserFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1366, 1280]
PAGE_WIDTH = "[document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture
def world(live_server):
    setup_roles()
    lead = RoleUserFactory(username="ketua", role=Role.AUDITOR)
    certificate = CertificateFactory(agency__name="Badan Kesatuan Bangsa, Perlindungan, dan Pemberdayaan Masyarakat")
    agency = certificate.agency
    ProgrammeFactory(name="Sertifikasi SMM ISO 9001:2008 seluruh SKPD Pemerintah Kota Bandung", source=LONG_DESCRIPTION)
    FormerName.objects.create(
        agency=agency,
        name="Kantor Kesatuan Bangsa dan Politik",
        used_until=datetime.date(2016, 12, 31),
        source=LONG_DESCRIPTION,
    )
    audit = AuditFactory(agency=agency, lead_auditor=lead, summary=LONG_DESCRIPTION)
    major = FindingFactory(audit=audit, grade=Finding.Grade.MAJOR, description=LONG_DESCRIPTION)
    FindingFactory(audit=audit, clause="8.2.2", description="Audit internal belum mencakup bidang keuangan.")
    FindingFactory(audit=audit, grade=Finding.Grade.OBSERVATION, clause="5.6.1", description="Tinjauan dapat rinci.")
    users = {
        "staff": RoleUserFactory(username="staf"),
        "lead": lead,
        "representative": RoleUserFactory(username="wakil", role=Role.REPRESENTATIVE, agencies=[agency]),
        "superuser": UserFactory(username="admin", is_staff=True, is_superuser=True),
    }
    return {"users": users, "audit": audit, "finding": major, "certificate": certificate, "agency": agency}


def admin_path(name, obj=None) -> str:
    return reverse(f"admin:{name}", args=[obj.pk] if obj is not None else [])


def pages_of(world, who) -> list[str]:
    """The change pages and lists ``who`` may open."""
    pages = [
        admin_path("certifications_audit_change", world["audit"]),
        admin_path("certifications_finding_change", world["finding"]),
        admin_path("certifications_audit_changelist"),
        admin_path("certifications_finding_changelist"),
    ]
    if who != "representative":
        pages += [
            admin_path("certifications_certificate_change", world["certificate"]),
            admin_path("agencies_agency_change", world["agency"]),
            admin_path("certifications_certificate_changelist"),
            admin_path("agencies_agency_changelist"),
        ]
    return pages


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["staff", "lead", "representative", "superuser"])
def test_each_page_fits_the_window(browser, live_server, world, who, width):
    page = logged_in_page(browser, live_server, world["users"][who], width=width)
    for path in pages_of(world, who):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        scroll_width, window_width = page.evaluate(PAGE_WIDTH)
        assert scroll_width <= window_width, f"{path} is {scroll_width} px wide at {width} px"
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_refused_finding_on_the_audit_page_fits_with_its_error_beside_the_field(browser, live_server, world, width):
    page = logged_in_page(browser, live_server, world["users"]["lead"], width=width)
    page.goto(live_server.url + admin_path("certifications_audit_change", world["audit"]))
    due = page.locator("#id_findings-0-due_on")
    assert due.input_value() == (world["audit"].starts_on + datetime.timedelta(days=60)).strftime("%d-%m-%Y")
    due.fill("")  # a major nonconformity needs a due date
    page.get_by_role("button", name="Simpan", exact=True).click()

    error = page.locator(".field-due_on .errorlist").first
    expect(error).to_be_visible()
    # Beside its field: the error's row is the due date's, and it lies inside the window.
    assert page.locator(".field-due_on.errors").count() == 1
    box = error.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    scroll_width, window_width = page.evaluate(PAGE_WIDTH)
    assert scroll_width <= window_width, f"the refused audit page is {scroll_width} px wide at {width} px"
    page.context.close()
