"""manage.py send_reminders: sending through Django's mail (the locmem outbox in tests), once a day."""

import datetime
import smtplib
from io import StringIO

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from agencies.models import CertificationReport
from bandung_iso.roles import Role
from certifications.models import Finding
from reminders.models import Reminder
from reminders.services import plan_reminders
from tests.factories import AgencyFactory, CertificateFactory, RoleUserFactory

from .conftest import ON, days, finding

pytestmark = pytest.mark.django_db

FAILING_ADDRESSES: set[str] = set()


class FailingBackend(EmailBackend):
    """The locmem outbox, except that the server refuses every address in FAILING_ADDRESSES."""

    def send_messages(self, messages):
        for message in messages:
            refused = set(message.recipients()) & FAILING_ADDRESSES
            if refused:
                raise smtplib.SMTPRecipientsRefused(dict.fromkeys(refused, (550, b"mailbox unavailable")))
        return super().send_messages(messages)


@pytest.fixture
def failing_backend(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    yield FAILING_ADDRESSES
    FAILING_ADDRESSES.clear()


def run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def sent_to(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


def mail_to(outbox, address):
    (message,) = [message for message in outbox if message.to == [address]]
    return message


def test_each_person_gets_one_mail_with_their_items(world, mailoutbox, settings):
    settings.PORTAL_BASE_URL = "https://iso.example.test"
    output = run("--date", "2026-11-25")
    assert sent_to(mailoutbox) == [
        "auditor_1@example.test",
        "auditor_2@example.test",
        "wakil_a@example.test",
        "wakil_b@example.test",
    ]
    message = mail_to(mailoutbox, "wakil_a@example.test")
    assert message.subject == "[Portal ISO] 2 hal perlu tindakan (2026-11-25)"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.content_subtype == "plain"
    assert message.attachments == []
    for record in (world.a_overdue, world.a_due_last_day):
        assert f"https://iso.example.test/admin/certifications/finding/{record.pk}/change/" in message.body
    for record in (world.b_overdue, world.b_awaiting_due, world.b_no_lead, world.a_awaiting, world.a_due_later):
        assert f"/admin/certifications/finding/{record.pk}/change/" not in message.body
    assert "Pengingat 2026-11-25: terkirim 4, sudah dikirim hari ini 0, dilewati tanpa email 0, gagal 0." in output


def test_each_mail_is_recorded_as_sent(world, mailoutbox):
    run("--date", "2026-11-25")
    reminder = Reminder.objects.get(recipient=world.lead_1, sent_on=ON)
    message = mail_to(mailoutbox, "auditor_1@example.test")
    # Awaiting their verification, and overdue in an audit they lead.
    assert (reminder.subject, reminder.body, reminder.item_count) == (message.subject, message.body, 2)
    assert Reminder.objects.count() == 4


def test_links_start_with_the_local_address_without_the_setting(world, mailoutbox, settings):
    del settings.PORTAL_BASE_URL
    run("--date", "2026-11-25")
    body = mail_to(mailoutbox, "wakil_a@example.test").body
    assert f"http://127.0.0.1:8000/admin/certifications/finding/{world.a_overdue.pk}/change/" in body


def test_a_person_with_two_roles_gets_one_mail(world, mailoutbox):
    world.agency_b.quality_representatives.add(world.lead_1)
    world.lead_1.groups.add(*world.rep_b.groups.all())
    run("--date", "2026-11-25")
    message = mail_to(mailoutbox, "auditor_1@example.test")
    assert message.subject == "[Portal ISO] 4 hal perlu tindakan (2026-11-25)"
    assert "Temuan yang menunggu verifikasi Anda sebagai ketua auditor" in message.body
    assert "Temuan SKPD yang Anda wakili" in message.body
    assert Reminder.objects.filter(recipient=world.lead_1).count() == 1


def test_a_rerun_the_same_day_sends_nothing_new(world, mailoutbox):
    run("--date", "2026-11-25")
    # A new finding since the first run does not earn a second mail today.
    finding(world.agency_a, lead=world.lead_1, due_on=days(2))
    output = run("--date", "2026-11-25")
    assert len(mailoutbox) == 4
    assert Reminder.objects.count() == 4
    assert "terkirim 0, sudah dikirim hari ini 4" in output
    assert "Sudah dikirim hari ini: wakil_a" in output


def test_the_next_day_sends_again(world, mailoutbox):
    run("--date", "2026-11-25")
    run("--date", "2026-11-26")
    assert len(mailoutbox) == 8
    # A day later the finding due in 15 days has entered the window.
    assert mail_to(mailoutbox[4:], "wakil_a@example.test").subject == "[Portal ISO] 3 hal perlu tindakan (2026-11-26)"
    assert set(Reminder.objects.values_list("sent_on", flat=True)) == {ON, days(1)}


def test_mails_are_in_the_portals_language_whatever_the_shells(world, mailoutbox):
    with translation.override("en"):
        run("--date", "2026-11-25")
    body = mail_to(mailoutbox, "wakil_a@example.test").body
    assert "Batas waktu: 20 Nov. 2026 (terlambat 5 hari)" in body


def test_the_day_defaults_to_today_in_bandung(world, mailoutbox, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: ON)
    run()
    assert {message.subject[-12:] for message in mailoutbox} == {"(2026-11-25)"}
    assert set(Reminder.objects.values_list("sent_on", flat=True)) == {ON}


def test_a_dry_run_prints_the_mails_and_sends_and_writes_nothing(world, mailoutbox):
    output = run("--date", "2026-11-25", "--dry-run")
    assert mailoutbox == []
    assert Reminder.objects.count() == 0
    assert "Kepada: wakil_a <wakil_a@example.test>" in output
    assert "Subjek: [Portal ISO] 2 hal perlu tindakan (2026-11-25)" in output
    assert f"/admin/certifications/finding/{world.a_overdue.pk}/change/" in output
    assert "akan dikirim 4, sudah dikirim hari ini 0, dilewati tanpa email 0" in output


def test_a_dry_run_after_a_send_says_who_already_has_todays_mail(world, mailoutbox):
    run("--date", "2026-11-25")
    output = run("--date", "2026-11-25", "--dry-run")
    assert "akan dikirim 0, sudah dikirim hari ini 4" in output
    assert "Kepada:" not in output


@pytest.mark.parametrize("email", ["", "   "])
def test_a_user_without_email_is_skipped_and_named(world, mailoutbox, email):
    world.rep_a.email = email
    world.rep_a.save()
    output = run("--date", "2026-11-25")
    assert "wakil_a@example.test" not in sent_to(mailoutbox)
    assert len(mailoutbox) == 3
    assert "Dilewati, akun tanpa alamat email: wakil_a" in output
    assert "terkirim 3, sudah dikirim hari ini 0, dilewati tanpa email 1, gagal 0." in output
    assert not Reminder.objects.filter(recipient=world.rep_a).exists()


@pytest.mark.parametrize("value", ["2026-02-30", "25-11-2026", "20261125", "2026-W48-3", "kemarin", ""])
def test_a_bad_date_is_refused_by_name(world, mailoutbox, value):
    with pytest.raises(CommandError) as excinfo:
        run("--date", value)
    assert repr(value) in str(excinfo.value)
    assert mailoutbox == []
    assert Reminder.objects.count() == 0


@pytest.mark.parametrize("value", ["1989-12-31", "2038-03-01", "9999-12-31"])
def test_a_date_outside_the_bounds_is_refused_before_any_arithmetic(world, mailoutbox, monkeypatch, value):
    # 9999-12-31 plus the 14-day window would overflow: a traceback rather than this message.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2028, 2, 29))
    with pytest.raises(CommandError) as excinfo:
        run("--date", value)
    assert repr(value) in str(excinfo.value)
    assert "1990-01-01 dan 2038-02-28" in str(excinfo.value)
    assert mailoutbox == []
    assert Reminder.objects.count() == 0


def test_the_bounds_themselves_are_accepted(world, mailoutbox, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2028, 2, 29))
    assert "Uji coba (--dry-run) untuk 1990-01-01" in run("--date", "1990-01-01", "--dry-run")
    assert "Uji coba (--dry-run) untuk 2038-02-28" in run("--date", "2038-02-28", "--dry-run")


def test_a_refused_address_leaves_no_row_and_the_others_are_still_sent(world, mailoutbox, failing_backend):
    failing_backend.add("wakil_a@example.test")
    out = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("send_reminders", "--date", "2026-11-25", stdout=out)
    assert "wakil_a" in str(excinfo.value)
    assert excinfo.value.returncode == 1
    assert "Gagal mengirim ke wakil_a: SMTPRecipientsRefused" in out.getvalue()
    assert "terkirim 3, sudah dikirim hari ini 0, dilewati tanpa email 0, gagal 1." in out.getvalue()
    assert sent_to(mailoutbox) == ["auditor_1@example.test", "auditor_2@example.test", "wakil_b@example.test"]
    assert not Reminder.objects.filter(recipient=world.rep_a).exists()
    assert Reminder.objects.count() == 3

    # The server accepts the address again: a rerun the same day sends to that person only.
    failing_backend.clear()
    run("--date", "2026-11-25")
    assert sent_to(mailoutbox[3:]) == ["wakil_a@example.test"]
    assert Reminder.objects.count() == 4


def test_a_server_refusing_everything_fails_every_person_and_writes_nothing(world, mailoutbox, failing_backend):
    failing_backend.update(user.email for user in (world.rep_a, world.rep_b, world.lead_1, world.lead_2))
    with pytest.raises(CommandError) as excinfo:
        run("--date", "2026-11-25")
    assert "Gagal mengirim ke 4 penerima" in str(excinfo.value)
    assert mailoutbox == []
    assert Reminder.objects.count() == 0


def test_a_row_written_by_a_concurrent_run_stops_this_runs_mail(world, mailoutbox, monkeypatch):
    """Another run sent wakil_a's mail between this run's check and its own insert."""
    from reminders import services

    def plan_then_other_run_sends(*, on):
        messages = plan_reminders(on=on)
        Reminder.objects.create(recipient=world.rep_a, sent_on=on, subject="s", body="b", item_count=2)
        return messages

    monkeypatch.setattr(services, "plan_reminders", plan_then_other_run_sends)
    output = run("--date", "2026-11-25")
    assert "wakil_a@example.test" not in sent_to(mailoutbox)
    assert len(mailoutbox) == 3
    assert "terkirim 3, sudah dikirim hari ini 1" in output
    assert Reminder.objects.get(recipient=world.rep_a).subject == "s"


def test_nothing_to_say_sends_nothing(roles, mailoutbox):
    RoleUserFactory(username="staf", role=Role.STAFF)
    # An agency the city reported uncertified: its status is known, nothing for staff to look into.
    quiet = AgencyFactory(certification_reported=CertificationReport.NOT_CERTIFIED)
    RoleUserFactory(username="wakil", role=Role.REPRESENTATIVE, agencies=[quiet])
    output = run("--date", "2026-11-25")
    assert mailoutbox == []
    assert Reminder.objects.count() == 0
    assert "terkirim 0, sudah dikirim hari ini 0, dilewati tanpa email 0, gagal 0." in output


def test_quiet_run_prints_nothing_when_all_goes_well(world, mailoutbox):
    out = StringIO()
    call_command("send_reminders", "--date", "2026-11-25", verbosity=0, stdout=out)
    assert out.getvalue() == ""
    assert len(mailoutbox) == 4


# Queries ---------------------------------------------------------------------------------------

RECIPIENTS = 3  # a representative, a lead auditor, a staff member


@pytest.mark.parametrize("size", [1, 30])
def test_the_query_count_does_not_grow_with_findings_and_certificates(
    roles, mailoutbox, size, django_assert_max_num_queries
):
    agency = AgencyFactory()  # no certificate, nothing reported: status unknown, one item for staff
    RoleUserFactory(username="wakil", role=Role.REPRESENTATIVE, agencies=[agency])
    lead = RoleUserFactory(username="auditor", role=Role.AUDITOR)
    RoleUserFactory(username="staf", role=Role.STAFF)
    for n in range(size):
        finding(agency, lead=lead, due_on=days(n % 10), grade=Finding.Grade.MAJOR)
        finding(agency, lead=lead, due_on=days(60), status=Finding.Status.ACTION_PROPOSED)
        # Expiring within 90 days, surveillance long overdue: in two staff sections.
        CertificateFactory(
            agency=AgencyFactory(),
            standard__code="ISO 9001:2015",
            standard__certificates_valid_until=None,
            issued_on=datetime.date(2023, 12, 1),
            expires_on=datetime.date(2026, 11, 30),
        )
    # Plan (users, roles, represented agencies, findings, led audits, 6 staff lists, the programme,
    # today's rows) and, per recipient, the insert and its savepoint pair (the test's transaction
    # makes atomic() a savepoint).
    with django_assert_max_num_queries(13 + 3 * RECIPIENTS):
        run("--date", "2026-11-25")
    assert mail_to(mailoutbox, "wakil@example.test").subject.startswith(f"[Portal ISO] {size} hal ")
    assert mail_to(mailoutbox, "auditor@example.test").subject.startswith(f"[Portal ISO] {size} hal ")
    # Overdue surveillances, expiring certificates, open majors, and the agency of unknown status.
    assert mail_to(mailoutbox, "staf@example.test").subject.startswith(f"[Portal ISO] {3 * size + 1} hal ")
