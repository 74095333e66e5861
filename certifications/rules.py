"""Row rules: which audits and findings each role may see and change.

Model permissions (``bandung_iso.roles``) decide whether a role may change findings at all;
these functions decide which ones. The admin applies them in ``get_queryset`` and
``has_*_permission``, and the services check them again before they write.
"""

from django.db.models import Q, QuerySet

from bandung_iso.roles import Role, has_role, is_programme_staff

from .models import Audit, Finding, FindingStatus


def audits_visible_to(user, audits: QuerySet | None = None) -> QuerySet:
    """Programme staff see every audit; an auditor the audits they lead; a representative their agencies'."""
    audits = Audit.objects.all() if audits is None else audits
    if not getattr(user, "is_active", False):
        return audits.none()
    if is_programme_staff(user):
        return audits
    condition = Q(pk__in=[])
    if has_role(user, Role.AUDITOR):
        condition |= Q(lead_auditor=user)
    if has_role(user, Role.REPRESENTATIVE):
        condition |= Q(agency__quality_representatives=user)
    return audits.filter(pk__in=Audit.objects.filter(condition).values("pk"))


def findings_visible_to(user, findings: QuerySet | None = None) -> QuerySet:
    findings = Finding.objects.all() if findings is None else findings
    return findings.filter(audit__in=audits_visible_to(user).values("pk"))


def leads(user, audit: Audit) -> bool:
    return bool(user.is_active) and has_role(user, Role.AUDITOR) and audit.lead_auditor_id == user.pk


def represents(user, agency_id: int) -> bool:
    if not (user.is_active and has_role(user, Role.REPRESENTATIVE)):
        return False
    return user.represented_agencies.filter(pk=agency_id).exists()


def can_change_audit(user, audit: Audit) -> bool:
    """Only the lead auditor changes an audit (and a superuser). Staff read audits only."""
    return bool(user.is_active) and (user.is_superuser or leads(user, audit))


def can_change_finding(user, finding: Finding) -> bool:
    """The audit's lead auditor edits the finding's description, clause, grade and due date."""
    return can_change_audit(user, finding.audit)


def can_propose_action(user, finding: Finding) -> bool:
    """The agency's quality representative answers an open nonconformity."""
    if finding.status != FindingStatus.OPEN:
        return False
    return bool(user.is_active) and (user.is_superuser or represents(user, finding.audit.agency_id))


def awaits_verification(finding: Finding) -> bool:
    """The agency proposed a corrective action: the finding waits to be verified and closed, or returned."""
    return finding.status == FindingStatus.ACTION_PROPOSED


def can_verify_finding(user, finding: Finding) -> bool:
    """The audit's lead auditor, or programme staff, verify and close (or return) a proposed action."""
    if not user.has_perm("certifications.verify_finding"):
        return False
    return is_programme_staff(user) or leads(user, finding.audit)


def can_verify_finding_now(user, finding: Finding) -> bool:
    """The user may close or return the finding as it stands: it awaits verification and is theirs to verify."""
    return awaits_verification(finding) and can_verify_finding(user, finding)


def can_change_certificate_status(user) -> bool:
    """Programme staff only: never an auditor, whatever else the account holds."""
    # An auditor judges the agency; the decision on its certificate stays with the city's
    # staff, even for an auditor account that was also given the permission.
    if has_role(user, Role.AUDITOR):
        return False
    return bool(user.is_active) and user.has_perm("certifications.change_certificate_status")
