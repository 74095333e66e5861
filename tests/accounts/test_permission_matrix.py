"""Who may open and write what in the admin: every role against every registered admin model.

Each request is a real HTTP request through Django's client, logged in as one account of the
role (``force_login``) or anonymous. The models come from ``admin.site._registry``: a model
registered later has no expected access below, and ``test_every_registered_model_has_an_expected_access``
fails until someone states who may see it.
"""

import datetime
import re
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.urls import URLResolver, reverse
from pytest_django.asserts import assertContains

from agencies.models import Agency
from bandung_iso.roles import Role
from bandung_iso.spreadsheets import UploadCacheStorage
from certifications import services
from certifications.admin.agency_import import AgencyConfirmForm
from certifications.models import Audit, Certificate, Finding
from reminders.models import MailPreference, Reminder
from tests import spreadsheets
from tests.factories import (
    AgencyFactory,
    AuditFactory,
    CeremonyFactory,
    CertificateFactory,
    CertificationBodyFactory,
    FindingFactory,
    ProgrammeFactory,
    RoleUserFactory,
    StandardFactory,
    UserFactory,
)
from tests.spreadsheets import csv_bytes
from tests.spreadsheets import row as spreadsheet_row
from tests.spreadsheets import upload as spreadsheet_upload

pytestmark = pytest.mark.django_db

SUPERUSER, STAFF, AUDITOR, REPRESENTATIVE, NO_GROUP, ANONYMOUS = (
    "superuser",
    "staf_pemkot",
    "auditor",
    "wakil_manajemen",
    "staf_tanpa_grup",
    "anonim",
)
ROLES = [SUPERUSER, STAFF, AUDITOR, REPRESENTATIVE, NO_GROUP, ANONYMOUS]
PAGES = ["changelist", "add", "change", "delete", "history"]


@dataclass(frozen=True)
class Access:
    """The status of each page, and whether the change page lets the user save."""

    changelist: int
    add: int
    change: int
    delete: int
    history: int
    editable: bool = False

    def status(self, page: str) -> int:
        return getattr(self, page)


FULL = Access(200, 200, 200, 200, 200, editable=True)
READ = Access(200, 403, 200, 403, 200)
# The audit's lead auditor on their audit and its findings: add and change, never delete.
LEAD = Access(200, 200, 200, 403, 200, editable=True)
# A representative on an open finding of their agency: answers it, adds and deletes nothing.
ANSWER = Access(200, 403, 200, 403, 200, editable=True)
# django-axes' logs: nobody adds a login attempt by hand.
LOG = Access(200, 403, 200, 200, 200, editable=True)
NONE = Access(403, 403, 403, 403, 403)
# A model with row rules, for an account with no permission on it: the pages refuse (403), and
# the history page, which looks the row up under the rules first, finds no row (404).
NONE_ROWS = Access(403, 403, 403, 403, 404)

REFERENCE = {SUPERUSER: FULL, STAFF: FULL, AUDITOR: READ, REPRESENTATIVE: NONE, NO_GROUP: NONE}
PROGRAMME = {SUPERUSER: FULL, STAFF: FULL, AUDITOR: NONE, REPRESENTATIVE: NONE, NO_GROUP: NONE}
SUPERUSER_ONLY = {SUPERUSER: FULL, STAFF: NONE, AUDITOR: NONE, REPRESENTATIVE: NONE, NO_GROUP: NONE}
LOGS = {**SUPERUSER_ONLY, SUPERUSER: LOG}
OTHERS_ROW = Access(200, 200, 403, 403, 403)
# Models whose list shows each user their own rows only: the page object is not on the others' list.
OWN_ROWS_ONLY = {"reminders.mailpreference"}

