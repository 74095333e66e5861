"""What each user has to act on, on a day: one definition for the admin index and the daily mail.

``plan_duties(users, on=)`` answers for many users in a fixed number of queries (the daily
mail asks it for every recipient at once); ``duties_for(user, on=)`` for one (the admin
index's "Perlu tindakan" panel). Each ``Duty`` is a group of records with its count and the
link to the admin list filtered to exactly those records, so the index, its links and the
mail never disagree. By role:

- a quality representative: the open findings of the agencies they represent, those not
  answered yet and those whose proposed action the verifier returned (``Finding.returned``);
- a lead auditor: the findings awaiting their verification, the planned audits they lead
  that start within ``AUDIT_DUE_NOTICE_DAYS`` or whose days are past, and the overdue findings
  of the audits they lead;
- programme staff (Staf Pemkot, superusers): the cycle audits overdue and due, the agencies
  holding only a certificate to a standard about to end, certificates expiring, open major
  nonconformities, overdue findings, certificates without an expiry date, agencies whose
  status is unknown, and a programme report the records exceed.

The filter parameters the links use are named here; the admin's list filters read them.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agencies.models import Agency, AgencyStatus
from bandung_iso.roles import Role, is_programme_staff, role_names

from . import selectors
from .cycle import audits_due, lapsing_standard_certificates
from .models import OPEN_STATUSES, Audit, AuditStatus, Certificate, Finding, FindingGrade, FindingStatus, Programme
from .notice import AUDIT_DUE_NOTICE_DAYS, EXPIRY_NOTICE_DAYS, STANDARD_END_NOTICE_DAYS

# The list filters the links use (certifications.admin): parameter names and values, in Indonesian
# as the admin's other filters are.
TASK_PARAMETER = "tugas"  # findings and audits: the user's own to-do (FindingTaskFilter, AuditTaskFilter)
NEXT_AUDIT_PARAMETER = "audit_berikutnya"  # certificates (NextAuditFilter)
NEXT_AUDIT_OVERDUE = "terlambat"
NEXT_AUDIT_DUE_SOON = f"{AUDIT_DUE_NOTICE_DAYS}_hari"
ENDING_PARAMETER = "berakhir"  # certificates (EndingFilter)
ENDING_EXPIRING = f"{EXPIRY_NOTICE_DAYS}_hari"
ENDING_STANDARD = f"standar_{STANDARD_END_NOTICE_DAYS}_hari"
EXPIRY_KNOWN_PARAMETER = "kedaluwarsa_diketahui"  # certificates (ExpiryKnownFilter), "tidak"
STATUS_TODAY_PARAMETER = "status_hari_ini"  # agencies (StatusTodayFilter), an AgencyStatus value


class DutyKey:
    """Each group's name: the value of its task filter where it has one, and the mail's section key."""

    TO_ANSWER = "jawab"
    RETURNED = "dikembalikan"
    TO_VERIFY = "verifikasi"
    AUDITS_DUE = "audit_dipimpin"
    OVERDUE_LED = "terlambat"
    CYCLE_OVERDUE = "siklus_terlambat"
    CYCLE_DUE = "siklus_jatuh_tempo"
    STANDARD_ENDING = "standar_berakhir"
    EXPIRING = "kedaluwarsa"
    MAJOR_OPEN = "mayor_terbuka"
    OVERDUE = "temuan_terlambat"
    WITHOUT_EXPIRY = "tanpa_kedaluwarsa"
    STATUS_UNKNOWN = "status_tidak_diketahui"
    REPORT_EXCEEDED = "laporan_terlampaui"

    FINDING_TASKS = (TO_ANSWER, RETURNED, TO_VERIFY, OVERDUE_LED)
    # The findings a representative must answer: the daily mail lists them on the days
    # notice.finding_reminder_due chooses, the index every day.
    TIMED = (TO_ANSWER, RETURNED)


class Label:
    """A group's title, put into words when it is shown: the daily mail shows it in each recipient's language."""

    def __init__(self, text, **params):
        self.text, self.params = text, params

    def __str__(self):
        return str(self.text % self.params) if self.params else str(self.text)

    def __eq__(self, other):
        return str(self) == str(other)

    def __hash__(self):
        return hash(str(self))


@dataclass(frozen=True)
class Duty:
    key: str
    label: Label
    count: int
    url: str
    records: tuple = ()  # Findings, Audits, NextAudits, Certificates or Agencies; empty for a bare count
    detail: str = ""


@dataclass
class Duties:
    """What one user is shown. ``shown`` is False for users with no role (nothing is asked of them)."""

    shown: bool = False
    staff: bool = False
    duties: list[Duty] = field(default_factory=list)
    schedule_url: str = ""

    def get(self, key: str) -> Duty | None:
        return next((duty for duty in self.duties if duty.key == key), None)


def changelist(model: str, app: str = "certifications", **params) -> str:
    url = reverse(f"admin:{app}_{model}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _task_url(model: str, key: str) -> str:
    return changelist(model, **{TASK_PARAMETER: key})


def _due_detail(findings) -> str:
    """The nearest due date, or "" when none is set."""
    dated = sorted(finding.due_on for finding in findings if finding.due_on is not None)
    if not dated:
        return ""
    return str(_("batas waktu terdekat %(date)s") % {"date": date_format(dated[0], "DATE_FORMAT")})


def _overdue_detail(findings, on: datetime.date) -> str:
    """How many are overdue, and the nearest due date: what a representative reads under a group."""
    overdue = sum(1 for finding in findings if finding.is_overdue(on=on))
    nearest = _due_detail(findings)
    if not overdue:
        return nearest
    late = ngettext("%(count)d lewat batas waktu", "%(count)d lewat batas waktu", overdue) % {"count": overdue}
    return "; ".join(part for part in (late, nearest) if part)


# --- Representatives and lead auditors ----------------------------------------------------------


def represented_agencies(user_ids) -> dict[int, set[int]]:
    """User id -> the ids of the agencies they represent (one query)."""
    agencies: dict[int, set[int]] = {}
    links = Agency.quality_representatives.through.objects.filter(user_id__in=user_ids)
    for user_id, agency_id in links.values_list("user_id", "agency_id"):
        agencies.setdefault(user_id, set()).add(agency_id)
    return agencies


def _own_findings(lead_ids, agency_ids) -> list[Finding]:
    """Open findings of audits led by ``lead_ids`` or of the agencies ``agency_ids`` (one query), soonest due first."""
    return list(
        Finding.objects.open()
        .filter(Q(audit__lead_auditor_id__in=lead_ids) | Q(audit__agency_id__in=agency_ids))
        .select_related("audit__agency", "audit__standard")
        .order_by(F("due_on").asc(nulls_last=True), "audit__agency__name", "audit__starts_on", "pk")
    )


def audits_due_queryset(*, on: datetime.date):
    """Planned audits starting within AUDIT_DUE_NOTICE_DAYS of ``on``, or whose days are already past."""
    return Audit.objects.filter(
        status=AuditStatus.PLANNED, starts_on__lte=on + datetime.timedelta(days=AUDIT_DUE_NOTICE_DAYS)
    )


def _findings_duty(key: str, label: Label, findings: list[Finding], detail: str = "") -> Duty:
    """A group of findings, linked to the findings list's "tugas saya" filter for the same group."""
    return Duty(key, label, len(findings), _task_url("finding", key), tuple(findings), detail)


