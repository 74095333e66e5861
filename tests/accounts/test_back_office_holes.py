"""The holes model permissions leave open in the admin, closed for every limited role.

Extends the permission matrix (``test_permission_matrix``, whose world and helpers this reuses)
with real requests, as Staf Pemkot, Auditor, Wakil manajemen SKPD and a staff account without a
group, through:

- every admin action of every registered admin, on rows outside the role's rules (alone, mixed
  with rows inside, across the whole list, with forged ids, and with the action's permission
  granted by hand);
- forged ``list_editable`` changelist formsets (no admin has ``list_editable``; a test fails
  the day one does without a rule here);
- the history list, history form and revert of every history-enabled admin;
- the autocomplete endpoint of every foreign key, searched and paged;
- exports (there are none; a test fails the day an admin gains one).

Each must refuse (403/404), or leave the rows outside the rules untouched and say so in a message.
The admins, their actions and their fields are read from ``admin.site._registry``: whatever is
added later is either covered here or fails a test that says what to state.
"""

import re

import pytest
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from bandung_iso.roles import ROLE_PERMISSIONS, Role
from certifications import services
from certifications.admin.workflow import CONFIRM
from certifications.models import Audit, Finding
from tests.accounts.test_history import revert_data, version_url, versions
from tests.accounts.test_permission_matrix import (
    AUDITOR,
    EXPECTED,
    NO_GROUP,
    REPRESENTATIVE,
    STAFF,
    SUPERUSER,
    World,
    page_url,
    relational_fields,
    visible,
)
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db

LIMITED = [STAFF, AUDITOR, REPRESENTATIVE, NO_GROUP]
# The role group each limited account is in (the account without a group holds no permission).
ROLE_GROUP = {STAFF: Role.STAFF, AUDITOR: Role.AUDITOR, REPRESENTATIVE: Role.REPRESENTATIVE, NO_GROUP: None}
REGISTRY = {model._meta.label_lower: model_admin for model, model_admin in admin.site._registry.items()}
REGISTRY_MODELS = {model._meta.label_lower: model for model in admin.site._registry}
# Models whose rows the role rules limit (certifications.rules, certifications.admin.workflow).
ROW_RULED = ("certifications.audit", "certifications.certificate", "certifications.finding")


@pytest.fixture
def world(roles):
    """The matrix's world, with the findings answered and a suspended certificate: every action has work to do.

    Without this a refused close or reinstate would also be refused for the finding's or the
    certificate's state, and "nothing changed" would prove nothing about the row rules.
    """
    world = World()
    today = timezone.localdate()
    for finding, representative in (
        (world.finding, world.users[REPRESENTATIVE]),
        (world.colleague_finding, world.users[REPRESENTATIVE]),
        (world.other_finding, world.other_representative),
    ):
        services.propose_action(
            finding=finding,
            by=representative,
            correction="",
            root_cause="Daftar induk tidak diperbarui.",
            corrective_action="Daftar induk ditinjau tiap bulan.",
            on=today,
            today=today,
        )
    world.suspended = CertificateFactory(agency=world.other_agency, standard=world.standard, number="QMS-BEKU")
    services.suspend_certificate(
        certificate=world.suspended, by=world.users[SUPERUSER], on=today, reason="Surveilans terlewat", today=today
    )
    return world


def label_of(model) -> str:
    return model._meta.label_lower


def all_pks(label) -> set[int]:
    return set(REGISTRY_MODELS[label]._default_manager.values_list("pk", flat=True))


def snapshot(label, pks) -> dict:
    """Each row's stored values and its number of history versions (None once deleted)."""
    model = REGISTRY_MODELS[label]
    rows = {row["id"]: row for row in model._default_manager.filter(pk__in=pks).values()}
    history = getattr(model, "history", None)
    return {pk: (rows.get(pk), history.filter(id=pk).count() if history is not None else None) for pk in sorted(pks)}


def shown_messages(response) -> list:
    return list(get_messages(response.wsgi_request))


