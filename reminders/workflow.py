"""A mail on each step of a finding's workflow, to whoever must act next.

- recorded (``certifications.signals.finding_recorded``) → the agency's quality representatives;
- action proposed → the audit's lead auditor;
- returned or closed → the agency's quality representatives.

The signals are sent once the step's transaction has committed, so a step rolled back mails
nobody and a committed one mails each recipient once. Each mail is plain text in its
recipient's language (``MailPreference``), with the absolute link to the finding; inactive
users and users without an email address are skipped. A failing mail server is logged, not
raised: the step is already saved, and the daily reminder still lists what is due.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from bandung_iso.display import person_name
from bandung_iso.roles import Role
from certifications import signals
from certifications.models import Finding, FindingStatus

from .items import finding_item
from .models import language_of
from .services import clean_body, portal_base_url

logger = logging.getLogger(__name__)


def _representatives(finding: Finding) -> list:
    return list(
        finding.audit.agency.quality_representatives.filter(is_active=True, groups__name=Role.REPRESENTATIVE)
        .select_related("mail_preference")
        .distinct()
        .order_by("username")
    )


def _lead(finding: Finding) -> list:
    lead = finding.audit.lead_auditor
    return [lead] if lead is not None and lead.is_active else []


def _recorded(finding: Finding, **kwargs) -> tuple[str, str]:
    subject = _("[Portal ISO] Temuan baru untuk %(agency)s") % {"agency": finding.audit.agency}
    if finding.status == FindingStatus.OPEN:
        text = _(
            "Temuan baru dicatat untuk SKPD yang Anda wakili. Jawab dengan koreksi, akar masalah dan tindakan "
            "korektif sebelum batas waktunya."
        )
    else:
        text = _("Temuan baru dicatat untuk SKPD yang Anda wakili, tanpa tindakan yang diminta.")
    return subject, text


def _proposed(finding: Finding, **kwargs) -> tuple[str, str]:
    subject = _("[Portal ISO] Tindakan korektif diusulkan: %(agency)s") % {"agency": finding.audit.agency}
    text = _(
        "SKPD mengusulkan tindakan korektif atas temuan audit yang Anda pimpin. Verifikasi lalu tutup temuannya, "
        "atau kembalikan dengan alasannya."
    )
    return subject, text


def _returned(finding: Finding, *, reason: str = "", **kwargs) -> tuple[str, str]:
    subject = _("[Portal ISO] Tindakan korektif dikembalikan: %(agency)s") % {"agency": finding.audit.agency}
    text = _("Pemverifikasi belum menerima tindakan korektif yang diusulkan. Alasannya: %(reason)s") % {
        "reason": reason
    }
    return subject, text


def _closed(finding: Finding, **kwargs) -> tuple[str, str]:
    subject = _("[Portal ISO] Temuan ditutup: %(agency)s") % {"agency": finding.audit.agency}
    text = _("Tindakan korektif telah diverifikasi dan temuan ditutup pada %(date)s. Hasil verifikasi: %(text)s") % {
        "date": formats.date_format(finding.closed_on, "DATE_FORMAT"),
        "text": finding.verification,
    }
    return subject, text


def _mail(user, finding: Finding, words, **kwargs) -> None:
    with translation.override(language_of(user)):
        subject, text = words(finding, **kwargs)
        # Days left are counted from the day the mail goes out.
        item = finding_item(finding, on=timezone.localdate())
        body = render_to_string(
            "reminders/workflow_email.txt",
            {
                "name": person_name(user),
                "text": text,
                "item": item,
                "link": f"{portal_base_url().rstrip('/')}{item.path}",
            },
        )
    EmailMessage(subject, clean_body(body), settings.DEFAULT_FROM_EMAIL, [user.email.strip()]).send()


def _send(finding: Finding, recipients, words, **kwargs) -> None:
    # The row as committed, with what the mail names.
    finding = Finding.objects.select_related("audit__agency", "audit__standard", "audit__lead_auditor").get(
        pk=finding.pk
    )
    for user in recipients(finding):
        if not (user.email or "").strip():
            continue
        try:
            _mail(user, finding, words, **kwargs)
        except Exception:
            # The step is saved; a refused mail must not turn it into an error page.
            logger.exception("Workflow mail for finding %s to %s failed", finding.pk, user.username)


def finding_recorded(sender, finding: Finding, **kwargs) -> None:
    _send(finding, _representatives, _recorded)


def action_proposed(sender, finding: Finding, **kwargs) -> None:
    _send(finding, _lead, _proposed)


def finding_returned(sender, finding: Finding, reason: str = "", **kwargs) -> None:
    _send(finding, _representatives, _returned, reason=reason)


def finding_closed(sender, finding: Finding, **kwargs) -> None:
    _send(finding, _representatives, _closed)


def connect() -> None:
    signals.finding_recorded.connect(finding_recorded, dispatch_uid="reminders-finding-recorded")
    signals.action_proposed.connect(action_proposed, dispatch_uid="reminders-action-proposed")
    signals.finding_returned.connect(finding_returned, dispatch_uid="reminders-finding-returned")
    signals.finding_closed.connect(finding_closed, dispatch_uid="reminders-finding-closed")