# For each registered model (the page object of the fixture below), what each role gets.
EXPECTED = {
    "auth.group": SUPERUSER_ONLY,
    "auth.user": SUPERUSER_ONLY,
    "axes.accessattempt": LOGS,
    "axes.accesslog": LOGS,
    "axes.accessfailurelog": LOGS,
    # The log of reminders sent: programme staff read it, nobody writes it by hand.
    "reminders.reminder": {**SUPERUSER_ONLY, SUPERUSER: READ, STAFF: READ},
    # The page object is the representative's mail language: theirs to change, staff's too;
    # other back-office users add their own and may not open it.
    "reminders.mailpreference": {
        SUPERUSER: FULL,
        STAFF: FULL,
        AUDITOR: OTHERS_ROW,
        REPRESENTATIVE: FULL,
        NO_GROUP: OTHERS_ROW,
    },
    "agencies.agency": REFERENCE,
    "certifications.standard": REFERENCE,
    "certifications.certificationbody": REFERENCE,
    "certifications.certificate": REFERENCE,
    "certifications.ceremony": PROGRAMME,
    "certifications.programme": PROGRAMME,
    # The page objects are the auditor's own audit and an open finding of it, at the representative's agency.
    "certifications.audit": {SUPERUSER: FULL, STAFF: READ, AUDITOR: LEAD, REPRESENTATIVE: READ, NO_GROUP: NONE_ROWS},
    "certifications.finding": {
        SUPERUSER: FULL,
        STAFF: READ,
        AUDITOR: LEAD,
        REPRESENTATIVE: ANSWER,
        NO_GROUP: NONE_ROWS,
    },
}

REGISTERED = sorted(model._meta.label_lower for model in admin.site._registry)


class World:
    """One account per role, and one object per registered model that the limited roles may see."""

    def __init__(self):
        self.users = {
            SUPERUSER: UserFactory(username="super", is_staff=True, is_superuser=True),
            STAFF: RoleUserFactory(username="staf", role=Role.STAFF),
            AUDITOR: RoleUserFactory(username="auditor", role=Role.AUDITOR),
            REPRESENTATIVE: RoleUserFactory(username="wakil", role=Role.REPRESENTATIVE),
            NO_GROUP: UserFactory(username="tanpa-grup", is_staff=True),
        }
        self.other_auditor = RoleUserFactory(username="auditor-lain", role=Role.AUDITOR)
        self.other_representative = RoleUserFactory(username="wakil-lain", role=Role.REPRESENTATIVE)
        self.spare_user = UserFactory(username="cadangan")

        self.agency = AgencyFactory(name="Dinas Pendidikan")
        self.agency.quality_representatives.add(self.users[REPRESENTATIVE])
        self.other_agency = AgencyFactory(name="Dinas Kesehatan")
        self.other_agency.quality_representatives.add(self.other_representative)
        self.standard = StandardFactory()
        self.body = CertificationBodyFactory(name="Lembaga Uji")
        self.certificate = CertificateFactory(agency=self.agency, standard=self.standard, body=self.body)

        auditor = self.users[AUDITOR]
        # The auditor's audits at the representative's agency: one with a finding, one without.
        self.audit = AuditFactory(agency=self.agency, lead_auditor=auditor)
        self.finding = FindingFactory(audit=self.audit, description="Dokumen kedaluwarsa masih beredar.")
        self.empty_audit = AuditFactory(
            agency=self.agency, lead_auditor=auditor, starts_on=datetime.date(2013, 3, 1), ends_on=None
        )
        # Another auditor's audit at the same agency: the representative sees it, the auditor does not.
        self.colleague_audit = AuditFactory(agency=self.agency, lead_auditor=self.other_auditor)
        self.colleague_finding = FindingFactory(audit=self.colleague_audit, description="Rekaman tidak lengkap.")
        # Another agency, another auditor: neither limited role sees it.
        self.other_audit = AuditFactory(agency=self.other_agency, lead_auditor=self.other_auditor)
        self.other_finding = FindingFactory(audit=self.other_audit, description="Sasaran mutu tidak terukur.")

        attempt = {"user_agent": "uji", "ip_address": "192.0.2.1", "http_accept": "*/*", "path_info": "/admin/login/"}
        self.objects = {
            "auth.group": Group.objects.get(name=Role.AUDITOR),
            "auth.user": self.spare_user,
            "axes.accessattempt": AccessAttempt.objects.create(
                username="tebakan", get_data="", post_data="", failures_since_start=1, **attempt
            ),
            "axes.accesslog": AccessLog.objects.create(username="staf", **attempt),
            "axes.accessfailurelog": AccessFailureLog.objects.create(username="tebakan", **attempt),
            "reminders.reminder": Reminder.objects.create(
                recipient=self.users[REPRESENTATIVE],
                sent_on=datetime.date(2014, 6, 30),
                subject="Pengingat temuan",
                body="Satu temuan jatuh tempo.",
                item_count=1,
            ),
            "reminders.mailpreference": MailPreference.objects.create(user=self.users[REPRESENTATIVE], language="en"),
            "agencies.agency": self.agency,
            "certifications.standard": self.standard,
            "certifications.certificationbody": self.body,
            "certifications.certificate": self.certificate,
            "certifications.ceremony": CeremonyFactory(),
            "certifications.programme": ProgrammeFactory(),
            "certifications.audit": self.empty_audit,
            "certifications.finding": self.finding,
        }

    def client_for(self, client, role):
        if role != ANONYMOUS:
            client.force_login(self.users[role])
        return client


