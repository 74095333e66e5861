"""Creating and updating the role groups."""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from bandung_iso.roles import ROLE_PERMISSIONS


class UnknownPermission(LookupError):
    pass


@dataclass
class RolesReport:
    created: list[str] = field(default_factory=list)
    granted: list[tuple[str, str]] = field(default_factory=list)  # (group, "app.codename")
    revoked: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.granted or self.revoked)


def _permissions(names: list[str]) -> dict[str, Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    # The filter is a cross product of labels and codenames: keep only the pairs asked for.
    found = {
        name: p
        for p in Permission.objects.select_related("content_type").filter(
            content_type__app_label__in={app for app, _ in wanted}, codename__in={code for _, code in wanted}
        )
        if (name := f"{p.content_type.app_label}.{p.codename}") in names
    }
    missing = sorted(set(names) - set(found))
    if missing:
        raise UnknownPermission(", ".join(missing))
    return found


@transaction.atomic
def setup_roles(*, dry_run: bool = False) -> RolesReport:
    """Make each role group hold exactly its permissions; a rerun changes nothing.

    Users' membership is left alone. Permissions added to a group by hand are removed:
    the roles are defined in ``bandung_iso.roles``, not in the admin.
    """
    report = RolesReport()
    for role, names in ROLE_PERMISSIONS.items():
        wanted = _permissions(names)
        group, created = Group.objects.get_or_create(name=role)
        if created:
            report.created.append(role)
        held = {f"{p.content_type.app_label}.{p.codename}": p for p in group.permissions.select_related("content_type")}
        for name in sorted(set(wanted) - set(held)):
            report.granted.append((role, name))
        for name in sorted(set(held) - set(wanted)):
            report.revoked.append((role, name))
        if set(wanted) != set(held):
            group.permissions.set(wanted.values())
    if dry_run:
        transaction.set_rollback(True)
    return report
