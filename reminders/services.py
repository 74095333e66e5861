"""Daily reminders: who is told what on a day, and sending each person at most one mail a day.

The plan for a day is read in a fixed number of queries whatever the number of findings and
certificates; sending costs a few queries per recipient. Each recipient's mail goes out inside
the transaction that writes its ``Reminder`` row: a failed send rolls the row back (a rerun
tries that person again), and the unique (recipient, day) row makes a rerun, or a second run
at the same time, send nothing new.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import Agency
from bandung_iso.roles import Role
from certifications import cycle
from certifications.dates import DatePrecision
from certifications.models import Certificate, Finding, FindingStatus
from certifications.notice import (
    AUDIT_DUE_NOTICE_DAYS,
    EXPIRY_NOTICE_DAYS,
    FINDING_DUE_NOTICE_DAYS,
    STANDARD_END_NOTICE_DAYS,
)

from .models import Reminder

DESCRIPTION_CHARS = 120


@dataclass(frozen=True)
class Item:
    """One thing to act on. ``key`` names the record, so a message lists it once."""

    key: tuple
    title: str
    lines: tuple[str, ...]
    path: str


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Item, ...]


@dataclass
class Message:
    recipient: object  # the user
    sections: list[Section] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)

    def add(self, title: str, items) -> None:
        """Add a section of the items not already listed in an earlier one; nothing if none is left."""
        seen = {item.key for section in self.sections for item in section.items}
        fresh = tuple(item for item in items if item.key not in seen)
        if fresh:
            self.sections.append(Section(title, fresh))


@dataclass(frozen=True)
class Draft:
    username: str
    email: str
    subject: str
    body: str
    item_count: int


@dataclass
class Report:
    on: datetime.date
    dry_run: bool
    sent: list[Draft] = field(default_factory=list)  # in a dry run: what would be sent
    already_sent: list[str] = field(default_factory=list)
    skipped_without_email: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (username, error)


# The plan --------------------------------------------------------------------------------


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _days_from(due: datetime.date, on: datetime.date) -> str:
    days = (due - on).days
    if days < 0:
        return ngettext("terlambat %(days)d hari", "terlambat %(days)d hari", -days) % {"days": -days}
    if days == 0:
        return _("hari ini")
    return ngettext("%(days)d hari lagi", "%(days)d hari lagi", days) % {"days": days}


def _admin_path(record) -> str:
    meta = record._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])


def _finding_item(finding: Finding, *, on: datetime.date) -> Item:
    audit = finding.audit
    if finding.due_on is None:
        due = _("Batas waktu: tidak ditetapkan")
    else:
        due = _("Batas waktu: %(date)s (%(days)s)") % {
            "date": _date(finding.due_on),
            "days": _days_from(finding.due_on, on),
        }
    if finding.status == FindingStatus.ACTION_PROPOSED and finding.action_proposed_on:
        status = _("Status: tindakan diusulkan %(date)s, menunggu verifikasi ketua auditor") % {
            "date": _date(finding.action_proposed_on)
        }
    else:
        status = _("Status: %(status)s") % {"status": finding.get_status_display()}
    # One line, whatever the description holds: its line breaks must not reshape the mail.
    description = Truncator(" ".join(finding.description.split())).chars(DESCRIPTION_CHARS)
    return Item(
        key=("finding", finding.pk),
        title=f"{audit.agency} — {finding.get_grade_display()} {finding.clause_display}",
        lines=(
            due,
            status,
            _("Audit: %(kind)s, %(date)s") % {"kind": audit.get_kind_display(), "date": _date(audit.starts_on)},
            _("Uraian: %(text)s") % {"text": description},
        ),
        path=_admin_path(finding),
    )


def _audit_due_item(next_audit: cycle.NextAudit, *, on: datetime.date) -> Item:
    certificate = next_audit.certificate
    if next_audit.number:
        what = _("%(kind)s ke-%(number)d") % {"kind": next_audit.kind_display, "number": next_audit.number}
    else:
        what = next_audit.kind_display
    # A date known only to its month or year is its period's last day: counting days to it would
    # pretend to a precision the record does not have.
    if next_audit.precision == DatePrecision.DAY:
        when = _days_from(next_audit.due_on, on)
    elif next_audit.is_overdue(on=on):
        when = _("terlambat")
    else:
        when = _("tanggal pastinya tidak diketahui")
    return Item(
        key=("audit_due", certificate.pk),
        title=f"{certificate.agency} — {what}",
        lines=(
            _("Jatuh tempo: %(date)s (%(when)s)") % {"date": next_audit.due_display, "when": when},
            _("Sertifikat: %(standard)s, nomor %(number)s")
            % {"standard": certificate.standard, "number": certificate.number or _("tidak diketahui")},
        ),
        path=_admin_path(certificate),
    )


def _expiring_item(certificate: Certificate, *, on: datetime.date) -> Item:
    lapse = certificate.standard.certificates_valid_until
    if lapse is not None and lapse < certificate.expires_on:
        line = _(
            "Standar %(standard)s tidak berlaku lagi sesudah %(date)s (%(days)s); kedaluwarsa tercetak %(printed)s"
        ) % {
            "standard": certificate.standard,
            "date": _date(lapse),
            "days": _days_from(lapse, on),
            "printed": certificate.expires_display,
        }
    elif certificate.expires_precision == DatePrecision.DAY:
        line = _("Kedaluwarsa: %(date)s (%(days)s)") % {
            "date": certificate.expires_display,
            "days": _days_from(certificate.expires_on, on),
        }
    else:
        line = _("Kedaluwarsa: %(date)s") % {"date": certificate.expires_display}
    return Item(
        key=("certificate", certificate.pk), title=str(certificate), lines=(line,), path=_admin_path(certificate)
    )


def _lapsing_item(certificate: Certificate, *, on: datetime.date) -> Item:
    lapse = certificate.standard.certificates_valid_until
    return Item(
        key=("certificate", certificate.pk),
        title=str(certificate),
        lines=(
            _("Standar %(standard)s tidak berlaku lagi sesudah %(date)s (%(days)s)")
            % {"standard": certificate.standard, "date": _date(lapse), "days": _days_from(lapse, on)},
            _("SKPD ini belum memegang sertifikat berlaku dengan standar yang lebih baru."),
        ),
        path=_admin_path(certificate),
    )


def _staff_sections(*, on: datetime.date) -> list[tuple[str, list[Item]]]:
    """What programme staff are told, the same for every one of them (three queries)."""
    audits = [_audit_due_item(item, on=on) for item in cycle.audits_due(on=on, within_days=AUDIT_DUE_NOTICE_DAYS)]
    lapsing = [
        _lapsing_item(certificate, on=on)
        for certificate in cycle.lapsing_standard_certificates(on=on, within_days=STANDARD_END_NOTICE_DAYS)
    ]
    expiring = [
        _expiring_item(certificate, on=on)
        for certificate in Certificate.objects.expiring(on=on, within_days=EXPIRY_NOTICE_DAYS)
        .select_related("agency", "standard")
        .order_by("expires_on", "agency__name", "pk")
    ]
    # A certificate lapsing with its standard is listed there, with the remedy, and not again
    # under expiring (Message.add keeps the first).
    return [
        (
            _("Audit surveilans dan resertifikasi yang terlambat atau jatuh tempo dalam %(days)d hari")
            % {"days": AUDIT_DUE_NOTICE_DAYS},
            audits,
        ),
        (
            _("SKPD yang hanya memegang sertifikat dengan standar yang berakhir dalam %(days)d hari")
            % {"days": STANDARD_END_NOTICE_DAYS},
            lapsing,
        ),
        (_("Sertifikat yang berakhir dalam %(days)d hari") % {"days": EXPIRY_NOTICE_DAYS}, expiring),
    ]


def plan_reminders(*, on: datetime.date) -> list[Message]:
    """Every active user with something to act on on ``on``, one message each, by username.

    Users without an email address are included: the caller reports them.
    """
    findings, due = _findings_to_remind(on=on)
    representatives = _representatives(due)
    users = _recipients(findings, representatives)
    staff_sections = _staff_sections(on=on) if any(user.in_staff_role for user in users) else []
    awaiting, led_due, agency_due = _findings_by_person(findings, due, representatives, on=on)

    messages = []
    for user in users:
        message = Message(user)
        message.add(_("Temuan yang menunggu verifikasi Anda sebagai ketua auditor"), awaiting.get(user.pk, ()))
        message.add(
            _("Temuan audit yang Anda pimpin: batas waktu dalam %(days)d hari atau sudah lewat")
            % {"days": FINDING_DUE_NOTICE_DAYS},
            led_due.get(user.pk, ()),
        )
        message.add(
            _("Temuan SKPD yang Anda wakili: batas waktu dalam %(days)d hari atau sudah lewat")
            % {"days": FINDING_DUE_NOTICE_DAYS},
            agency_due.get(user.pk, ()),
        )
        if user.in_staff_role:
            for title, section_items in staff_sections:
                message.add(title, section_items)
        if message.item_count:
            messages.append(message)
    return messages


def _findings_to_remind(*, on: datetime.date) -> tuple[list, list]:
    """Open nonconformities due within the notice window (overdue ones included), and, for their
    lead auditor, those whose action awaits verification whatever their due date; and the due ones."""
    last_day = on + datetime.timedelta(days=FINDING_DUE_NOTICE_DAYS)
    findings = list(
        Finding.objects.open()
        .filter(Q(due_on__lte=last_day) | Q(status=FindingStatus.ACTION_PROPOSED, audit__lead_auditor__isnull=False))
        .select_related("audit__agency", "audit__standard")
        .order_by(F("due_on").asc(nulls_last=True), "audit__agency__name", "audit__starts_on", "pk")
    )
    due = [finding for finding in findings if finding.due_on is not None and finding.due_on <= last_day]
    return findings, due


def _representatives(due: list) -> dict[int, list[int]]:
    """Agency id -> the ids of its quality representatives, for the agencies of the due findings."""
    representatives: dict[int, list[int]] = {}
    if due:
        links = Agency.quality_representatives.through.objects.filter(
            agency_id__in={finding.audit.agency_id for finding in due}
        ).values_list("agency_id", "user_id")
        for agency_id, user_id in links:
            representatives.setdefault(agency_id, []).append(user_id)
    return representatives


def _recipients(findings: list, representatives: dict[int, list[int]]) -> list:
    """The active users a finding names, and every active member of Staf Pemkot (``in_staff_role``)."""
    linked = {user_id for user_ids in representatives.values() for user_id in user_ids}
    linked |= {finding.audit.lead_auditor_id for finding in findings if finding.audit.lead_auditor_id}
    staff_membership = get_user_model().groups.through.objects.filter(user_id=OuterRef("pk"), group__name=Role.STAFF)
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(in_staff_role=Exists(staff_membership))
        .filter(Q(pk__in=linked) | Q(in_staff_role=True))
        .order_by("username")
    )


def _findings_by_person(findings: list, due: list, representatives: dict, *, on: datetime.date) -> tuple:
    """Items per user id: awaiting their verification, due in audits they lead, due in agencies they represent."""
    items = {finding.pk: _finding_item(finding, on=on) for finding in findings}
    due_pks = {finding.pk for finding in due}
    awaiting: dict[int, list[Item]] = {}
    led_due: dict[int, list[Item]] = {}
    agency_due: dict[int, list[Item]] = {}
    for finding in findings:
        lead = finding.audit.lead_auditor_id
        if lead and finding.status == FindingStatus.ACTION_PROPOSED:
            awaiting.setdefault(lead, []).append(items[finding.pk])
        elif lead and finding.pk in due_pks:
            led_due.setdefault(lead, []).append(items[finding.pk])
    for finding in due:
        for user_id in representatives.get(finding.audit.agency_id, ()):
            agency_due.setdefault(user_id, []).append(items[finding.pk])
    return awaiting, led_due, agency_due


# Composing and sending ----------------------------------------------------------------------


def compose(message: Message, *, on: datetime.date, base_url: str) -> tuple[str, str]:
    """The subject and plain-text body."""
    count = message.item_count
    subject = ngettext(
        "[Portal ISO] %(count)d hal perlu tindakan (%(date)s)",
        "[Portal ISO] %(count)d hal perlu tindakan (%(date)s)",
        count,
    ) % {"count": count, "date": on.isoformat()}
    user = message.recipient
    body = render_to_string(
        "reminders/reminder_email.txt",
        {
            "name": user.get_full_name() or user.username,
            "day": _date(on),
            "sections": message.sections,
            "base_url": base_url.rstrip("/"),
        },
    )
    # Templates leave blank lines where tags stood: at most one empty line between blocks.
    body = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", body)).strip() + "\n"
    return subject, body


def send_reminders(*, on: datetime.date, base_url: str, dry_run: bool = False) -> Report:
    """Send each user's reminder for ``on`` unless already sent; in a dry run, only compose them.

    Mails are written in the portal's language (settings.LANGUAGE_CODE), whatever the locale
    the command runs under.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _send_all(on=on, base_url=base_url, dry_run=dry_run)