@pytest.fixture
def world(roles):
    return World()


def page_url(obj, page):
    opts = obj._meta
    name = f"admin:{opts.app_label}_{opts.model_name}_{page}"
    return reverse(name) if page in ("changelist", "add") else reverse(name, args=[obj.pk])


def stored(obj):
    """The row as the database holds it now (None once deleted)."""
    return type(obj)._default_manager.filter(pk=obj.pk).values().first()


def assert_sent_to_login(response, path):
    assert response.status_code == 302, path
    assert response.url.startswith(f"{reverse('admin:login')}?next="), (path, response.url)


def test_every_registered_model_has_an_expected_access():
    assert sorted(EXPECTED) == REGISTERED
    for model, expected in EXPECTED.items():
        assert set(expected) == set(ROLES) - {ANONYMOUS}, model


@pytest.mark.parametrize("model", REGISTERED)
@pytest.mark.parametrize("role", ROLES)
def test_pages(client, world, role, model):
    obj = world.objects[model]
    client = world.client_for(client, role)
    for page in PAGES:
        url = page_url(obj, page)
        response = client.get(url)
        if role == ANONYMOUS:
            assert_sent_to_login(response, url)
            continue
        access = EXPECTED[model][role]
        assert response.status_code == access.status(page), (page, url)
        if page == "change" and response.status_code == 200:
            assert response.context["has_change_permission"] is access.editable
        if page == "changelist" and response.status_code == 200 and role != SUPERUSER:
            # list_editable saves every row of the page: never for a role with limits.
            assert response.context["cl"].formset is None
            mine = model not in OWN_ROWS_ONLY or access is not OTHERS_ROW
            assert (obj in response.context["cl"].result_list) is mine


def refused_writes(role, model):
    """The POSTs this role may not make to the model's pages: (page, data)."""
    access = NONE if role == ANONYMOUS else EXPECTED[model][role]
    writes = []
    if access.add != 200:
        writes.append(("add", {}))
    if not access.editable:
        writes.append(("change", {"_save": "Simpan"}))
    if access.delete != 200:
        writes.append(("delete", {"post": "yes"}))
    return writes


@pytest.mark.parametrize(
    ("role", "model"),
    [(role, model) for role in ROLES for model in REGISTERED if refused_writes(role, model)],
)
def test_writes_outside_the_role_are_refused_and_change_nothing(client, world, role, model):
    obj = world.objects[model]
    client = world.client_for(client, role)  # logs in: django-axes writes an AccessLog row
    before = stored(obj)
    count = type(obj)._default_manager.count()
    for page, data in refused_writes(role, model):
        url = page_url(obj, page)
        response = client.post(url, data)
        if role == ANONYMOUS:
            assert_sent_to_login(response, url)
        else:
            assert response.status_code == 403, (page, url)
    assert stored(obj) == before
    assert type(obj)._default_manager.count() == count


# --- Anonymous: nothing under /admin/ ----------------------------------------------------------


def _fill(route: str, args) -> str:
    """A concrete path for a URL pattern: each path converter or regex group takes the next argument."""
    values = iter(str(arg) for arg in args)
    if route.startswith("^"):
        return re.sub(r"\([^()]*\)", lambda _: next(values), route.strip("^$"))
    return re.sub(r"<[^>]+>", lambda _: next(values), route)


