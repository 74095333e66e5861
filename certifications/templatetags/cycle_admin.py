"""The admin index's "Perlu tindakan" panel: what needs programme staff, counted, with links.

``needs_attention(user, on=)`` does the counting for a chosen day (a fixed handful of queries);
the ``{% needs_attention %}`` tag renders it for the logged-in user on ``attention_day()``.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import template
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from bandung_iso.roles import Role, has_role, is_programme_staff
from certifications import selectors
from certifications.admin.cycle import EndingFilter, NextAuditFilter
from certifications.cycle import audits_due, lapsing_standard_agencies
from certifications.models import OPEN_STATUSES, Certificate, Finding, FindingGrade, Programme
from certifications.notice import AUDIT_DUE_NOTICE_DAYS, EXPIRY_NOTICE_DAYS, STANDARD_END_NOTICE_DAYS

register = template.Library()


@dataclass(frozen=True)
class Task:
    label: str
    count: int
    url: str
    detail: str = ""


@dataclass
class Panel:
    """What one user is shown. ``shown`` is False for users the panel has nothing for."""

    shown: bool = False
    staff: bool = False
    tasks: list[Task] = field(default_factory=list)
    schedule_url: str = ""


def attention_day() -> datetime.date:
    """The day the panel reports: today where the portal is."""
    return timezone.localdate()


def _changelist(model: str, **params) -> str:
    url = reverse(f"admin:certifications_{model}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _open_findings(**params) -> dict:
    return {"status__in": ",".join(OPEN_STATUSES), **params}


def _standard_end(standard) -> str:
    return str(
        _("%(standard)s tidak berlaku lagi sesudah %(date)s")
        % {"standard": standard.code, "date": date_format(standard.certificates_valid_until, "DATE_FORMAT")}
    )


def _staff_tasks(on: datetime.date) -> list[Task]:
    """Four queries: the cycle, expiring certificates, the two finding counts, the lapsing standard."""
    due = audits_due(on=on, within_days=AUDIT_DUE_NOTICE_DAYS)
    overdue_audits = sum(1 for item in due if item.is_overdue(on=on))
    expiring = Certificate.objects.expiring(on=on, within_days=EXPIRY_NOTICE_DAYS).count()
    open_findings = Q(status__in=OPEN_STATUSES)
    findings = Finding.objects.aggregate(
        major=Count("pk", filter=open_findings & Q(grade=FindingGrade.MAJOR)),
        overdue=Count("pk", filter=open_findings & Q(due_on__lt=on)),
    )
    lapsing = lapsing_standard_agencies(on=on, within_days=STANDARD_END_NOTICE_DAYS)
    lapsing_detail = "; ".join(_standard_end(group.standard) for group in lapsing)
    tasks = [
        Task(
            _("Audit surveilans atau resertifikasi yang terlambat"),
            overdue_audits,
            _changelist("certificate", **{NextAuditFilter.parameter_name: NextAuditFilter.OVERDUE}),
        ),
        Task(
            _("Audit surveilans atau resertifikasi yang jatuh tempo dalam %(days)d hari")
            % {"days": AUDIT_DUE_NOTICE_DAYS},
            len(due) - overdue_audits,
            _changelist("certificate", **{NextAuditFilter.parameter_name: NextAuditFilter.DUE_SOON}),
        ),
        Task(
            _("Sertifikat yang berakhir dalam %(days)d hari") % {"days": EXPIRY_NOTICE_DAYS},
            expiring,
            _changelist("certificate", **{EndingFilter.parameter_name: EndingFilter.EXPIRING}),
        ),
        Task(
            _("Ketidaksesuaian mayor yang belum ditutup"),
            findings["major"],
            _changelist("finding", **_open_findings(grade__exact=FindingGrade.MAJOR)),
        ),
        Task(
            _("Temuan yang lewat batas waktu"),
            findings["overdue"],
            _changelist("finding", **_open_findings(due_on__lt=on.isoformat())),
        ),
        Task(
            _("SKPD yang hanya memegang sertifikat dengan standar yang berakhir dalam %(days)d hari")
            % {"days": STANDARD_END_NOTICE_DAYS},
            sum(len(group.agencies) for group in lapsing),
            _changelist("certificate", **{EndingFilter.parameter_name: EndingFilter.STANDARD_ENDING}),
            lapsing_detail,
        ),
    ]
    return [task for task in [*tasks, *_report_tasks()] if task.count]


def _report_tasks() -> list[Task]:
    """A warning when the records count more certified agencies than the programme's report (two queries)."""
    programme = Programme.objects.current()
    exceeded = selectors.report_exceeded(programme) if programme else None
    if exceeded is None:
        return []
    return [
        Task(
            _("SKPD bersertifikat menurut catatan melebihi laporan program per %(day)s")
            % {"day": programme.reported_display},
            exceeded.certified - programme.reported_certified,
            reverse("admin:certifications_programme_change", args=[programme.pk]),
            _(
                "Catatan menghitung %(records)d SKPD bersertifikat, laporan menyebut %(reported)d. Mungkin ada SKPD "
                "yang tercatat dua kali, misalnya SKPD asli di samping pengganti (#NN) yang mewakilinya."
            )
            % {"records": exceeded.certified, "reported": programme.reported_certified},
        )
    ]


def _own_tasks(user, on: datetime.date) -> list[Task]:
    """An auditor's and a representative's overdue findings: one query per role held."""
    overdue = _changelist("finding", **_open_findings(due_on__lt=on.isoformat()))
    tasks = []
    if has_role(user, Role.AUDITOR):
        count = Finding.objects.filter(audit__lead_auditor=user).overdue(on=on).count()
        tasks.append(Task(_("Temuan dari audit yang Anda pimpin yang lewat batas waktu"), count, overdue))
    if has_role(user, Role.REPRESENTATIVE):
        count = Finding.objects.filter(audit__agency__quality_representatives=user).overdue(on=on).count()
        tasks.append(Task(_("Temuan SKPD yang Anda wakili yang lewat batas waktu"), count, overdue))
    return [task for task in tasks if task.count]


def needs_attention(user, *, on: datetime.date) -> Panel:
    """What ``user`` is asked to act on, on ``on``.

    Programme staff get the whole programme; an auditor or a representative only their own
    overdue findings; anyone else nothing.
    """
    if not getattr(user, "is_active", False):
        return Panel()
    if is_programme_staff(user):
        return Panel(
            shown=True,
            staff=True,
            tasks=_staff_tasks(on),
            schedule_url=reverse("admin:certifications_certificate_schedule"),
        )
    if has_role(user, Role.AUDITOR) or has_role(user, Role.REPRESENTATIVE):
        return Panel(shown=True, tasks=_own_tasks(user, on))
    return Panel()


@register.inclusion_tag("admin/certifications/certificate/needs_attention.html", takes_context=True)
def needs_attention_panel(context, on: datetime.date | None = None):
    """``{% needs_attention_panel %}`` for the request's user; ``on`` defaults to ``attention_day()``."""
    return {"panel": needs_attention(context["request"].user, on=on or attention_day())}
