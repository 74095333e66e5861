"""The finding workflow through its services: open → action proposed → closed, and every refused step."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bandung_iso.roles import Role
from certifications.models import Finding
from certifications.services import check_action_proposal, close_finding, propose_action, return_finding
from tests.factories import AgencyFactory, AuditFactory, FindingFactory, RoleUserFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

D = datetime.date
ACTION = {
    "correction": "Dokumen kedaluwarsa ditarik dari meja pelayanan.",
    "root_cause": "Daftar induk dokumen tidak diperbarui sejak revisi terakhir.",
    "corrective_action": "Prosedur pengendalian dokumen direvisi; daftar induk diperiksa tiap bulan.",
}
VERIFICATION = "Daftar induk dokumen diperiksa ulang; tidak ada dokumen kedaluwarsa di meja pelayanan."
PROPOSED_ON = D(2012, 4, 2)


@pytest.fixture
def people():
    """Who is who around one audit of one agency, and the same roles elsewhere."""
    agency, elsewhere = AgencyFactory(), AgencyFactory()
    lead = RoleUserFactory(role=Role.AUDITOR)
    audit = AuditFactory(agency=agency, lead_auditor=lead, starts_on=D(2012, 3, 1), ends_on=D(2012, 3, 2))
    return {
        "audit": audit,
        "lead": lead,
        "other_auditor": RoleUserFactory(role=Role.AUDITOR),
        "representative": RoleUserFactory(role=Role.REPRESENTATIVE, agencies=[agency]),
        "other_representative": RoleUserFactory(role=Role.REPRESENTATIVE, agencies=[elsewhere]),
        "staff": RoleUserFactory(role=Role.STAFF),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
        "plain_staff_account": UserFactory(is_staff=True),  # may log in, holds no role
    }


def open_finding(people, **overrides) -> Finding:
    overrides.setdefault("grade", Finding.Grade.MAJOR)
    overrides.setdefault("due_on", D(2012, 5, 1))
    return FindingFactory(audit=people["audit"], clause="4.2.3", **overrides)


def proposed_finding(people, on=PROPOSED_ON, **overrides) -> Finding:
    return propose_action(
        finding=open_finding(people, **overrides), by=people["representative"], **ACTION, on=on, today=on
    )


def closed_finding(people) -> Finding:
    return close_finding(
        finding=proposed_finding(people),
        by=people["lead"],
        verification=VERIFICATION,
        on=D(2012, 4, 20),
        today=D(2012, 4, 20),
    )


def row(finding: Finding) -> dict:
    """Every column of the stored row."""
    return Finding.objects.filter(pk=finding.pk).values().get()


def latest_history(finding: Finding):
    return Finding.history.filter(id=finding.pk).order_by("-history_id").first()


# The steps that go through ----------------------------------------------------------------


def test_the_representative_proposes_an_action(people):
    finding = open_finding(people)
    answered = propose_action(
        finding=finding,
        by=people["representative"],
        correction="  " + ACTION["correction"] + "\n",
        root_cause=ACTION["root_cause"],
        corrective_action="\t" + ACTION["corrective_action"] + "  ",
        on=D(2012, 4, 2),
        today=D(2012, 4, 2),
    )
    stored = Finding.objects.get(pk=finding.pk)
    assert stored.status == Finding.Status.ACTION_PROPOSED
    assert (stored.correction, stored.root_cause, stored.corrective_action) == (
        ACTION["correction"],
        ACTION["root_cause"],
        ACTION["corrective_action"],
    )
    assert stored.action_proposed_on == D(2012, 4, 2)
    assert (stored.closed_on, stored.verified_by, stored.verification) == (None, None, "")
    assert answered.status == Finding.Status.ACTION_PROPOSED  # the returned object is the saved one
    entry = latest_history(finding)
    assert entry.history_type == "~"
    assert entry.history_user == people["representative"]
    assert entry.history_change_reason == "Tindakan korektif diusulkan"
    assert entry.status == Finding.Status.ACTION_PROPOSED
    assert Finding.history.filter(id=finding.pk).count() == 2  # created, then answered


def test_checking_a_proposal_writes_nothing(people):
    """The admin's answer form validates with the check; only propose_action saves."""
    finding = open_finding(people)
    before = row(finding)
    checked = check_action_proposal(
        finding=finding, by=people["representative"], **ACTION, on=D(2012, 4, 2), today=D(2012, 4, 2)
    )
    assert (checked.status, checked.action_proposed_on) == (Finding.Status.ACTION_PROPOSED, D(2012, 4, 2))
    assert checked.corrective_action == ACTION["corrective_action"]
    assert row(finding) == before
    assert Finding.history.filter(id=finding.pk).count() == 1