def every_admin_path(world):
    """Each page of the admin site and of every registered model admin, with real ids."""
    root = reverse("admin:index")
    agency_type = ContentType.objects.get_for_model(world.agency)
    site_args = {"view_on_site": [agency_type.pk, world.agency.pk]}
    for pattern in admin.site.get_urls():
        if isinstance(pattern, URLResolver):
            continue  # a model admin's include, below
        if pattern.name is None:
            yield root + "halaman-yang-tidak-ada/"  # the catch-all
            continue
        if pattern.name == "app_list":
            yield from sorted({f"{root}{model._meta.app_label}/" for model in admin.site._registry})
            continue
        yield root + _fill(str(pattern.pattern), site_args.get(pattern.name, []))
    for model, model_admin in admin.site._registry.items():
        obj = world.objects[model._meta.label_lower]
        history = getattr(obj, "history", None)
        version = history.order_by("history_id").last().history_id if history is not None else 1
        prefix = f"{root}{model._meta.app_label}/{model._meta.model_name}/"
        for pattern in model_admin.get_urls():
            yield prefix + _fill(str(pattern.pattern), [obj.pk, version])


def test_anonymous_gets_nothing_under_admin(client, world):
    paths = list(every_admin_path(world))
    assert len(paths) > 5 * len(REGISTERED)
    for path in paths:
        response = client.get(path)
        if path == reverse("admin:login"):
            assert response.status_code == 200
        elif path == reverse("admin:logout"):
            assert response.status_code == 302 and response.url == reverse("admin:index")
        else:
            assert_sent_to_login(response, path)
        if path not in (reverse("admin:login"), reverse("admin:logout")):
            assert_sent_to_login(client.post(path, {"post": "yes"}), path)


# --- Row rules --------------------------------------------------------------------------------


def changelist_ids(client, model, **query):
    response = client.get(reverse(f"admin:certifications_{model._meta.model_name}_changelist"), query)
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


def row_pages(obj):
    history = obj.history.order_by("history_id").last()
    version = reverse(f"admin:certifications_{obj._meta.model_name}_simple_history", args=[obj.pk, history.pk])
    return [page_url(obj, "change"), page_url(obj, "delete"), page_url(obj, "history"), version]


class TestAuditorRows:
    @pytest.fixture
    def auditor(self, client, world):
        client.force_login(world.users[AUDITOR])
        return client

    def test_lists_hold_only_the_audits_they_lead_and_their_findings(self, auditor, world):
        assert changelist_ids(auditor, Audit) == {world.audit.pk, world.empty_audit.pk}
        assert changelist_ids(auditor, Finding) == {world.finding.pk}

    @pytest.mark.parametrize("name", ["colleague_audit", "colleague_finding", "other_audit", "other_finding"])
    def test_another_auditors_audit_and_findings_are_not_found(self, auditor, world, name):
        obj = getattr(world, name)
        before = stored(obj)
        for url in row_pages(obj):
            assert auditor.get(url).status_code == 404, url
            assert auditor.post(url, {"post": "yes", "description": "Diubah.", "summary": "Diubah."}).status_code == 404
        assert stored(obj) == before

    def test_cannot_file_a_finding_under_another_auditors_audit(self, auditor, world):
        data = {
            "audit": str(world.colleague_audit.pk),
            "clause": "4.2.3",
            "grade": Finding.Grade.MINOR,
            "description": "Temuan titipan.",
            "evidence": "",
            "due_on": "",
        }
        response = auditor.post(page_url(world.finding, "add"), data)
        assert response.status_code == 200
        assert "audit" in response.context["adminform"].form.errors
        assert not Finding.objects.filter(description="Temuan titipan.").exists()

    def test_cannot_add_findings_to_another_auditors_audit_through_its_inline(self, auditor, world):
        url = page_url(world.colleague_audit, "change")
        assert auditor.post(url, {"findings-TOTAL_FORMS": "1", "findings-INITIAL_FORMS": "0"}).status_code == 404
        assert world.colleague_audit.findings.count() == 1

    def test_cannot_delete_their_own_audit_even_if_granted_the_permission(self, auditor, world):
        # Only a superuser deletes audits, whatever permissions an account is given by hand.
        world.users[AUDITOR].user_permissions.add(Permission.objects.get(codename="delete_audit"))
        audit = world.empty_audit
        assert auditor.get(page_url(audit, "delete")).status_code == 403
        assert auditor.post(page_url(audit, "delete"), {"post": "yes"}).status_code == 403
        assert Audit.objects.filter(pk=audit.pk).exists()

    def test_posting_a_certificate_status_change_is_refused(self, auditor, world):
        certificate = world.certificate
        before = stored(certificate)
        data = {"status": Certificate.Status.WITHDRAWN, "status_changed_on": "2014-01-01", "status_reason": "X"}
        assert auditor.post(page_url(certificate, "change"), data).status_code == 403
        changelist = page_url(certificate, "changelist")
        for action in ("suspend_certificates", "withdraw_certificates"):
            auditor.post(
                changelist,
                {
                    "action": action,
                    "_selected_action": [str(certificate.pk)],
                    "workflow_confirm": "1",
                    "workflow-on": "2014-01-01",
                    "workflow-reason": "Temuan mayor tidak ditutup.",
                },
            )
        assert stored(certificate) == before


