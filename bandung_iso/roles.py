"""The portal's roles: Django groups with model permissions (``setup_roles`` creates them).

Infrastructure, beside the settings: every layer asks who is who (the row rules in
``certifications.rules``, the admin, the reminders), so the roles import no app. Model
permissions say what kind of record a role may touch; the row rules say which records.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # The value is the group's name in the database, shown to staff in the admin.
    STAFF = "Staf Pemkot", _("Staf Pemkot (koordinator program)")
    AUDITOR = "Auditor", _("Auditor")
    REPRESENTATIVE = "Wakil manajemen SKPD", _("Wakil manajemen SKPD")


def _crud(app: str, model: str) -> list[str]:
    return [f"{app}.{action}_{model}" for action in ("add", "change", "delete", "view")]


# "app_label.codename" for each role. Whatever a role may do to only some rows is refined
# by certifications.rules; whatever is not listed here the role may not do at all.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.STAFF: [
        *_crud("agencies", "agency"),
        *_crud("agencies", "formername"),
        *_crud("certifications", "programmemember"),
        *_crud("certifications", "certificate"),
        *_crud("certifications", "ceremony"),
        *_crud("certifications", "programme"),
        *_crud("certifications", "certificationbody"),
        *_crud("certifications", "standard"),
        "certifications.change_certificate_status",
        "certifications.view_audit",
        "certifications.view_finding",
        "certifications.verify_finding",
        "reminders.view_reminder",
    ],
    Role.AUDITOR: [
        "agencies.view_agency",
        "certifications.view_certificate",
        "certifications.view_standard",
        "certifications.view_certificationbody",
        "certifications.add_audit",
        "certifications.change_audit",
        "certifications.view_audit",
        "certifications.add_finding",
        "certifications.change_finding",
        "certifications.view_finding",
        "certifications.verify_finding",
    ],
    Role.REPRESENTATIVE: [
        "certifications.view_audit",
        "certifications.view_finding",
        "certifications.change_finding",
    ],
}


def role_names(user) -> frozenset[str]:
    """The user's role group names, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        user._role_names = cached
    return cached


def has_role(user, role: Role) -> bool:
    return role in role_names(user)


def is_programme_staff(user) -> bool:
    """A superuser, or an active member of Staf Pemkot."""
    return bool(getattr(user, "is_active", False)) and (user.is_superuser or has_role(user, Role.STAFF))