def assert_refused_and_said(response, where):
    """A refusal (403/404), or the changelist again with a warning or an error saying why; never a 500.

    A role offered no action at all on a list gets the list again (200) without an action bar:
    Django ignores an action POSTed there, and the list shows the rows as they are.
    """
    assert response.status_code in (200, 302, 403, 404), (where, response.status_code)
    if response.status_code == 200:
        assert response.context["action_form"] is None, (where, "an action page for rows outside the rules")
        assert not [m for m in shown_messages(response) if m.level == messages.SUCCESS], where
    if response.status_code == 302:
        said = [str(message) for message in shown_messages(response) if message.level >= messages.WARNING]
        assert said, (where, [str(message) for message in shown_messages(response)])


# --- 1. Admin actions ---------------------------------------------------------------------------------

ALL, SOME, NOTHING = "all rows", "some rows", "no row"


def _delete_rule(role, label):
    # No row rule limits deletion beyond the model permission for the models a role may delete
    # (Staf Pemkot: agencies, certificates, ceremonies, programme, bodies, standards).
    return ALL if EXPECTED[label][role].delete == 200 else NOTHING


# For each action name of any admin: which rows a limited role may run it on. An action added to an
# admin without a line here fails test_every_admin_action_has_a_row_rule.
ACTION_RULES = {
    "delete_selected": _delete_rule,
    # Programme staff only (certifications.rules.can_change_certificate_status): never an auditor.
    "suspend_certificates": lambda role, label: ALL if role == STAFF else NOTHING,
    "reinstate_certificates": lambda role, label: ALL if role == STAFF else NOTHING,
    "withdraw_certificates": lambda role, label: ALL if role == STAFF else NOTHING,
    # Programme staff every finding; a lead auditor the findings of the audits they lead.
    "close_findings": lambda role, label: {STAFF: ALL, AUDITOR: SOME}.get(role, NOTHING),
    "return_findings": lambda role, label: {STAFF: ALL, AUDITOR: SOME}.get(role, NOTHING),
    # django-axes' clean-up of its own log: the superuser only reaches that admin.
    "cleanup_expired_attempts": lambda role, label: NOTHING,
}

# The permission that offers each action, for the accounts given it by hand (outside any role).
ACTION_PERMISSION = {
    "delete_selected": lambda label: "{}.delete_{}".format(*label.split(".")),
    "suspend_certificates": lambda label: "certifications.change_certificate_status",
    "reinstate_certificates": lambda label: "certifications.change_certificate_status",
    "withdraw_certificates": lambda label: "certifications.change_certificate_status",
    "close_findings": lambda label: "certifications.verify_finding",
    "return_findings": lambda label: "certifications.verify_finding",
    "cleanup_expired_attempts": lambda label: None,
}


def declared_actions(model_admin) -> list[str]:
    """Every action an admin may offer to someone: its own, the site's, and those its mixins add per request."""
    names = [name for _func, name, _description in model_admin._get_base_actions()]
    for extra in ("status_actions", "verification_actions"):
        names.extend(getattr(model_admin, extra, ()))
    return sorted(set(names))


ACTIONS = sorted((label, action) for label, model_admin in REGISTRY.items() for action in declared_actions(model_admin))


def permitted_rows(world, role, label, action, *, granted=False) -> set[int]:
    """The rows the role may run the action on (``granted``: with the action's permission given by hand)."""
    if granted:
        # Even with the permission, the row rules hold: a finding is deleted by its audit's lead auditor
        # only, an audit by a superuser only, a certificate's status never changed by an auditor, a
        # finding verified by staff or its lead auditor only.
        if (label, action, role) == ("certifications.finding", "delete_selected", AUDITOR):
            return {world.finding.pk}
        return set()
    rule = ACTION_RULES[action](role, label)
    if rule == ALL:
        return all_pks(label)
    if rule == SOME:
        assert (label, role) == ("certifications.finding", AUDITOR), (label, role)
        return {world.finding.pk}
    return set()