class TestRepresentativeRows:
    @pytest.fixture
    def representative(self, client, world):
        client.force_login(world.users[REPRESENTATIVE])
        return client

    def test_lists_hold_only_their_agencys_audits_and_findings(self, representative, world):
        assert changelist_ids(representative, Audit) == {world.audit.pk, world.empty_audit.pk, world.colleague_audit.pk}
        assert changelist_ids(representative, Finding) == {world.finding.pk, world.colleague_finding.pk}

    @pytest.mark.parametrize("name", ["other_audit", "other_finding"])
    def test_another_agencys_audit_and_finding_are_not_found(self, representative, world, name):
        obj = getattr(world, name)
        before = stored(obj)
        for url in row_pages(obj):
            assert representative.get(url).status_code == 404, url
            assert representative.post(url, {"post": "yes", "corrective_action": "Diubah."}).status_code == 404
        assert stored(obj) == before

    def test_their_agencys_audit_is_read_only_with_its_findings(self, representative, world):
        response = representative.get(page_url(world.audit, "change"))
        assert response.status_code == 200
        assert response.context["has_change_permission"] is False
        inline = response.context["inline_admin_formsets"][0]
        assert (inline.has_add_permission, inline.has_change_permission, inline.has_delete_permission) == (
            False,
            False,
            False,
        )
        assertContains(response, "Dokumen kedaluwarsa masih beredar.")
        before = stored(world.audit)
        data = {"summary": "Diubah.", "findings-TOTAL_FORMS": "0", "findings-INITIAL_FORMS": "0"}
        assert representative.post(page_url(world.audit, "change"), data).status_code == 403
        assert stored(world.audit) == before

    @pytest.mark.parametrize("step", ["action_proposed", "closed"])
    def test_a_finding_past_open_is_read_only(self, representative, world, step):
        finding = world.finding
        services.propose_action(
            finding=finding,
            by=world.users[REPRESENTATIVE],
            correction="",
            root_cause="Daftar induk tidak diperbarui.",
            corrective_action="Daftar induk ditinjau tiap bulan.",
            on=datetime.date(2012, 3, 20),
            today=datetime.date(2012, 3, 20),
        )
        if step == "closed":
            services.close_finding(
                finding=finding,
                by=world.users[AUDITOR],
                verification="Diperiksa.",
                on=datetime.date(2012, 4, 2),
                today=datetime.date(2012, 4, 2),
            )
        response = representative.get(page_url(finding, "change"))
        assert response.status_code == 200
        assert response.context["has_change_permission"] is False
        before = stored(finding)
        data = {"correction": "Ditarik.", "root_cause": "Lain.", "corrective_action": "Lain lagi."}
        assert representative.post(page_url(finding, "change"), data).status_code == 403
        assert stored(finding) == before

    def test_fields_they_may_not_change_are_ignored(self, representative, world):
        finding = world.finding
        before = stored(finding)
        data = {
            "audit": str(world.other_audit.pk),
            "clause": "8.5.2",
            "grade": Finding.Grade.MAJOR,
            "description": "Ditulis ulang.",
            "evidence": "Bukti lain.",
            "due_on": "2030-01-01",
            "status": Finding.Status.CLOSED,
            "verification": "Beres.",
            "verified_by": str(world.users[REPRESENTATIVE].pk),
            "closed_on": "2012-04-01",
            "action_proposed_on": "2012-01-01",
            "correction": "Dokumen lama ditarik.",
            "root_cause": "Daftar induk tidak diperbarui.",
            "corrective_action": "Daftar induk ditinjau tiap bulan.",
        }
        response = representative.post(page_url(finding, "change"), data)
        assert response.status_code == 302
        after = stored(finding)
        for field in ("audit_id", "clause", "grade", "description", "evidence", "due_on", "verification"):
            assert after[field] == before[field], field
        assert (after["verified_by_id"], after["closed_on"]) == (None, None)
        # Their answer went through the workflow: proposed today, not closed.
        assert after["status"] == Finding.Status.ACTION_PROPOSED
        assert after["corrective_action"] == "Daftar induk ditinjau tiap bulan."

    def test_cannot_add_a_finding(self, representative, world):
        data = {"audit": str(world.audit.pk), "clause": "4.2.3", "grade": "minor", "description": "Temuan sendiri."}
        assert representative.post(page_url(world.finding, "add"), data).status_code == 403
        assert not Finding.objects.filter(description="Temuan sendiri.").exists()