def _representative_duties(findings: list[Finding], agencies: set[int], *, on) -> list[Duty]:
    mine = [finding for finding in findings if finding.audit.agency_id in agencies]
    to_answer = [f for f in mine if f.status == FindingStatus.OPEN and not f.returned]
    returned = [f for f in mine if f.status == FindingStatus.OPEN and f.returned]
    return [
        _findings_duty(
            DutyKey.TO_ANSWER,
            Label(_("Temuan SKPD yang Anda wakili yang perlu dijawab")),
            to_answer,
            _overdue_detail(to_answer, on),
        ),
        _findings_duty(
            DutyKey.RETURNED,
            Label(_("Temuan yang dikembalikan pemverifikasi: tindakan korektif perlu diperbaiki")),
            returned,
            _overdue_detail(returned, on),
        ),
    ]


def _lead_duties(user_id: int, findings: list[Finding], audits: list[Audit], *, on) -> list[Duty]:
    led = [finding for finding in findings if finding.audit.lead_auditor_id == user_id]
    to_verify = [f for f in led if f.status == FindingStatus.ACTION_PROPOSED]
    overdue = [f for f in led if f.is_overdue(on=on)]
    own_audits = [audit for audit in audits if audit.lead_auditor_id == user_id]
    late_audits = sum(1 for audit in own_audits if audit.last_day < on)
    return [
        _findings_duty(
            DutyKey.TO_VERIFY, Label(_("Temuan yang menunggu verifikasi Anda sebagai ketua auditor")), to_verify
        ),
        Duty(
            DutyKey.AUDITS_DUE,
            Label(
                _("Audit yang Anda pimpin: dimulai dalam %(days)d hari, atau lewat tanggalnya tetapi belum selesai"),
                days=AUDIT_DUE_NOTICE_DAYS,
            ),
            len(own_audits),
            _task_url("audit", DutyKey.AUDITS_DUE),
            tuple(own_audits),
            str(_("%(count)d lewat tanggalnya") % {"count": late_audits}) if late_audits else "",
        ),
        _findings_duty(DutyKey.OVERDUE_LED, Label(_("Temuan audit yang Anda pimpin yang lewat batas waktu")), overdue),
    ]