def action_cases():
    for role in LIMITED:
        for label, action in ACTIONS:
            rule = ACTION_RULES.get(action, lambda role, label: NOTHING)(role, label)
            if rule == ALL:
                continue  # no row is outside this role's rule for this action
            modes = ["outside"] if rule == NOTHING else ["outside", "mixed", "across", "forged"]
            for mode in modes:
                yield pytest.param(role, label, action, mode, id=f"{role}-{label}-{action}-{mode}")
            permission = ACTION_PERMISSION.get(action, lambda label: None)(label)
            group = ROLE_GROUP[role]
            held = ROLE_PERMISSIONS.get(group, []) if group else []
            if label in ROW_RULED and permission and permission not in held and rule == NOTHING:
                if (label, action) == ("certifications.certificate", "delete_selected"):
                    continue  # no row rule on deleting certificates: the permission is the whole rule
                yield pytest.param(role, label, action, "granted", id=f"{role}-{label}-{action}-granted")


# Ids that are no primary key: Django filters the queryset with them as posted (a server error).
FORGED_IDS = ["abc", "", "1\x00", str(2**63), "-1"]


def action_post(action, ids, *, across=False) -> dict:
    """The confirming POST of any action: each reads what it needs and ignores the rest."""
    today = timezone.localdate().isoformat()
    data = {
        "action": action,
        ACTION_CHECKBOX_NAME: [str(pk) for pk in ids],
        "post": "yes",  # delete_selected's confirmation page
        CONFIRM: "yes",  # the workflow actions' form page
        "workflow-on": today,
        "workflow-reason": "Dipilih lewat POST buatan.",
        "workflow-verification": "Diverifikasi lewat POST buatan.",
    }
    if across:
        data["select_across"] = "1"
    return data


def test_every_admin_action_has_a_row_rule(client, world):
    """Any action a superuser is offered is declared, and each declared action says whose rows it may touch."""
    client.force_login(world.users[SUPERUSER])
    request = client.get(reverse("admin:index")).wsgi_request
    for label, model_admin in REGISTRY.items():
        offered = set(model_admin.get_actions(request))
        assert offered <= set(declared_actions(model_admin)), (label, offered)
    undeclared = {action for _label, action in ACTIONS} - set(ACTION_RULES)
    assert not undeclared, f"state in ACTION_RULES which rows each limited role may run {undeclared} on"
    assert set(ACTION_PERMISSION) == set(ACTION_RULES)


@pytest.mark.parametrize(("role", "label", "action", "mode"), list(action_cases()))
def test_actions_leave_rows_outside_the_rules_untouched_and_say_so(client, world, role, label, action, mode):
    user = world.users[role]
    granted = mode == "granted"
    if granted:
        app_label, codename = ACTION_PERMISSION[action](label).split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    client.force_login(user)  # after the grant; logging in writes django-axes' AccessLog
    everything = all_pks(label)
    permitted = permitted_rows(world, role, label, action, granted=granted)
    outside = everything - permitted
    assert outside, "a case without a row outside the rule proves nothing"
    selected = {"outside": outside, "across": outside}.get(mode, everything)
    if mode == "forged":
        selected = [*outside, *FORGED_IDS]
    if mode == "mixed":
        assert permitted, "mixed needs a row inside the rule"
    before = snapshot(label, outside)

    url = reverse(f"admin:{label.replace('.', '_')}_changelist")
    response = client.post(url, action_post(action, selected, across=mode == "across"))

    if mode == "across":
        # "All rows of the list": the list never held the rows outside, so the ids posted with it are
        # ignored and there is nothing to say about them; the rows on the list are acted on.
        assert response.status_code in (200, 302, 403), (url, response.status_code)
    else:
        assert_refused_and_said(response, url)
    assert snapshot(label, outside) == before
    said = " ".join(str(message) for message in shown_messages(response))
    if mode in ("mixed", "granted") and response.status_code == 302 and permitted:
        # The rows outside are not named (that would tell what exists) but counted.
        assert f"{len(outside)} baris yang dipilih di luar data yang boleh Anda ubah" in said, said
    if mode == "forged":
        assert "Baris yang dipilih tidak dikenal: abc" in said, said
    if mode == "mixed":
        # The rows inside the rule were acted on: the request was not refused as a whole.
        changed = snapshot(label, permitted)
        assert all(row is None or row[0]["status"] != Finding.Status.ACTION_PROPOSED for row in changed.values())