class TestStaffRows:
    @pytest.fixture
    def staff(self, client, world):
        client.force_login(world.users[STAFF])
        return client

    def test_lists_hold_every_audit_and_finding(self, staff, world):
        assert changelist_ids(staff, Audit) == set(Audit.objects.values_list("pk", flat=True))
        assert changelist_ids(staff, Finding) == set(Finding.objects.values_list("pk", flat=True))

    def test_audit_and_finding_forms_are_read_only_and_a_post_is_refused(self, staff, world):
        for obj, data in (
            (world.audit, {"summary": "Diubah.", "findings-TOTAL_FORMS": "0", "findings-INITIAL_FORMS": "0"}),
            (world.finding, {"description": "Diubah.", "corrective_action": "Diubah.", "grade": "major"}),
        ):
            response = staff.get(page_url(obj, "change"))
            assert response.context["has_change_permission"] is False
            assert not response.context["adminform"].form.fields
            before = stored(obj)
            assert staff.post(page_url(obj, "change"), data).status_code == 403
            assert stored(obj) == before

    def test_audit_inline_findings_are_read_only(self, staff, world):
        inline = staff.get(page_url(world.audit, "change")).context["inline_admin_formsets"][0]
        assert (inline.has_add_permission, inline.has_change_permission, inline.has_delete_permission) == (
            False,
            False,
            False,
        )


# --- Autocomplete answers only what the role may see ---------------------------------------------


def relational_fields():
    """Every foreign key and many-to-many of every registered model whose target admin answers autocomplete.

    Django's autocomplete view takes any such field, listed in autocomplete_fields or not, of any
    model (an inline's too, registered or not), and answers from the target model admin's get_queryset.
    """
    models = dict.fromkeys(
        [
            *admin.site._registry,
            *(inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines),
        ]
    )
    for model in models:
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and (field.many_to_one or field.many_to_many)):
                continue
            target = admin.site._registry.get(field.related_model)
            if target is not None and target.search_fields:
                yield pytest.param(model, field.name, id=f"{model._meta.label_lower}.{field.name}")


def visible(world, target, role):
    """The rows of ``target`` the role may read: the expected autocomplete answer, or None for a refusal."""
    label = target._meta.label_lower
    if EXPECTED[label][role].changelist != 200:
        return None
    everything = set(target._default_manager.values_list("pk", flat=True))
    if label == "certifications.audit" and role == AUDITOR:
        return {world.audit.pk, world.empty_audit.pk}
    if label == "certifications.audit" and role == REPRESENTATIVE:
        return {world.audit.pk, world.empty_audit.pk, world.colleague_audit.pk}
    return everything


def test_every_autocomplete_field_of_the_admins_is_checked():
    checked = {param.id for param in relational_fields()}
    for model, model_admin in admin.site._registry.items():
        for admin_class in (model_admin, *model_admin.inlines):
            for name in admin_class.autocomplete_fields:
                source = admin_class.model if admin_class is not model_admin else model
                assert f"{source._meta.label_lower}.{name}" in checked


@pytest.mark.parametrize(("model", "field_name"), list(relational_fields()))
@pytest.mark.parametrize("role", [SUPERUSER, STAFF, AUDITOR, REPRESENTATIVE, NO_GROUP])
def test_autocomplete_answers_only_visible_rows(client, world, role, model, field_name):
    client.force_login(world.users[role])
    target = model._meta.get_field(field_name).related_model
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": field_name},
    )
    expected = visible(world, target, role)
    if expected is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert {int(item["id"]) for item in response.json()["results"]} == expected