@pytest.mark.parametrize("verifier", ["lead", "staff", "superuser"])
def test_the_lead_auditor_or_staff_verify_and_close(people, verifier):
    finding = proposed_finding(people)
    close_finding(
        finding=finding,
        by=people[verifier],
        verification=f"  {VERIFICATION}\n",
        on=D(2012, 4, 20),
        today=D(2012, 4, 20),
    )
    stored = Finding.objects.get(pk=finding.pk)
    assert stored.status == Finding.Status.CLOSED
    assert stored.verification == VERIFICATION
    assert stored.verified_by == people[verifier]
    assert stored.closed_on == D(2012, 4, 20)
    assert stored.action_proposed_on == D(2012, 4, 2)  # kept
    assert stored.corrective_action == ACTION["corrective_action"]
    entry = latest_history(finding)
    assert entry.history_user == people[verifier]
    assert entry.history_change_reason == "Diverifikasi dan ditutup"
    assert Finding.history.filter(id=finding.pk).count() == 3


def test_closing_on_the_day_of_the_proposal_is_allowed(people):
    finding = proposed_finding(people, on=D(2012, 4, 2))
    close_finding(finding=finding, by=people["lead"], verification=VERIFICATION, on=D(2012, 4, 2), today=D(2012, 4, 2))
    assert Finding.objects.get(pk=finding.pk).closed_on == D(2012, 4, 2)


@pytest.mark.parametrize("verifier", ["lead", "staff"])
def test_a_returned_finding_is_open_again_with_the_reason_kept(people, verifier):
    finding = proposed_finding(people)
    return_finding(finding=finding, by=people[verifier], reason="  Akar masalah belum dianalisis.  ")
    stored = Finding.objects.get(pk=finding.pk)
    assert stored.status == Finding.Status.OPEN
    assert stored.action_proposed_on is None
    # The agency's answer stays for the next proposal; only the history says why it came back.
    assert stored.corrective_action == ACTION["corrective_action"]
    entry = latest_history(finding)
    assert entry.history_user == people[verifier]
    assert entry.history_change_reason == "Dikembalikan: Akar masalah belum dianalisis."
    assert entry.status == Finding.Status.OPEN


def test_a_returned_finding_can_be_answered_and_closed(people):
    finding = proposed_finding(people)
    return_finding(finding=finding, by=people["lead"], reason="Akar masalah belum dianalisis.")
    propose_action(finding=finding, by=people["representative"], **ACTION, on=D(2012, 4, 10), today=D(2012, 4, 10))
    close_finding(
        finding=finding, by=people["lead"], verification=VERIFICATION, on=D(2012, 4, 20), today=D(2012, 4, 20)
    )
    stored = Finding.objects.get(pk=finding.pk)
    assert (stored.status, stored.action_proposed_on, stored.closed_on) == (
        Finding.Status.CLOSED,
        D(2012, 4, 10),
        D(2012, 4, 20),
    )
    reasons = list(Finding.history.filter(id=finding.pk).order_by("history_id").values_list("history_change_reason"))
    assert reasons == [
        (None,),
        ("Tindakan korektif diusulkan",),
        ("Dikembalikan: Akar masalah belum dianalisis.",),
        ("Tindakan korektif diusulkan",),
        ("Diverifikasi dan ditutup",),
    ]


def test_a_representative_of_several_agencies_answers_each(people):
    second = AgencyFactory()
    second.quality_representatives.add(people["representative"])
    finding = FindingFactory(audit=AuditFactory(agency=second), clause="5.1")
    propose_action(finding=finding, by=people["representative"], **ACTION, on=D(2012, 4, 2), today=D(2012, 4, 2))
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.ACTION_PROPOSED


def test_a_minor_nonconformity_without_due_date_follows_the_same_steps(people):
    finding = open_finding(people, grade=Finding.Grade.MINOR, due_on=None)
    propose_action(finding=finding, by=people["representative"], **ACTION, on=D(2012, 4, 2), today=D(2012, 4, 2))
    close_finding(finding=finding, by=people["staff"], verification=VERIFICATION, on=D(2012, 4, 3), today=D(2012, 4, 3))
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.CLOSED


# Refused steps: a clear error, and the row exactly as it was --------------------------------