@pytest.mark.parametrize(("label", "action"), ACTIONS, ids=[f"{label}-{a}" for label, a in ACTIONS])
def test_forged_selected_ids_are_refused_by_name_never_a_500(client, world, label, action):
    """Even for a superuser, who may run every action (Django's and axes' admins too, see
    accounts/admin.py): the ids are named and nothing is changed."""
    client.force_login(world.users[SUPERUSER])
    before = snapshot(label, all_pks(label))
    url = reverse(f"admin:{label.replace('.', '_')}_changelist")
    response = client.post(url, action_post(action, [*all_pks(label), *FORGED_IDS]))
    assert_refused_and_said(response, url)
    assert snapshot(label, all_pks(label)) == before
    if response.status_code == 200:
        return  # no action offered on this list (the reminders' log): the POST was the list again
    said = " ".join(str(message) for message in shown_messages(response))
    assert "Baris yang dipilih tidak dikenal: abc, , 1\\x00, 9223372036854775808. Tidak ada yang diubah." in said
    assert snapshot(label, all_pks(label)) == before


# --- 2. list_editable ---------------------------------------------------------------------------------

# Admins with list_editable, each with the test that proves a limited role's changelist formset holds
# only the rows it may change. None today: a limited role's changelist has no formset at all.
LIST_EDITABLE_RULES: dict[str, str] = {}


def test_every_admin_with_list_editable_has_a_row_rule(client, world):
    """Fails the day an admin gains list_editable (statically or per request) without a rule above."""
    static = {label for label, model_admin in REGISTRY.items() if model_admin.list_editable}
    assert static <= set(LIST_EDITABLE_RULES), static
    client.force_login(world.users[SUPERUSER])
    for label in REGISTRY:
        response = client.get(reverse(f"admin:{label.replace('.', '_')}_changelist"))
        assert response.status_code == 200, label
        if response.context["cl"].list_editable:
            assert label in LIST_EDITABLE_RULES, f"{label} has list_editable: add its row rule and test"


def forged_formset(obj) -> dict:
    """A changelist formset that sets every text field of ``obj``, as list_editable would post it."""
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(obj.pk),
        "_save": "Simpan",
    }
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField) and not field.primary_key and not field.choices:
            data[f"form-0-{field.name}"] = "Diubah lewat formset buatan"
    return data


def outside_rows(world, role, label) -> list:
    """Rows the role may not change: the matrix's row for the model, and for audits and findings the other agency's."""
    rows = [world.objects[label]]
    if label == "certifications.audit":
        rows.append(world.other_audit)
    if label == "certifications.finding":
        rows.append(world.other_finding)
    return rows


@pytest.mark.parametrize("label", sorted(REGISTRY))
@pytest.mark.parametrize("role", LIMITED)
def test_a_forged_changelist_formset_changes_nothing(client, world, role, label):
    client.force_login(world.users[role])
    url = reverse(f"admin:{label.replace('.', '_')}_changelist")
    for obj in outside_rows(world, role, label):
        before = snapshot(label, {obj.pk})
        response = client.post(url, forged_formset(obj))
        assert response.status_code in (200, 403), (url, response.status_code)
        if response.status_code == 200:
            assert response.context["cl"].formset is None
            assert not [m for m in shown_messages(response) if m.level == messages.SUCCESS]
        assert snapshot(label, {obj.pk}) == before


# --- 3. History list, history form and revert ---------------------------------------------------------

HISTORY_ADMINS = sorted(label for label, model_admin in REGISTRY.items() if isinstance(model_admin, SimpleHistoryAdmin))
# A field each history-enabled model can change without touching a workflow field.
HISTORY_EDIT = {
    "agencies.agency": "notes",
    "certifications.certificate": "notes",
    "certifications.audit": "team",
    "certifications.finding": "description",
}


