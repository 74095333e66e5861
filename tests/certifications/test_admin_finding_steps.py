"""A finding's next workflow step on its own page, over HTTP: the hint, the buttons each role gets,
the per-finding verify and return pages (allowed, refused, wrong state), the answer's one button,
and read-only pages that say so and offer only "Kembali ke daftar" (never Django's "Tutup")."""

import datetime

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from bandung_iso.roles import Role
from certifications.models import Finding
from tests.factories import AuditFactory, CertificateFactory, FindingFactory, RoleUserFactory

pytestmark = pytest.mark.django_db

PROPOSED_ON = datetime.date(2012, 3, 20)
BACK_TO_LIST = 'class="closelink">Kembali ke daftar</a>'
DJANGO_CLOSE = ">Tutup</a>"
ANSWER = {
    "correction": "Dokumen lama ditarik.",
    "root_cause": "Tidak ada daftar induk dokumen.",
    "corrective_action": "Daftar induk dokumen dibuat dan ditinjau tiap bulan.",
}


def page(finding, view="change"):
    return reverse(f"admin:certifications_finding_{view}", args=[finding.pk])


def confirm(client, finding, view, **fields):
    """The per-finding page's form, posted as its page posts it."""
    data = {"workflow_confirm": "yes", **{f"workflow-{name}": value for name, value in fields.items()}}
    return client.post(page(finding, view), data)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def people(roles):
    lead = RoleUserFactory(username="ketua", role=Role.AUDITOR)
    audit = AuditFactory(lead_auditor=lead, agency__name="Dinas Pangan")
    representative = RoleUserFactory(username="wakil", role=Role.REPRESENTATIVE, agencies=[audit.agency])
    return {
        "audit": audit,
        "lead": lead,
        "representative": representative,
        "staff": RoleUserFactory(username="staf"),
        "other_auditor": RoleUserFactory(username="auditor-lain", role=Role.AUDITOR),
    }


def proposed(audit):
    return FindingFactory(
        audit=audit,
        status=Finding.Status.ACTION_PROPOSED,
        corrective_action="Daftar induk dokumen dibuat",
        action_proposed_on=PROPOSED_ON,
    )


# --- Verify and close, return: the buttons and their pages ----------------------------------------


@pytest.mark.parametrize("who", ["lead", "staff"])
def test_who_may_verify_sees_both_buttons_and_the_hint(client, people, who):
    finding = proposed(people["audit"])
    client.force_login(people[who])
    response = client.get(page(finding))
    assertContains(response, f'href="{page(finding, "close")}">Verifikasi dan tutup</a>')
    assertContains(response, f'href="{page(finding, "return")}">Kembalikan ke SKPD</a>')
    assertContains(response, "SKPD mengusulkan tindakan korektif pada 20-03-2012.")


def test_the_lead_auditor_verifies_and_closes_from_the_finding(client, people):
    finding = proposed(people["audit"])
    client.force_login(people["lead"])

    form_page = client.get(page(finding, "close"))
    assert form_page.status_code == 200
    assertContains(form_page, "Verifikasi dan tutup temuan")
    assertContains(form_page, f'href="{page(finding)}" class="button cancel-link">Batal, kembali ke temuan</a>')

    response = confirm(client, finding, "close", verification="Daftar induk diperiksa: lengkap.", on="10-01-2013")
    assertRedirects(response, page(finding), fetch_redirect_response=False)
    finding.refresh_from_db()
    assert (finding.status, finding.verified_by, finding.closed_on) == (
        Finding.Status.CLOSED,
        people["lead"],
        datetime.date(2013, 1, 10),
    )
    shown = client.get(page(finding))
    assert messages_of(shown) == [f"Ditutup: {finding} (#{finding.pk})."]
    assertContains(shown, "Temuan ini ditutup pada 10-01-2013: tidak ada langkah berikutnya.")
    assertNotContains(shown, "Verifikasi dan tutup</a>")


