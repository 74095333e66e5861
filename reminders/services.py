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
from django.db.models import Exists, OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import ngettext

from bandung_iso.display import person_name
from bandung_iso.roles import Role
from certifications.duties import Duties, Duty, DutyKey, plan_duties
from certifications.notice import finding_reminder_due

from .items import Item, duty_items
from .models import Reminder, language_of


@dataclass(frozen=True)
class Section:
    key: str  # the to-do group's (certifications.duties.DutyKey)
    title: str
    count: int  # the group's count, as the admin index shows it
    items: tuple[Item, ...]
    path: str  # the admin list of the whole group
    more: int = 0  # items cut at ITEMS_PER_SECTION


@dataclass
class Message:
    recipient: object  # the user
    sections: list[Section] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        # Those cut from a long section count too: the subject says how many things need the person.
        return sum(len(section.items) + section.more for section in self.sections)

    def add(self, duty: Duty, items) -> None:
        """Add a section of the items not already listed in an earlier one; nothing if none is left.

        A group of many is cut at ITEMS_PER_SECTION: its count and link tell the rest."""
        seen = {item.key for section in self.sections for item in section.items}
        fresh = tuple(item for item in items if item.key not in seen)
        if fresh:
            self.sections.append(
                Section(
                    duty.key,
                    str(duty.label),
                    duty.count,
                    fresh[:ITEMS_PER_SECTION],
                    duty.url,
                    max(len(fresh) - ITEMS_PER_SECTION, 0),
                )
            )


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


DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def portal_base_url() -> str:
    """Where the links in mails point: settings.PORTAL_BASE_URL (PORTAL_BASE_URL in the environment)."""
    return getattr(settings, "PORTAL_BASE_URL", "") or DEFAULT_BASE_URL


# The plan --------------------------------------------------------------------------------

# A long group (agencies of unknown status, say) is cut here in the mail: its link opens the whole list.
ITEMS_PER_SECTION = 20


def _recipients(*, on: datetime.date) -> list:
    """Every active user holding a role, with their language and the day of their last daily mail before ``on``."""
    roles = get_user_model().groups.through.objects.filter(user_id=OuterRef("pk"), group__name__in=Role.values)
    last = Reminder.objects.filter(recipient=OuterRef("pk"), sent_on__lt=on).order_by("-sent_on").values("sent_on")
    return list(
        get_user_model()
        .objects.filter(Exists(roles), is_active=True)
        .select_related("mail_preference")
        .annotate(last_mailed_on=Subquery(last[:1]))
        .order_by("username")
    )


def _mailed_records(duty: Duty, *, on: datetime.date, last_mailed_on) -> tuple:
    """The records of ``duty`` today's mail lists: a representative's findings on the days the notice rule chooses."""
    if duty.key not in DutyKey.TIMED:
        return duty.records
    return tuple(
        finding
        for finding in duty.records
        if finding_reminder_due(
            raised_on=finding.raised_on, due_on=finding.due_on, on=on, last_mailed_on=last_mailed_on
        )
    )


def message_for(user, duties: Duties, *, on: datetime.date) -> Message:
    """``user``'s daily message from their to-do (``certifications.duties``), in the active language."""
    message = Message(user)
    for duty in duties.duties:
        records = _mailed_records(duty, on=on, last_mailed_on=getattr(user, "last_mailed_on", None))
        if duty.records and not records:
            continue
        message.add(duty, duty_items(duty, records, on=on))
    return message


def plan_reminders(*, on: datetime.date) -> list[Message]:
    """Every active user with something to act on on ``on``, one message each, by username, each
    written in the recipient's language.

    The to-do is the admin index's (``certifications.duties.plan_duties``), read for every
    recipient at once; a representative's findings come on the days ``notice.finding_reminder_due``
    chooses. Users without an email address are included: the caller reports them.
    """
    users = _recipients(on=on)
    plans = plan_duties(users, on=on)
    messages = []
    for user in users:
        with translation.override(language_of(user)):
            message = message_for(user, plans[user.pk], on=on)
        if message.item_count:
            messages.append(message)
    return messages


# Composing and sending ----------------------------------------------------------------------


def clean_body(body: str) -> str:
    """Templates leave blank lines where tags stood: at most one empty line between blocks."""
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", body)).strip() + "\n"


def compose(message: Message, *, on: datetime.date, base_url: str) -> tuple[str, str]:
    """The subject and plain-text body, in the recipient's language."""
    with translation.override(language_of(message.recipient)):
        return _compose(message, on=on, base_url=base_url)


def _compose(message: Message, *, on: datetime.date, base_url: str) -> tuple[str, str]:
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
            "name": person_name(user),
            "day": formats.date_format(on, "DATE_FORMAT"),
            "sections": message.sections,
            "base_url": base_url.rstrip("/"),
        },
    )
    return subject, clean_body(body)


def send_reminders(*, on: datetime.date, base_url: str, dry_run: bool = False) -> Report:
    """Send each user's reminder for ``on`` unless already sent; in a dry run, only compose them.

    Each mail is written in its recipient's language (``MailPreference``, else settings.LANGUAGE_CODE),
    whatever the locale the command runs under.
    """
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