def unrevertable_rows(world, role, label) -> list:
    """Rows of ``label`` whose history the role may not revert (an empty list: it may revert every row)."""
    if label in ("agencies.agency", "certifications.certificate"):
        return [] if role == STAFF else [world.objects[label]]
    if label == "certifications.audit":
        rows = [world.audit, world.colleague_audit, world.other_audit]
    else:
        rows = [world.finding, world.colleague_finding, world.other_finding]
    if role == AUDITOR:
        rows = rows[1:]  # the auditor reverts their own audit and its findings
    return rows


def sees(world, role, obj) -> bool:
    label = label_of(obj)
    if label in ("certifications.audit", "certifications.finding"):
        audit = obj if isinstance(obj, Audit) else obj.audit
        return audit.pk in (visible(world, Audit, role) or set())
    return EXPECTED[label][role].changelist == 200


def history_cases():
    for label in HISTORY_ADMINS:
        for role in LIMITED:
            if role == STAFF and label in ("agencies.agency", "certifications.certificate"):
                continue  # staff revert every agency and certificate (test_history covers it)
            yield pytest.param(role, label, id=f"{role}-{label}")


@pytest.fixture
def edited(world):
    """Every history-enabled row with a second version: reverting to the first would change it."""
    rows = [world.agency, world.certificate, world.audit, world.colleague_audit, world.other_audit]
    rows += [world.finding, world.colleague_finding, world.other_finding]
    for obj in rows:
        field = HISTORY_EDIT[label_of(obj)]
        setattr(obj, field, f"{getattr(obj, field)} (diubah)")
        obj.save()
    return world


def test_every_history_admin_has_a_field_to_revert():
    assert set(HISTORY_ADMINS) == set(HISTORY_EDIT)


@pytest.mark.parametrize(("role", "label"), list(history_cases()))
def test_history_of_rows_outside_the_rules_is_refused_and_a_revert_changes_nothing(client, edited, role, label):
    world = edited
    rows = unrevertable_rows(world, role, label)
    assert rows
    superuser = Client()
    superuser.force_login(world.users[SUPERUSER])
    client.force_login(world.users[role])
    for obj in rows:
        first = versions(obj)[0]
        # What the revert button posts, as a superuser (who may revert) sees the form.
        data = revert_data(superuser.get(version_url(obj, first)))
        before = snapshot(label, {obj.pk})

        history = client.get(page_url(obj, "history"))
        if sees(world, role, obj):
            assert history.status_code == 200, obj
            assert version_url(obj, first) not in history.content.decode(), "a revert link for a row it may not revert"
        else:
            assert history.status_code in (403, 404), obj
        assert client.get(version_url(obj, first)).status_code in (403, 404), obj
        assert client.post(version_url(obj, first), data).status_code in (403, 404), obj
        assert snapshot(label, {obj.pk}) == before


@pytest.mark.parametrize("label", HISTORY_ADMINS)
def test_the_forged_revert_is_what_a_permitted_revert_posts(client, edited, label):
    """The control for the test above: the same POST, by a superuser, does revert the row."""
    obj = edited.objects[label]
    first = versions(obj)[0]
    client.force_login(edited.users[SUPERUSER])
    response = client.post(version_url(obj, first), revert_data(client.get(version_url(obj, first))))
    assert response.status_code == 302
    field = HISTORY_EDIT[label]
    obj.refresh_from_db()
    assert getattr(obj, field) == getattr(first, field)


# --- 4. Autocomplete ----------------------------------------------------------------------------------
# test_permission_matrix asks every foreign key's autocomplete as every role without a search term.
# Here the same fields are searched for the rows outside the rules, and paged.


