"""A finding's workflow from its own page, in a real browser (Debian's Chromium through Playwright).

The representative proposes the corrective action with the answer form's one button; the lead
auditor verifies and closes it with the page's button, and returns another finding; each step
ends on the finding's page with a message, and the database holds the new status. Who may not
take a step sees no button for it.
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import setup_roles
from bandung_iso.roles import Role
from certifications.models import Finding
from tests.certifications.browser_admin import logged_in_page
from tests.factories import AuditFactory, FindingFactory, RoleUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def finding_url(live_server, finding) -> str:
    return live_server.url + reverse("admin:certifications_finding_change", args=[finding.pk])


@pytest.fixture
def people(live_server):
    setup_roles()
    lead = RoleUserFactory(username="ketua", role=Role.AUDITOR)
    audit = AuditFactory(lead_auditor=lead, agency__name="Dinas Pangan")
    representative = RoleUserFactory(username="wakil", role=Role.REPRESENTATIVE, agencies=[audit.agency])
    return {"audit": audit, "lead": lead, "representative": representative}


def test_propose_then_verify_and_close_and_return_from_the_finding_page(browser, live_server, people):
    answered = FindingFactory(audit=people["audit"], description="Dokumen kedaluwarsa masih beredar.")
    to_return = FindingFactory(
        audit=people["audit"],
        status=Finding.Status.ACTION_PROPOSED,
        corrective_action="Jadwal audit internal diperbarui.",
        action_proposed_on=people["audit"].starts_on,
    )

    # The representative answers: one button, and back to the finding, now waiting for the lead auditor.
    page = logged_in_page(browser, live_server, people["representative"], width=1366)
    page.goto(finding_url(live_server, answered))
    expect(page.locator("#workflow-next")).to_contain_text("Langkah Anda berikutnya")
    page.locator("#id_correction").fill("Dokumen lama ditarik dari semua bidang.")
    page.locator("#id_root_cause").fill("Belum ada daftar induk dokumen.")
    page.locator("#id_corrective_action").fill("Daftar induk dokumen dibuat dan ditinjau tiap bulan.")
    page.get_by_role("button", name="Usulkan tindakan korektif").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Menunggu verifikasi ketua auditor")
    assert page.url == finding_url(live_server, answered)
    expect(page.locator("#readonly-notice")).to_contain_text("Halaman ini hanya untuk dibaca")
    expect(page.get_by_role("link", name="Verifikasi dan tutup")).to_have_count(0)  # not theirs to verify
    expect(page.get_by_role("link", name="Kembali ke daftar")).to_be_visible()
    answered.refresh_from_db()
    assert answered.status == Finding.Status.ACTION_PROPOSED
    page.context.close()

    # The lead auditor verifies and closes it from its page.
    page = logged_in_page(browser, live_server, people["lead"], width=1366)
    page.goto(finding_url(live_server, answered))
    page.get_by_role("link", name="Verifikasi dan tutup").click()
    page.locator("#id_workflow-verification").fill("Daftar induk diperiksa di tiga bidang: lengkap.")
    page.locator("#id_workflow-on").fill(timezone.localdate().strftime("%d-%m-%Y"))
    page.get_by_role("button", name="Verifikasi dan tutup").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Ditutup:")
    assert page.url == finding_url(live_server, answered)
    answered.refresh_from_db()
    assert (answered.status, answered.verified_by) == (Finding.Status.CLOSED, people["lead"])

    # And returns the other one to the agency.
    page.goto(finding_url(live_server, to_return))
    page.get_by_role("link", name="Kembalikan ke SKPD").click()
    page.locator("#id_workflow-reason").fill("Bukti pelaksanaan belum dilampirkan.")
    page.get_by_role("button", name="Kembalikan ke SKPD").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Dikembalikan ke SKPD:")
    to_return.refresh_from_db()
    assert (to_return.status, to_return.action_proposed_on) == (Finding.Status.OPEN, None)
    page.context.close()


def test_staff_see_the_buttons_and_a_representative_does_not(browser, live_server, people):
    finding = FindingFactory(
        audit=people["audit"],
        status=Finding.Status.ACTION_PROPOSED,
        corrective_action="Jadwal audit internal diperbarui.",
        action_proposed_on=people["audit"].starts_on,
    )
    staff = RoleUserFactory(username="staf")
    for user, buttons in ((staff, 1), (people["representative"], 0)):
        page = logged_in_page(browser, live_server, user, width=1280)
        page.goto(finding_url(live_server, finding))
        expect(page.get_by_role("link", name="Verifikasi dan tutup")).to_have_count(buttons)
        expect(page.get_by_role("link", name="Kembalikan ke SKPD")).to_have_count(buttons)
        expect(page.get_by_role("link", name="Kembali ke daftar")).to_be_visible()
        expect(page.get_by_text("Tutup", exact=True)).to_have_count(0)
        page.context.close()
