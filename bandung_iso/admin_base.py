"""What every ModelAdmin of the portal shares, whichever app it belongs to.

Forged input refused by name instead of a server error (``SafeInitialDataMixin``,
``SelectedIdsMixin``), a model's errors shown on its form (``ModelErrorsForm``,
``add_model_errors``), a yes/no list filter about today (``YesNoListFilter``), and an edit
history under the same row rules as the change pages (``RowRuleHistoryAdmin``, rendered with
``admin/history_list.html`` from bandung_iso/templates) whose changes read as labels, and people
by name in every user picker (``PeopleByNameMixin``). Infrastructure: it imports no app.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import mark_safe
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_history_model_for_model

from .display import PeopleChoiceField, PersonChoiceField, field_value

# --- Forged input: a message or an empty field, never a server error --------------------------


class SafeInitialDataMixin:
    """Drop prefilled values (``?agency=abc`` on an add page) that are not a valid key.

    Django turns the query string into the add form's initial data and looks related rows up
    with it; a value of the wrong type there is a server error instead of an empty field.
    """

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:  # not a model field: the form ignores it too
                continue
            if not field.is_relation:
                continue
            target = field.target_field
            values = value if isinstance(value, list) else [value]
            try:
                for item in values:
                    target.to_python(item)
            except ValidationError:
                del initial[name]
        return initial


class SelectedIdsMixin:
    """An action POSTed with selected ids that are no primary key is refused by name, never a 500.

    Django filters the list with the posted ids as they are: ``abc``, a NUL byte or a number past
    the column's range raise in the database layer before any action runs.
    """

    def response_action(self, request, queryset):
        pk = self.opts.pk
        bad = []
        for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            try:
                pk.run_validators(pk.to_python(value))
            except ValidationError:
                bad.append(value)
        if bad:
            # Escaped: the values are whatever was posted, control characters included.
            shown = ", ".join(value[:40].encode("unicode_escape").decode("ascii") for value in bad[:5])
            self.message_user(
                request,
                gettext("Baris yang dipilih tidak dikenal: %(values)s. Tidak ada yang diubah.") % {"values": shown},
                messages.ERROR,
            )
            return None
        return super().response_action(request, queryset)


# --- A model's errors on its form ----------------------------------------------------------------


def _shown_on(form, error: ValidationError) -> ValidationError:
    """``error`` as ``form`` can show it: an error about a field the form lacks goes above the form.

    Django raises (a server error) when ``clean()`` names a field missing from the form, as a
    read-only status is. Such an error is shown above the form, prefixed with the field's name.
    """
    if not hasattr(error, "error_dict"):
        return error
    shown = {}
    for name, errors in error.error_dict.items():
        if name == NON_FIELD_ERRORS or name in form.fields:
            shown.setdefault(name, []).extend(errors)
            continue
        try:
            label = capfirst(form._meta.model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            label = name
        texts = [f"{label}: {message}" for item in errors for message in item.messages]
        shown.setdefault(NON_FIELD_ERRORS, []).extend(ValidationError(text) for text in texts)
    return ValidationError(shown)


class ModelErrorsForm(forms.ModelForm):
    """A model form that shows every error of the model's ``clean()``, even on a field it does not hold."""

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError):
            error = _shown_on(self, error)
        super().add_error(field, error)


def add_model_errors(form, error: ValidationError) -> None:
    """Show a model's (or a service's) ValidationError on any model form, as ``ModelErrorsForm`` does."""
    form.add_error(None, _shown_on(form, error))


# --- List filters --------------------------------------------------------------------------------


class YesNoListFilter(admin.SimpleListFilter):
    """A list filter answering one question about today: "ya" or "tidak".

    A subclass names the question (``title``, ``parameter_name``), the two answers' labels and the
    rows of each answer (``yes`` and ``no``, for a day); any other value leaves the list as it is.
    """

    YES = "ya"
    NO = "tidak"
    yes_label: str
    no_label: str

    def lookups(self, request, model_admin):
        return [(self.YES, self.yes_label), (self.NO, self.no_label)]

    def queryset(self, request, queryset):
        if self.value() == self.YES:
            return self.yes(queryset, on=timezone.localdate())
        if self.value() == self.NO:
            return self.no(queryset, on=timezone.localdate())
        return queryset

    def yes(self, queryset, *, on):
        raise NotImplementedError

    def no(self, queryset, *, on):
        raise NotImplementedError


# --- People by name ------------------------------------------------------------------------------