def test_staff_return_a_finding_from_its_page(client, people):
    finding = proposed(people["audit"])
    client.force_login(people["staff"])
    response = confirm(client, finding, "return", reason="Bukti pelaksanaan belum dilampirkan.")
    assertRedirects(response, page(finding))
    finding.refresh_from_db()
    assert (finding.status, finding.action_proposed_on) == (Finding.Status.OPEN, None)
    assert finding.history.latest().history_change_reason == "Dikembalikan: Bukti pelaksanaan belum dilampirkan."
    assert finding.returned
    # The representative who answers it again reads that it came back, and where the reason is.
    client.force_login(people["representative"])
    assertContains(client.get(page(finding)), "Usulan sebelumnya dikembalikan; alasannya tercatat di riwayat temuan.")


def test_an_invalid_form_is_shown_again_and_changes_nothing(client, people):
    finding = proposed(people["audit"])
    client.force_login(people["lead"])
    response = confirm(client, finding, "close", verification="  ", on="2013-01-10")
    assert response.status_code == 200
    assert response.context["form"].errors["verification"] == ["Tulis hasil verifikasinya."]
    finding.refresh_from_db()
    assert finding.status == Finding.Status.ACTION_PROPOSED


@pytest.mark.parametrize("view", ["close", "return"])
def test_the_representative_has_no_button_and_is_refused(client, people, view):
    finding = proposed(people["audit"])
    client.force_login(people["representative"])
    response = client.get(page(finding))
    assertNotContains(response, page(finding, view))
    assertContains(response, "Menunggu verifikasi ketua auditor: tindakan korektif diusulkan pada 20-03-2012.")
    assert client.get(page(finding, view)).status_code == 403
    fields = {"verification": "Saya tutup sendiri.", "on": "10-01-2013", "reason": "Saya kembalikan."}
    assert confirm(client, finding, view, **fields).status_code == 403
    finding.refresh_from_db()
    assert finding.status == Finding.Status.ACTION_PROPOSED


def test_an_auditor_of_another_audit_finds_no_such_finding(client, people):
    finding = proposed(people["audit"])
    client.force_login(people["other_auditor"])
    assert client.get(page(finding, "close")).status_code == 404
    assert confirm(client, finding, "close", verification="x", on="10-01-2013").status_code == 404
    finding.refresh_from_db()
    assert finding.status == Finding.Status.ACTION_PROPOSED


def test_in_the_wrong_state_the_page_says_so_and_the_service_refuses(client, people):
    finding = FindingFactory(audit=people["audit"])  # open: nothing proposed yet
    client.force_login(people["lead"])
    assertNotContains(client.get(page(finding)), page(finding, "close"))

    opened = client.get(page(finding, "close"), follow=True)
    assertRedirects(opened, page(finding))
    assert messages_of(opened) == ["Temuan ini tidak menunggu verifikasi Anda; statusnya: terbuka."]

    posted = confirm(client, finding, "close", verification="Diperiksa.", on="10-01-2013")
    assertRedirects(posted, page(finding), fetch_redirect_response=False)
    shown = client.get(page(finding))
    assert messages_of(shown) == [
        f"{finding} (#{finding.pk}) tidak diubah: Temuan hanya dapat ditutup setelah SKPD mengusulkan tindakan "
        "korektif; status temuan ini: terbuka."
    ]
    finding.refresh_from_db()
    assert (finding.status, finding.closed_on) == (Finding.Status.OPEN, None)


# --- Proposing: the answer form's one button ------------------------------------------------------


