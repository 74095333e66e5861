"""The audit's certificate picker in a real browser (Debian's Chromium through Playwright).

Staff choose an agency, open the certificate picker and see only that agency's certificates;
choosing another agency clears a certificate already chosen and lists the other agency's.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from bandung_iso.roles import Role
from certifications.models import Audit
from tests.factories import AgencyFactory, CertificateFactory, RoleUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "kata-sandi-uji-12345"


@pytest.fixture
def auditor_page(live_server, page, roles):
    RoleUserFactory(username="auditor", role=Role.AUDITOR, password=PASSWORD)
    page.goto(live_server.url + reverse("admin:login"))
    page.locator("#id_username").fill("auditor")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(live_server.url + reverse("admin:index"))
    return page


def choose(page, field: str, text: str) -> None:
    page.locator(f"#id_{field} + .select2").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def expect_picker_to_offer(page, offered: list[str]) -> None:
    """Open the certificate picker, wait for its answer to be exactly ``offered``, close it."""
    page.locator("#id_certificate + .select2").click()
    expect(page.locator(".select2-results__option:not(.loading-results)")).to_have_text(offered)
    page.keyboard.press("Escape")


def test_the_certificate_picker_lists_the_chosen_agencys_certificates(auditor_page, live_server):
    page = auditor_page
    health = AgencyFactory(name="Dinas Kesehatan")
    CertificateFactory(agency=health, number="QMS-KES-1")
    CertificateFactory(agency=health, number="QMS-KES-2")
    education = AgencyFactory(name="Dinas Pendidikan")
    CertificateFactory(agency=education, number="QMS-DIK-1")

    page.goto(live_server.url + reverse("admin:certifications_audit_add"))
    choose(page, "agency", "Dinas Kesehatan")
    expect_picker_to_offer(
        page, [f"Dinas Kesehatan — ISO 9001:2008 ({number})" for number in ("QMS-KES-1", "QMS-KES-2")]
    )

    choose(page, "certificate", "QMS-KES-1")
    choose(page, "agency", "Dinas Pendidikan")
    assert page.locator("#id_certificate").input_value() == ""  # the other agency's certificate is dropped
    expect_picker_to_offer(page, ["Dinas Pendidikan — ISO 9001:2008 (QMS-DIK-1)"])
    assert not Audit.objects.exists()