def _is_user_relation(db_field) -> bool:
    return issubclass(db_field.remote_field.model, AbstractBaseUser)


class PeopleByNameMixin:
    """Every picker of users lists them by full name (``display.person_name``), not by username."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if _is_user_relation(db_field):
            kwargs.setdefault("form_class", PersonChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if _is_user_relation(db_field):
            kwargs.setdefault("form_class", PeopleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# --- Edit history (django-simple-history) under the row rules ----------------------------------
# django-simple-history looks the object up by its primary key alone, falls back to the last
# historical record when the row is out of ``get_queryset``, and saves whatever the revert form
# posts. Here every history page goes through ``get_queryset`` (a row outside the role's rules is
# a 404), the history list needs the view permission on the row, and opening an old version or
# reverting to it needs the change permission on the row as it is today.


class LabelledChangesHelper(HistoricalRecordContextHelper):
    """The history's changes as people read them: labels, "ya"/"tidak", names, local dates."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        value = super().prepare_delta_change_value(change, value)
        if field.many_to_many:
            return field_value(field, [_present(item) for item in value])
        return field_value(field, _present(value))


def _present(value):
    """A row simple_history could not find (``DeletedObject``) as a reader sees it: nothing, or a deleted row."""
    if not isinstance(value, DeletedObject):
        return value
    if value.pk is None:  # an empty foreign key
        return None
    return gettext("%(model)s #%(pk)s (sudah dihapus)") % {"model": value.model._meta.verbose_name, "pk": value.pk}