# --- The agency list's import and export (django-import-export) ----------------------------------
# django-import-export lets every staff account that reaches the admin import and export unless
# told otherwise: here importing is for programme staff (and superusers), exporting for whoever
# may view agencies, and an export holds the rows that role's changelist holds.

IMPORTERS = {SUPERUSER, STAFF}
EXPORTERS = {SUPERUSER, STAFF, AUDITOR}


def agency_file() -> bytes:
    return csv_bytes([spreadsheet_row(slug="dinas-impor", nama="Dinas Impor")])


def waiting_uploads() -> list[str]:
    return [key for key in caches["default"]._cache if UploadCacheStorage.CACHE_PREFIX in key]


def forged_confirmation(user) -> dict:
    """A confirmation as the preview would give this user: a waiting file and a token signed for them."""
    storage = UploadCacheStorage()
    storage.save(agency_file())
    token = AgencyConfirmForm.sign(upload=storage.name, file_name="skpd.csv", format_index=0, user=user)
    return {"token": token}


@pytest.mark.parametrize("role", ROLES)
def test_import_pages(client, world, role):
    client = world.client_for(client, role)
    agencies = list(Agency.objects.values())
    history = Agency.history.count()
    confirmation = forged_confirmation(world.users.get(role, world.spare_user))
    responses = [
        client.get(spreadsheets.IMPORT),
        spreadsheet_upload(client, agency_file()),
        client.post(spreadsheets.PROCESS, confirmation),
    ]
    for response, url in zip(responses, (spreadsheets.IMPORT, spreadsheets.IMPORT, spreadsheets.PROCESS), strict=True):
        if role == ANONYMOUS:
            assert_sent_to_login(response, url)
        elif role in IMPORTERS:
            assert response.status_code in (200, 302), url
        else:
            assert response.status_code == 403, url
    if role in IMPORTERS:
        assert Agency.objects.filter(slug="dinas-impor").exists()  # the confirmation above was theirs
        return
    assert list(Agency.objects.values()) == agencies
    assert Agency.history.count() == history
    assert len(waiting_uploads()) == 1  # the forged one, never read; theirs was never kept


@pytest.mark.parametrize("role", [AUDITOR, NO_GROUP])
def test_agency_permissions_granted_by_hand_do_not_make_an_importer(client, world, role):
    user = world.users[role]
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="agencies", codename__endswith="_agency")
    )
    client.force_login(user)
    assert client.get(spreadsheets.IMPORT).status_code == 403
    assert spreadsheet_upload(client, agency_file()).status_code == 403
    assert client.get(spreadsheets.EXPORT).status_code == 200  # they may view agencies now
    assert not Agency.objects.filter(slug="dinas-impor").exists()


@pytest.mark.parametrize("role", ROLES)
def test_export_pages(client, world, role):
    client = world.client_for(client, role)
    for response in (client.get(spreadsheets.EXPORT), spreadsheets.export(client)):
        if role == ANONYMOUS:
            assert_sent_to_login(response, spreadsheets.EXPORT)
        else:
            assert response.status_code == (200 if role in EXPORTERS else 403)


@pytest.mark.parametrize("query", ["", "?kind__exact=department", "?q=kesehatan", "?name_confirmed__exact=0"])
@pytest.mark.parametrize("role", sorted(EXPORTERS))
def test_each_roles_export_holds_the_rows_of_its_changelist(client, world, role, query):
    client.force_login(world.users[role])
    AgencyFactory(slug="skpd-belum-teridentifikasi-01", name="SKPD #01", kind="unknown", name_confirmed=False)
    changelist = client.get(spreadsheets.CHANGELIST + query)
    listed = {agency.slug for agency in changelist.context["cl"].queryset}
    exported = {row["slug"] for row in spreadsheets.exported_rows(spreadsheets.export(client, query=query))}
    assert exported == listed
    assert listed  # every query above lists something


@pytest.mark.parametrize("role", [SUPERUSER, STAFF, AUDITOR])
def test_the_agency_list_links_import_and_export_for_those_who_may(client, world, role):
    client.force_login(world.users[role])
    content = client.get(spreadsheets.CHANGELIST).content.decode()
    assert ('class="import_link"' in content) is (role in IMPORTERS)
    assert ('class="export_link"' in content) is (role in EXPORTERS)