PROPOSE_BUTTON = '<input type="submit" value="Usulkan tindakan korektif" class="default" name="_continue">'


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("representative", [PROPOSE_BUTTON, "Langkah Anda berikutnya: isi koreksi"], ['name="_save"']),
        ("lead", ['name="_save"', "Menunggu wakil manajemen SKPD mengusulkan"], ["Usulkan tindakan korektif"]),
    ],
)
def test_the_buttons_of_an_open_finding(client, people, who, shown, hidden):
    client.force_login(people[who])
    response = client.get(page(FindingFactory(audit=people["audit"])))
    for text in shown:
        assertContains(response, text)
    for text in [*hidden, "Halaman ini hanya untuk dibaca", BACK_TO_LIST]:
        assertNotContains(response, text)


def test_the_representative_proposes_and_returns_to_the_finding(client, people):
    finding = FindingFactory(audit=people["audit"])
    client.force_login(people["representative"])
    posted = client.post(page(finding), {**ANSWER, "_continue": "Usulkan tindakan korektif"}, follow=True)
    assertRedirects(posted, page(finding))
    assert messages_of(posted) == [f"Tindakan korektif diusulkan untuk {finding}. Menunggu verifikasi ketua auditor."]
    assertContains(posted, "Halaman ini hanya untuk dibaca: tindakan korektif sudah diusulkan")
    assertNotContains(posted, "kembali di bawah")  # Django's "you may edit it again below"
    assertContains(posted, BACK_TO_LIST)
    finding.refresh_from_db()
    assert finding.status == Finding.Status.ACTION_PROPOSED


# --- Read-only pages --------------------------------------------------------------------------------


def test_a_closed_finding_is_read_only_for_its_representative(client, people):
    finding = proposed(people["audit"])
    finding.status, finding.verification, finding.closed_on = Finding.Status.CLOSED, "Lengkap.", PROPOSED_ON
    finding.verified_by = people["lead"]
    finding.save()
    client.force_login(people["representative"])
    response = client.get(page(finding))
    assertContains(response, "Halaman ini hanya untuk dibaca: temuan ini sudah ditutup dan tidak diubah lagi.")
    assertContains(response, BACK_TO_LIST)
    assertNotContains(response, DJANGO_CLOSE)
    assertNotContains(response, 'name="_save"')
    assertNotContains(response, 'name="_continue"')


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        ("staff", "hanya ketua auditor audit ini yang mengubah audit dan temuannya."),
        ("representative", "hanya ketua auditor yang mengubah audit ini. Jawab setiap temuan terbuka"),
    ],
)
def test_an_audit_is_read_only_for_staff_and_representatives(client, people, who, reason):
    client.force_login(people[who])
    response = client.get(reverse("admin:certifications_audit_change", args=[people["audit"].pk]))
    assertContains(response, f"Halaman ini hanya untuk dibaca: {reason}")
    assertContains(response, BACK_TO_LIST)
    assertNotContains(response, DJANGO_CLOSE)


def test_the_lead_auditor_is_not_told_the_audit_is_read_only(client, people):
    client.force_login(people["lead"])
    response = client.get(reverse("admin:certifications_audit_change", args=[people["audit"].pk]))
    assertNotContains(response, "Halaman ini hanya untuk dibaca")
    assertNotContains(response, BACK_TO_LIST)


def test_a_certificate_is_read_only_for_an_auditor(client, people):
    certificate = CertificateFactory()
    client.force_login(people["lead"])
    response = client.get(reverse("admin:certifications_certificate_change", args=[certificate.pk]))
    assertContains(response, "Halaman ini hanya untuk dibaca: peran Anda dapat melihat data ini")
    assertContains(response, BACK_TO_LIST)
    assertNotContains(response, DJANGO_CLOSE)


# --- Queries: the finding's page does a fixed amount of work whoever opens it ---------------------


@pytest.mark.parametrize(("who", "limit"), [("lead", 9), ("staff", 6), ("representative", 7)])
def test_the_finding_page_queries(client, people, django_assert_max_num_queries, who, limit):
    finding = proposed(people["audit"])
    client.force_login(people[who])
    with django_assert_max_num_queries(limit):
        assert client.get(page(finding)).status_code == 200