def refused(step, finding: Finding, error: type[Exception], message: str, field: str | None = None, **kwargs):
    before, entries = row(finding), Finding.history.filter(id=finding.pk).count()
    with pytest.raises(error) as excinfo:
        step(finding=finding, **kwargs)
    if field is not None:
        assert message in excinfo.value.message_dict[field], excinfo.value.message_dict
    else:
        assert message in " ".join(getattr(excinfo.value, "messages", None) or excinfo.value.args), excinfo.value
    assert row(finding) == before
    assert Finding.history.filter(id=finding.pk).count() == entries


# The day the steps are recorded in most tests; a step may be dated that day or before.
TODAY = D(2012, 12, 31)


def propose_as(who):
    return lambda people, finding, **kw: {"by": people[who], **ACTION, "on": D(2012, 4, 2), "today": TODAY, **kw}


NOT_YOURS = "Hanya wakil manajemen SKPD ini yang dapat menjawab temuannya."
# The check the admin's answer form runs refuses exactly as the step does.
PROPOSAL_STEPS = pytest.mark.parametrize("step", [propose_action, check_action_proposal], ids=["propose", "check"])


@pytest.mark.parametrize(
    "who", ["other_representative", "lead", "other_auditor", "staff", "plain_staff_account", "inactive_representative"]
)
@PROPOSAL_STEPS
def test_only_the_agencys_representative_proposes(people, who, step):
    if who == "inactive_representative":
        people[who] = people["representative"]
        people[who].is_active = False
        people[who].save()
    refused(step, open_finding(people), PermissionDenied, NOT_YOURS, **propose_as(who)(people, None))


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        pytest.param("proposed", "tindakan diusulkan", id="already-proposed"),
        pytest.param("closed", "ditutup", id="closed"),
        pytest.param("noted", "dicatat, tanpa tindakan", id="observation"),
    ],
)
@PROPOSAL_STEPS
def test_only_an_open_finding_can_be_answered(people, state, shown, step):
    if state == "proposed":
        finding = proposed_finding(people)
    elif state == "closed":
        finding = closed_finding(people)
    else:
        finding = FindingFactory(audit=people["audit"], clause="5.1", grade=Finding.Grade.OBSERVATION)
    message = f"Hanya temuan berstatus terbuka yang dapat dijawab; status temuan ini: {shown}."
    refused(step, finding, ValidationError, message, **propose_as("representative")(people, finding))


@PROPOSAL_STEPS
@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_a_proposal_needs_a_corrective_action(people, blank, step):
    kwargs = propose_as("representative")(people, None, corrective_action=blank)
    refused(
        step,
        open_finding(people),
        ValidationError,
        "Tindakan korektif wajib diisi sebelum temuan diusulkan selesai atau ditutup.",
        field="corrective_action",
        **kwargs,
    )


@PROPOSAL_STEPS
def test_a_proposal_dated_before_the_audit_is_refused(people, step):
    kwargs = propose_as("representative")(people, None, on=D(2012, 2, 29))
    refused(
        step,
        open_finding(people),
        ValidationError,
        "Tanggal usulan tidak boleh sebelum audit dimulai (2012-03-01).",
        field="action_proposed_on",
        **kwargs,
    )


def test_a_proposal_dated_after_today_is_refused(people):
    kwargs = propose_as("representative")(people, None, on=D(2012, 4, 3), today=D(2012, 4, 2))
    refused(
        propose_action,
        open_finding(people),
        ValidationError,
        "Tanggal tidak boleh sesudah hari ini (2012-04-02).",
        field="action_proposed_on",
        **kwargs,
    )


def close_as(who, **kw):
    return lambda people: {"by": people[who], "verification": VERIFICATION, "on": D(2012, 4, 20), "today": TODAY, **kw}


NOT_THE_VERIFIER = "Hanya ketua auditor audit ini atau staf program yang dapat menutup temuan."


@pytest.mark.parametrize(
    "who", ["representative", "other_representative", "other_auditor", "plain_staff_account", "inactive_lead"]
)
def test_only_the_lead_auditor_or_staff_close(people, who):
    finding = proposed_finding(people)
    if who == "inactive_lead":
        people[who] = people["lead"]
        people[who].is_active = False
        people[who].save()
    refused(close_finding, finding, PermissionDenied, NOT_THE_VERIFIER, **close_as(who)(people))


def test_a_lead_auditor_removed_from_the_auditor_role_no_longer_closes(people):
    finding = proposed_finding(people)
    people["lead"].groups.clear()
    refused(close_finding, finding, PermissionDenied, NOT_THE_VERIFIER, **close_as("lead")(people))