# --- Programme staff ----------------------------------------------------------------------------


def _standard_end(standard) -> str:
    return str(
        _("%(standard)s tidak berlaku lagi sesudah %(date)s")
        % {"standard": standard.code, "date": date_format(standard.certificates_valid_until, "DATE_FORMAT")}
    )


def _open_findings_url(**params) -> str:
    return changelist("finding", status__in=",".join(OPEN_STATUSES), **params)


def staff_duties(*, on: datetime.date) -> list[Duty]:
    """The programme's to-do, the same for every member of staff, in a fixed number of queries."""
    return [*_certificate_duties(on), *_finding_and_agency_duties(on), *_report_duties()]


def _certificate_duties(on: datetime.date) -> list[Duty]:
    """Cycle audits, standards ending, expiring certificates, certificates without expiry (four queries)."""
    due = audits_due(on=on, within_days=AUDIT_DUE_NOTICE_DAYS)
    overdue_audits = tuple(item for item in due if item.is_overdue(on=on))
    lapsing = tuple(lapsing_standard_certificates(on=on, within_days=STANDARD_END_NOTICE_DAYS))
    expiring = tuple(
        Certificate.objects.expiring(on=on, within_days=EXPIRY_NOTICE_DAYS)
        .select_related("agency", "standard")
        .order_by("expires_on", "agency__name", "pk")
    )
    without_expiry = tuple(Certificate.objects.without_expiry().select_related("agency", "standard"))
    return [
        Duty(
            DutyKey.CYCLE_OVERDUE,
            Label(_("Audit surveilans atau resertifikasi yang terlambat")),
            len(overdue_audits),
            changelist("certificate", **{NEXT_AUDIT_PARAMETER: NEXT_AUDIT_OVERDUE}),
            overdue_audits,
        ),
        Duty(
            DutyKey.CYCLE_DUE,
            Label(
                _("Audit surveilans atau resertifikasi yang jatuh tempo dalam %(days)d hari"),
                days=AUDIT_DUE_NOTICE_DAYS,
            ),
            len(due) - len(overdue_audits),
            changelist("certificate", **{NEXT_AUDIT_PARAMETER: NEXT_AUDIT_DUE_SOON}),
            tuple(item for item in due if not item.is_overdue(on=on)),
        ),
        # Before the expiring ones: the mail lists a certificate once, here with the remedy.
        Duty(
            DutyKey.STANDARD_ENDING,
            Label(
                _("SKPD yang hanya memegang sertifikat dengan standar yang berakhir dalam %(days)d hari"),
                days=STANDARD_END_NOTICE_DAYS,
            ),
            len({certificate.agency_id for certificate in lapsing}),
            changelist("certificate", **{ENDING_PARAMETER: ENDING_STANDARD}),
            lapsing,
            "; ".join(dict.fromkeys(_standard_end(certificate.standard) for certificate in lapsing)),
        ),
        Duty(
            DutyKey.EXPIRING,
            Label(_("Sertifikat yang berakhir dalam %(days)d hari"), days=EXPIRY_NOTICE_DAYS),
            len(expiring),
            changelist("certificate", **{ENDING_PARAMETER: ENDING_EXPIRING}),
            expiring,
        ),
        Duty(
            DutyKey.WITHOUT_EXPIRY,
            Label(_("Sertifikat tanpa tanggal kedaluwarsa: masa berlakunya tidak diketahui")),
            len(without_expiry),
            changelist("certificate", **{EXPIRY_KNOWN_PARAMETER: "tidak"}),
            without_expiry,
        ),
    ]


def _finding_and_agency_duties(on: datetime.date) -> list[Duty]:
    """Open major nonconformities, overdue findings, agencies of unknown status (two queries)."""
    findings = list(
        Finding.objects.open()
        .filter(Q(grade=FindingGrade.MAJOR) | Q(due_on__lt=on))
        .select_related("audit__agency", "audit__standard")
        .order_by(F("due_on").asc(nulls_last=True), "audit__agency__name", "pk")
    )
    major = tuple(finding for finding in findings if finding.grade == FindingGrade.MAJOR)
    overdue = tuple(finding for finding in findings if finding.is_overdue(on=on))
    unknown = tuple(selectors.with_status(on=on, only=AgencyStatus.UNKNOWN).order_by("name", "pk"))
    return [
        Duty(
            DutyKey.MAJOR_OPEN,
            Label(_("Ketidaksesuaian mayor yang belum ditutup")),
            len(major),
            _open_findings_url(grade__exact=FindingGrade.MAJOR),
            major,
        ),
        Duty(
            DutyKey.OVERDUE,
            Label(_("Temuan yang lewat batas waktu")),
            len(overdue),
            _open_findings_url(due_on__lt=on.isoformat()),
            overdue,
        ),
        Duty(
            DutyKey.STATUS_UNKNOWN,
            Label(_("SKPD yang status sertifikasinya tidak diketahui")),
            len(unknown),
            changelist("agency", "agencies", **{STATUS_TODAY_PARAMETER: AgencyStatus.UNKNOWN}),
            unknown,
        ),
    ]