def _send_all(*, on: datetime.date, base_url: str, dry_run: bool) -> Report:
    report = Report(on=on, dry_run=dry_run)
    messages = plan_reminders(on=on)
    already = set(Reminder.objects.filter(sent_on=on).values_list("recipient_id", flat=True))
    for message in messages:
        user = message.recipient
        if user.pk in already:
            report.already_sent.append(user.username)
            continue
        email = (user.email or "").strip()
        if not email:
            report.skipped_without_email.append(user.username)
            continue
        subject, body = compose(message, on=on, base_url=base_url)
        draft = Draft(user.username, email, subject, body, message.item_count)
        if dry_run:
            report.sent.append(draft)
            continue
        try:
            _send_once(user, draft, on=on)
        except IntegrityError:
            # Another run wrote this person's row since we looked: it sent the mail.
            if not Reminder.objects.filter(recipient=user, sent_on=on).exists():
                raise
            report.already_sent.append(user.username)
        except Exception as error:
            # Whatever the backend raises (SMTP refusal, network, ...): report it, try the next person.
            report.failed.append((user.username, f"{type(error).__name__}: {error}"))
        else:
            report.sent.append(draft)
    return report


def _send_once(user, draft: Draft, *, on: datetime.date) -> None:
    # The row first: a concurrent run waits on the unique index and then fails, so only one
    # of them sends. The mail inside the transaction: if it fails, the row goes with it. A
    # connection per message, so one dropped SMTP session fails one person, not the rest.
    with transaction.atomic():
        Reminder.objects.create(
            recipient=user, sent_on=on, subject=draft.subject, body=draft.body, item_count=draft.item_count
        )
        EmailMessage(draft.subject, draft.body, settings.DEFAULT_FROM_EMAIL, [draft.email]).send()
