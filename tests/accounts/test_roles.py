"""The setup_roles command: three groups holding exactly their permissions, idempotent, members untouched."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from bandung_iso.roles import ROLE_PERMISSIONS, Role, has_role, is_programme_staff
from certifications.models import Certificate
from tests.factories import RoleUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def setup_roles(*args) -> str:
    out = io.StringIO()
    call_command("setup_roles", *args, stdout=out)
    return out.getvalue()


def held(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def snapshot() -> dict:
    return {
        group.name: sorted(group.permissions.values_list("pk", flat=True))
        for group in Group.objects.prefetch_related("permissions").order_by("name")
    }


def permission(name: str) -> Permission:
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_the_first_run_creates_the_three_groups_with_exactly_their_permissions():
    output = setup_roles()
    assert set(Group.objects.values_list("name", flat=True)) == {"Staf Pemkot", "Auditor", "Wakil manajemen SKPD"}
    for role, names in ROLE_PERMISSIONS.items():
        assert held(role) == set(names), role
    for role in Role:
        assert f"grup dibuat: {role.value}" in output
    assert "izin ditambahkan: Auditor ← certifications.add_finding" in output
    assert output.strip().endswith("Grup peran disimpan.")


def test_the_role_definitions_name_only_real_permissions_without_repeats():
    for role, names in ROLE_PERMISSIONS.items():
        assert len(names) == len(set(names)), role
        for name in names:
            permission(name)  # raises if the permission does not exist


def test_a_rerun_changes_nothing_and_says_so():
    setup_roles()
    before = snapshot()
    output = setup_roles()
    assert snapshot() == before
    assert output.strip() == "Tidak ada perubahan: semua grup peran sudah sesuai."


def test_dry_run_writes_nothing_but_says_what_it_would_do():
    output = setup_roles("--dry-run")
    assert not Group.objects.exists()
    assert "grup dibuat: Auditor" in output
    assert "Uji coba (--dry-run): tidak ada yang disimpan." in output


def test_dry_run_on_drifted_groups_reports_the_drift_and_keeps_it():
    setup_roles()
    auditor = Group.objects.get(name=Role.AUDITOR)
    auditor.permissions.add(permission("certifications.change_certificate_status"))
    auditor.permissions.remove(permission("certifications.add_finding"))
    before = snapshot()
    output = setup_roles("--dry-run")
    assert snapshot() == before
    assert "izin dicabut: Auditor ✗ certifications.change_certificate_status" in output
    assert "izin ditambahkan: Auditor ← certifications.add_finding" in output
    assert "tidak ada yang disimpan" in output


def test_a_permission_added_by_hand_is_revoked_and_a_removed_one_restored():
    setup_roles()
    staff = Group.objects.get(name=Role.STAFF)
    staff.permissions.add(permission("auth.change_user"))
    staff.permissions.remove(permission("certifications.change_certificate_status"))
    output = setup_roles()
    assert held(Role.STAFF) == set(ROLE_PERMISSIONS[Role.STAFF])
    assert "izin dicabut: Staf Pemkot ✗ auth.change_user" in output
    assert "izin ditambahkan: Staf Pemkot ← certifications.change_certificate_status" in output
    assert "Tidak ada perubahan" in setup_roles()


def test_the_auditor_may_not_change_a_certificate_or_its_status():
    setup_roles()
    assert "certifications.change_certificate_status" not in held(Role.AUDITOR)
    assert {"certifications.change_certificate", "certifications.delete_certificate"}.isdisjoint(held(Role.AUDITOR))
    assert "certifications.view_certificate" in held(Role.AUDITOR)


def test_staff_may_not_manage_accounts():
    setup_roles()
    assert {name for name in held(Role.STAFF) if name.startswith("auth.")} == set()
    assert {name for name in held(Role.STAFF) if name.startswith("axes.")} == set()
    user = RoleUserFactory(role=Role.STAFF)
    assert not user.has_perm("auth.change_user")
    assert not user.has_perm("auth.add_group")
    assert is_programme_staff(user)


def test_staff_read_audits_and_findings_but_do_not_write_them():
    setup_roles()
    names = held(Role.STAFF)
    assert {"certifications.view_audit", "certifications.view_finding"} <= names
    assert {f"certifications.{a}_{m}" for a in ("add", "change", "delete") for m in ("audit", "finding")}.isdisjoint(
        names
    )


def test_the_representative_holds_only_what_answering_a_finding_needs():
    setup_roles()
    assert held(Role.REPRESENTATIVE) == {
        "certifications.view_audit",
        "certifications.view_finding",
        "certifications.change_finding",
    }


def test_members_and_other_groups_are_untouched():
    setup_roles()
    auditor = RoleUserFactory(role=Role.AUDITOR)
    staff = RoleUserFactory(role=Role.STAFF)
    both = RoleUserFactory(role=Role.AUDITOR)
    both.groups.add(Group.objects.get(name=Role.STAFF))
    other = Group.objects.create(name="Tim dokumentasi")
    other.permissions.add(permission("agencies.view_agency"))
    outsider = UserFactory()
    outsider.groups.add(other)
    members = {
        group.name: sorted(group.user_set.values_list("pk", flat=True)) for group in Group.objects.order_by("name")
    }
    Group.objects.get(name=Role.AUDITOR).permissions.add(permission("auth.view_user"))

    setup_roles()

    assert {
        group.name: sorted(group.user_set.values_list("pk", flat=True)) for group in Group.objects.order_by("name")
    } == members
    assert held("Tim dokumentasi") == {"agencies.view_agency"}
    assert has_role(auditor, Role.AUDITOR) and has_role(staff, Role.STAFF)


def test_an_unknown_permission_stops_the_command_and_writes_nothing(monkeypatch):
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.AUDITOR, [*ROLE_PERMISSIONS[Role.AUDITOR], "certifications.fly_audit"])
    with pytest.raises(CommandError, match="certifications.fly_audit"):
        setup_roles()
    assert not Group.objects.exists()


def test_only_the_listed_pairs_are_granted_when_codenames_cross_apps(monkeypatch):
    # A codename of one app that also exists in another: the lookup must not grant both.
    Permission.objects.create(
        codename="view_agency", name="Izin uji", content_type=ContentType.objects.get_for_model(Certificate)
    )
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.AUDITOR, ["agencies.view_agency", "certifications.view_certificate"])
    setup_roles()
    assert held(Role.AUDITOR) == {"agencies.view_agency", "certifications.view_certificate"}