def _report_duties() -> list[Duty]:
    """A warning when the records count more certified agencies than the programme's report (two queries)."""
    programme = Programme.objects.current()
    exceeded = selectors.report_exceeded(programme) if programme else None
    if exceeded is None:
        return []
    return [
        Duty(
            DutyKey.REPORT_EXCEEDED,
            Label(
                _("SKPD bersertifikat menurut catatan melebihi laporan program per %(day)s"),
                day=programme.reported_display,
            ),
            exceeded.certified - programme.reported_certified,
            reverse("admin:certifications_programme_change", args=[programme.pk]),
            detail=_(
                "Catatan menghitung %(records)d SKPD bersertifikat, laporan menyebut %(reported)d. Mungkin ada SKPD "
                "yang tercatat dua kali, misalnya SKPD asli di samping pengganti (#NN) yang mewakilinya."
            )
            % {"records": exceeded.certified, "reported": programme.reported_certified},
        )
    ]


# --- Everyone -----------------------------------------------------------------------------------


def _cache_roles(users) -> None:
    """Read the roles of the users whose roles are not read yet, in one query."""
    missing = [user for user in users if getattr(user, "_role_names", None) is None]
    if not missing:
        return
    found: dict[int, set[str]] = {user.pk: set() for user in missing}
    memberships = (
        get_user_model()
        .groups.through.objects.filter(user_id__in=found, group__name__in=Role.values)
        .values_list("user_id", "group__name")
    )
    for user_id, name in memberships:
        found[user_id].add(name)
    for user in missing:
        user._role_names = frozenset(found[user.pk])


def plan_duties(users, *, on: datetime.date) -> dict[int, Duties]:
    """Each user's ``Duties`` on ``on``, by user id; groups with nothing in them left out.

    A fixed number of queries whatever the number of users and records: roles, represented
    agencies, findings, audits, and the staff's to-do once when one of the users is staff.
    """
    users = [user for user in users if getattr(user, "is_active", False)]
    _cache_roles(users)
    leads = [user.pk for user in users if Role.AUDITOR in role_names(user)]
    representatives = [user.pk for user in users if Role.REPRESENTATIVE in role_names(user)]
    agencies = represented_agencies(representatives) if representatives else {}
    all_agencies = set().union(*agencies.values())
    findings = _own_findings(leads, all_agencies) if leads or all_agencies else []
    audits = (
        list(
            audits_due_queryset(on=on)
            .filter(lead_auditor_id__in=leads)
            .select_related("agency", "standard")
            .order_by("starts_on", "agency__name", "pk")
        )
        if leads
        else []
    )
    staff = {user.pk for user in users if is_programme_staff(user)}
    programme = staff_duties(on=on) if staff else []

    plans = {}
    for user in users:
        roles = role_names(user)
        duties: list[Duty] = []
        if user.pk in staff:
            duties += programme
        if Role.AUDITOR in roles:
            duties += _lead_duties(user.pk, findings, audits, on=on)
        if Role.REPRESENTATIVE in roles:
            duties += _representative_duties(findings, agencies.get(user.pk, set()), on=on)
        plans[user.pk] = Duties(
            shown=bool(roles) or user.pk in staff,
            staff=user.pk in staff,
            duties=[duty for duty in duties if duty.count],
        )
    return plans


def duties_for(user, *, on: datetime.date) -> Duties:
    """What ``user`` is asked to act on, on ``on`` (``plan_duties`` for one user), with the audit
    schedule's link when they may open it."""
    duties = plan_duties([user], on=on).get(user.pk, Duties())
    # The schedule asks for the view permission on certificates (CertificateCycleMixin.schedule_view).
    if duties.shown and user.has_perm("certifications.view_certificate"):
        duties.schedule_url = reverse("admin:certifications_certificate_schedule")
    return duties


def task_records(user, key: str, *, on: datetime.date) -> tuple:
    """The records of ``user``'s group ``key`` on ``on``: what a task filter shows (empty if none)."""
    duty = duties_for(user, on=on).get(key)
    return duty.records if duty else ()
