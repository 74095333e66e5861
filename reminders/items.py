"""Each record of a to-do as the mails list it: a title, a few lines, and the path of its admin page.

The daily mail (``services``) and the workflow mails (``workflow``) call these inside the
recipient's language (``translation.override``), so every word is written in it.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import Agency
from certifications import cycle
from certifications.dates import DatePrecision
from certifications.duties import Duty, DutyKey
from certifications.models import Audit, Certificate, Finding, FindingStatus

DESCRIPTION_CHARS = 120


@dataclass(frozen=True)
class Item:
    """One thing to act on. ``key`` names the record, so a message lists it once."""

    key: tuple
    title: str
    lines: tuple[str, ...]
    path: str


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _days_from(due: datetime.date, on: datetime.date) -> str:
    days = (due - on).days
    if days < 0:
        return ngettext("terlambat %(days)d hari", "terlambat %(days)d hari", -days) % {"days": -days}
    if days == 0:
        return _("hari ini")
    return ngettext("%(days)d hari lagi", "%(days)d hari lagi", days) % {"days": days}


def admin_path(record) -> str:
    meta = record._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])


def finding_item(finding: Finding, *, on: datetime.date) -> Item:
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
        path=admin_path(finding),
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
        path=admin_path(certificate),
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
        key=("certificate", certificate.pk), title=str(certificate), lines=(line,), path=admin_path(certificate)
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
        path=admin_path(certificate),
    )


def _planned_audit_item(audit: Audit, *, on: datetime.date) -> Item:
    if audit.last_day < on:
        when = _("Tanggal audit sudah lewat (%(date)s) tetapi belum ditandai selesai atau dibatalkan") % {
            "date": _date(audit.last_day)
        }
    else:
        when = _("Dimulai: %(date)s (%(days)s)") % {
            "date": _date(audit.starts_on),
            "days": _days_from(audit.starts_on, on),
        }
    return Item(
        key=("audit", audit.pk),
        title=f"{audit.agency} — {audit.get_kind_display()}",
        lines=(when,),
        path=admin_path(audit),
    )


def _without_expiry_item(certificate: Certificate, *, on: datetime.date) -> Item:
    return Item(
        key=("certificate", certificate.pk),
        title=str(certificate),
        lines=(_("Tanggal kedaluwarsa belum tercatat: masa berlaku tidak diketahui"),),
        path=admin_path(certificate),
    )


def _agency_item(agency: Agency, *, on: datetime.date) -> Item:
    return Item(
        key=("agency", agency.pk),
        title=str(agency),
        lines=(_("Belum ada sertifikat tercatat dan kota belum melaporkan statusnya"),),
        path=admin_path(agency),
    )


# A duty's records, by group: how each is written. Findings and planned audits look the same
# in any group; certificates say why they are listed.
_CERTIFICATE_ITEMS = {
    DutyKey.STANDARD_ENDING: _lapsing_item,
    DutyKey.EXPIRING: _expiring_item,
    DutyKey.WITHOUT_EXPIRY: _without_expiry_item,
}


def duty_items(duty: Duty, records, *, on: datetime.date) -> list[Item]:
    """``records`` (some or all of ``duty``'s) as items; a group without records is one item, its count."""
    if not duty.records:
        return [Item(key=("duty", duty.key), title=f"{duty.label}: {duty.count}", lines=(), path=duty.url)]
    items = []
    for record in records:
        if isinstance(record, Finding):
            items.append(finding_item(record, on=on))
        elif isinstance(record, Audit):
            items.append(_planned_audit_item(record, on=on))
        elif isinstance(record, cycle.NextAudit):
            items.append(_audit_due_item(record, on=on))
        elif isinstance(record, Certificate):
            items.append(_CERTIFICATE_ITEMS[duty.key](record, on=on))
        elif isinstance(record, Agency):
            items.append(_agency_item(record, on=on))
    return items