@pytest.mark.parametrize(
    ("state", "shown"),
    [pytest.param("open", "terbuka", id="open"), pytest.param("closed", "ditutup", id="closed")],
)
def test_only_a_proposed_action_can_be_closed(people, state, shown):
    finding = open_finding(people) if state == "open" else closed_finding(people)
    message = f"Temuan hanya dapat ditutup setelah SKPD mengusulkan tindakan korektif; status temuan ini: {shown}."
    refused(close_finding, finding, ValidationError, message, **close_as("lead")(people))


@pytest.mark.parametrize("blank", ["", "  \n"])
def test_closing_needs_a_verification(people, blank):
    refused(
        close_finding,
        proposed_finding(people),
        ValidationError,
        "Temuan hanya dapat ditutup dengan hasil verifikasi dan nama pemverifikasinya.",
        field="verification",
        **close_as("lead", verification=blank)(people),
    )


def test_closing_before_the_proposal_is_refused(people):
    refused(
        close_finding,
        proposed_finding(people, on=D(2012, 4, 2)),
        ValidationError,
        "Tanggal penutupan tidak boleh sebelum tindakan diusulkan.",
        field="closed_on",
        **close_as("staff", on=D(2012, 4, 1))(people),
    )


def test_closing_dated_after_today_is_refused(people):
    refused(
        close_finding,
        proposed_finding(people, on=D(2012, 4, 2)),
        ValidationError,
        "Tanggal tidak boleh sesudah hari ini (2012-04-10).",
        field="closed_on",
        **close_as("staff", on=D(2012, 4, 11), today=D(2012, 4, 10))(people),
    )


def return_as(who, reason="Akar masalah belum dianalisis."):
    return lambda people: {"by": people[who], "reason": reason}


@pytest.mark.parametrize("who", ["representative", "other_auditor", "other_representative", "plain_staff_account"])
def test_only_the_lead_auditor_or_staff_return(people, who):
    refused(
        return_finding,
        proposed_finding(people),
        PermissionDenied,
        "Hanya ketua auditor audit ini atau staf program yang dapat mengembalikan temuan.",
        **return_as(who)(people),
    )


@pytest.mark.parametrize(
    ("state", "shown"),
    [pytest.param("open", "terbuka", id="open"), pytest.param("closed", "ditutup", id="closed")],
)
def test_only_a_proposed_action_can_be_returned(people, state, shown):
    finding = open_finding(people) if state == "open" else closed_finding(people)
    message = f"Hanya temuan dengan tindakan diusulkan yang dapat dikembalikan; status temuan ini: {shown}."
    refused(return_finding, finding, ValidationError, message, **return_as("lead")(people))


@pytest.mark.parametrize("blank", ["", " \t"])
def test_returning_needs_a_reason(people, blank):
    refused(
        return_finding,
        proposed_finding(people),
        ValidationError,
        "Tulis mengapa tindakan korektif belum diterima.",
        field="reason",
        **return_as("lead", reason=blank)(people),
    )


def test_a_stale_object_does_not_skip_a_step(people):
    """The services read the row again: a copy loaded while the finding was open cannot close it twice."""
    finding = open_finding(people)
    stale = Finding.objects.get(pk=finding.pk)
    propose_action(finding=finding, by=people["representative"], **ACTION, on=D(2012, 4, 2), today=D(2012, 4, 2))
    close_finding(
        finding=finding, by=people["lead"], verification=VERIFICATION, on=D(2012, 4, 20), today=D(2012, 4, 20)
    )
    refused(
        propose_action,
        stale,
        ValidationError,
        "status temuan ini: ditutup",
        **propose_as("representative")(people, stale),
    )


# Overdue --------------------------------------------------------------------------------------


def test_a_finding_past_its_due_date_is_overdue_until_it_is_closed(people):
    finding = open_finding(people, due_on=D(2012, 5, 1))
    assert not finding.is_overdue(on=D(2012, 5, 1))
    assert finding.is_overdue(on=D(2012, 5, 2))
    assert list(Finding.objects.overdue(on=D(2012, 5, 2))) == [finding]

    finding = propose_action(
        finding=finding, by=people["representative"], **ACTION, on=D(2012, 4, 2), today=D(2012, 4, 2)
    )
    assert finding.is_overdue(on=D(2012, 5, 2))  # proposed is not closed
    assert list(Finding.objects.overdue(on=D(2012, 5, 2))) == [finding]

    finding = close_finding(
        finding=finding, by=people["lead"], verification=VERIFICATION, on=D(2012, 5, 10), today=D(2012, 5, 10)
    )
    for day in (D(2012, 5, 2), D(2012, 5, 10), D(2030, 1, 1)):
        assert not finding.is_overdue(on=day)
        assert not Finding.objects.overdue(on=day).exists()