class RowRuleHistoryAdmin(PeopleByNameMixin, SafeInitialDataMixin, SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history list, history form and revert obey ``get_queryset``.

    A revert is a change like any other: it must pass ``full_clean()``, it may change only the
    fields the user's change form lets them edit, and never the ``history_workflow_fields``
    (declared by the workflow mixins), which only the workflow services write.
    """

    object_history_list_template = "admin/history_list.html"

    # Fields a revert must leave as they are today (set by the workflow mixins).
    history_workflow_fields: tuple[str, ...] = ()
    history_workflow_refusal = _(
        "Versi ini mengubah %(fields)s, yang hanya berubah melalui tindakan alur kerja. Tidak ada yang disimpan."
    )

    def get_historical_record_context_helper(self, request, historical_record):
        return LabelledChangesHelper(self.model, historical_record)

    def readonly_reason(self, request, obj) -> str:
        """Why ``obj``'s change page is read-only for this user, said on the page (admin/change_form.html)."""
        return gettext("peran Anda dapat melihat data ini, tetapi tidak mengubahnya.")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and not self.has_change_permission(request, obj):
            context.setdefault("readonly_reason", self.readonly_reason(request, obj))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def _row_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            # Not found and not yours look the same: a 404 tells nothing about other rows.
            raise Http404(gettext("Data ini tidak ada atau tidak dapat Anda buka."))
        return obj

    def _version_or_404(self, obj, version_id):
        history_model = get_history_model_for_model(self.model)
        try:
            version = int(version_id)
        except (TypeError, ValueError):
            raise Http404(gettext("Versi ini tidak ada.")) from None
        return get_object_or_404(history_model, **{self.opts.pk.attname: obj.pk, "history_id": version})

    def has_revert_permission(self, request, obj) -> bool:
        """Who may open an old version and revert to it: by default whoever may change the row today."""
        return self.has_change_permission(request, obj)

    def revert_disabled(self, request, obj=None):
        # The history list links each version only for those who may revert (simple_history
        # asks the model permission alone).
        return super().revert_disabled(request, obj) or obj is None or not self.has_revert_permission(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        obj = self._row_or_404(request, object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return super().history_view(request, str(obj.pk), extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.current_app = self.admin_site.name
        current = self._row_or_404(request, object_id)
        if not self.has_revert_permission(request, current):
            raise PermissionDenied
        record = self._version_or_404(current, version_id)
        version = record.instance
        version._state.adding = False

        # The form the user may edit today (fields, read-only fields), filled with the old version.
        form_class = self.get_form(request, current, change=True)
        # Checked before the form touches the old version: what reverting to it would change.
        refusal = self.revert_refusal(request, current, version, form_class.base_fields)
        if request.method == "POST":
            form = form_class(request.POST, request.FILES, instance=version)
            if refusal:
                form.add_error(None, refusal)
            elif form.is_valid():
                with transaction.atomic(using=router.db_for_write(self.model)):
                    reverted = self.save_form(request, form, change=True)
                    if self._revert(request, form, reverted, record):
                        return self.response_change(request, reverted)
        else:
            form = form_class(instance=version)
            if refusal:
                self.message_user(request, refusal, messages.WARNING)

        return self._render_history_form(request, current, form, extra_context, refused=bool(refusal))

    def _revert(self, request, form, reverted, record) -> bool:
        """Validate and save a revert; on refusal put the reason on the form and save nothing."""
        # Again on the locked row, with what was posted: the form's own fields may have been edited.
        today = self.model._default_manager.select_for_update().get(pk=reverted.pk)
        refusal = self.revert_refusal(request, today, reverted, form.fields)
        if refusal:
            form.add_error(None, refusal)
            return False
        try:
            reverted.full_clean()
        except ValidationError as error:
            add_model_errors(form, error)
            return False
        reverted._change_reason = gettext("Dikembalikan ke versi %(when)s (#%(version)s)") % {
            "when": timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M"),
            "version": record.history_id,
        }
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                self.save_model(request, reverted, form, change=True)  # records request.user in the history
        except (ValidationError, PermissionDenied) as error:
            # A save_model that goes through a workflow service may refuse; the service changed nothing.
            add_model_errors(form, error if isinstance(error, ValidationError) else ValidationError(str(error)))
            return False
        form.save_m2m()
        self.log_change(request, reverted, self.construct_change_message(request, form, []))
        return True

    def revert_refusal(self, request, today, reverted, form_fields) -> str | None:
        """Why ``reverted`` may not replace ``today`` (the row as stored), or None.

        ``form_fields`` are the fields of the user's change form: any other field keeps the old
        version's value, so it must not differ from today's.
        """
        changed = [
            field
            for field in self.opts.concrete_fields
            if not field.primary_key and getattr(reverted, field.attname) != getattr(today, field.attname)
        ]
        workflow = [field for field in changed if field.name in self.history_workflow_fields]
        if workflow:
            return self.history_workflow_refusal % {"fields": _field_names(workflow)}
        editable = {name for name, field in form_fields.items() if not field.disabled}
        beyond = [field for field in changed if field.name not in editable]
        if beyond:
            return gettext(
                "Versi ini mengubah %(fields)s, yang tidak dapat Anda ubah di halaman ubah. Tidak ada yang disimpan."
            ) % {"fields": _field_names(beyond)}
        return None

    def _render_history_form(self, request, obj, form, extra_context, *, refused=False):
        """simple_history's history form context, built from the row as it is today."""
        opts = self.opts
        admin_form = helpers.AdminForm(
            form,
            list(self.get_fieldsets(request, obj)),
            self.get_prepopulated_fields(request, obj),
            self.get_readonly_fields(request, obj),
            model_admin=self,
        )
        url_name = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}"
        context = {
            **self.admin_site.each_context(request),
            "title": self.history_form_view_title(request, obj),
            "adminform": admin_form,
            "object_id": obj.pk,
            "original": form.instance,
            "is_popup": False,
            "media": mark_safe(self.media + admin_form.media),  # noqa: S308 (Media renders escaped tags)
            "errors": helpers.AdminErrorList(form, []),
            "app_label": opts.app_label,
            "original_opts": opts,
            "changelist_url": reverse(f"{url_name}_changelist"),
            "change_url": reverse(f"{url_name}_change", args=(quote(obj.pk),)),
            "history_url": reverse(f"{url_name}_history", args=(quote(obj.pk),)),
            "change_history": False,
            "revert_disabled": refused or self.revert_disabled(request, obj),
            "add": False,
            "change": True,
            "has_add_permission": self.has_add_permission(request),
            "has_view_permission": self.has_view_permission(request, obj),
            "has_change_permission": self.has_change_permission(request, obj),
            "has_delete_permission": self.has_delete_permission(request, obj),
            "has_file_field": True,
            "has_absolute_url": False,
            "form_url": "",
            "opts": get_history_model_for_model(self.model)._meta,
            "content_type_id": self.content_type_model_cls.objects.get_for_model(self.model).id,
            "save_as": self.save_as,
            "save_on_top": self.save_on_top,
            "root_path": getattr(self.admin_site, "root_path", None),
            **(extra_context or {}),
        }
        return self.render_history_view(request, self.object_history_form_template, context)


def _field_names(fields) -> str:
    return str(get_text_list([str(field.verbose_name) for field in fields], gettext("dan")))