@pytest.mark.parametrize(("model", "field_name"), list(relational_fields()))
@pytest.mark.parametrize("role", LIMITED)
def test_autocomplete_search_and_pages_answer_no_row_outside_the_rules(client, world, role, model, field_name):
    client.force_login(world.users[role])
    target = model._meta.get_field(field_name).related_model
    expected = visible(world, target, role)
    query = {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": field_name}
    terms = [world.other_agency.name, world.agency.name, "Dinas", world.body.name, ""]
    for term in terms:
        for page in ("1", "2"):
            response = client.get(reverse("admin:autocomplete"), {**query, "term": term, "page": page})
            if expected is None:
                assert response.status_code == 403
                continue
            if page == "2":
                assert response.status_code in (200, 404)
                if response.status_code == 404:
                    continue
            assert response.status_code == 200
            assert {int(item["id"]) for item in response.json()["results"]} <= expected, (term, page)


def test_the_autocomplete_search_finds_the_outside_row_for_a_superuser(client, world):
    """The control: the search term above does find the other agency's audit for someone who may see it."""
    client.force_login(world.users[SUPERUSER])
    query = {"app_label": "certifications", "model_name": "finding", "field_name": "audit"}
    response = client.get(reverse("admin:autocomplete"), {**query, "term": world.other_agency.name})
    assert {int(item["id"]) for item in response.json()["results"]} == {world.other_audit.pk}


# --- 5. Exports ---------------------------------------------------------------------------------------

# Admin exports, each with the test that puts it through this matrix. An export must answer only
# the rows of the role's rules, and (shared/pitfalls.md) prefix with ' every text cell that starts
# with =, +, -, @, a tab or a carriage return: Excel runs such a cell as a formula.
# The agency list's import and export (django-import-export, certifications/admin/agency_import.py):
# rows per role in tests/accounts/test_permission_matrix.py (test_each_roles_export_holds_the_rows_of_its_changelist,
# test_export_pages, test_import_pages), formulas in tests/certifications/test_admin_export.py
# (test_csv_cells_that_would_be_formulas_start_with_a_quote, test_xlsx_cells_are_text_never_formulas).
AGENCY_SPREADSHEET = "tests/accounts/test_permission_matrix.py, tests/certifications/test_admin_export.py"
EXPORTS: dict[str, str] = {
    **{
        f"agencies.agency: {name}": AGENCY_SPREADSHEET
        for name in (
            "certifications.admin.agency_import.AgencyImportExportMixin",
            "import_export.admin.ExportMixin",
            "import_export.admin.ImportExportMixin",
            "import_export.admin.ImportExportMixinBase",
            "import_export.admin.ImportMixin",
            "import_export.mixins.BaseExportMixin",
            "import_export.mixins.BaseImportExportMixin",
            "import_export.mixins.BaseImportMixin",
        )
    },
    "app import_export": AGENCY_SPREADSHEET,
    "url agencies_agency_export (agencies/agency/export/)": AGENCY_SPREADSHEET,
}
EXPORT_WORDS = re.compile(r"export|ekspor|csv|xlsx?|unduh|download|spreadsheet", re.IGNORECASE)


def admin_url_names():
    """The name and route of every URL of the admin site and of every model admin."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield pattern.name or "", prefix + str(pattern.pattern)

    yield from walk(admin.site.get_urls())


def test_no_admin_exports_data_outside_this_matrix():
    found = set()
    for label, model_admin in REGISTRY.items():
        found |= {f"{label}: action {name}" for name in declared_actions(model_admin) if EXPORT_WORDS.search(name)}
        for cls in type(model_admin).__mro__:
            if cls.__module__.startswith("import_export") or EXPORT_WORDS.search(cls.__name__):
                found.add(f"{label}: {cls.__module__}.{cls.__name__}")
    found |= {f"url {name} ({route})" for name, route in admin_url_names() if EXPORT_WORDS.search(f"{name} {route}")}
    found |= {f"app {app}" for app in settings.INSTALLED_APPS if app.startswith("import_export")}
    assert found <= set(EXPORTS), (
        f"an admin export appeared: {sorted(found - set(EXPORTS))}. Add it to EXPORTS with a test that each "
        "limited role gets only its rows, and that cells starting with = + - @ tab or CR are prefixed with '."
    )
