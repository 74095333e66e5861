"""The agency list's import and export in the admin (django-import-export), under the portal's roles.

- Import (upload a CSV or XLSX, preview, confirm): programme staff (Staf Pemkot) and superusers
  only, and only with the add and change permissions on agencies; every other account gets
  403 on the import pages, whatever django-import-export would allow by default.
- Export: whoever may view agencies (auditors too), and exactly the rows of their changelist
  (its ``get_queryset`` and its filters and search); representatives cannot view agencies.
- The upload is checked before anything is read into the database: its size
  (``IMPORT_MAX_BYTES``), its bytes (UTF-8 CSV or a real XLSX; found from the content when no
  format is chosen), its columns and its number of rows. The preview runs the whole import in
  a transaction that is rolled back; the confirmation runs it again from the same file, all
  or nothing, and shows every problem instead of saving any row if the data changed meanwhile.
- The file waits in the shared cache between the two (``UploadCacheStorage``), under a
  name only the signed confirmation form carries, for the user who uploaded it; a preview
  that cannot be confirmed drops it at once.
"""

import logging
from contextlib import suppress

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.forms import ExportForm, ImportForm

from agencies.import_columns import COLUMNS, match_columns
from agencies.resources import shown_file_name
from bandung_iso.cache import CACHE_ERRORS
from bandung_iso.roles import is_programme_staff
from bandung_iso.spreadsheets import XLSX_SIGNATURE, SafeCSV, SafeXLSX, SpreadsheetError, UploadCacheStorage

from ..agency_list import CityListResource

logger = logging.getLogger("certifications.admin.agency_import")

FORMATS = [SafeCSV, SafeXLSX]
CONFIRM_SALT = "agencies.import.confirm"


class AgencyImportForm(ImportForm):
    """The upload: its size, its bytes and its columns checked here, with a message for each problem."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats
        upload = self.fields["import_file"]
        upload.label = _("Berkas")
        upload.help_text = _("CSV (UTF-8, dipisah koma atau titik koma) atau XLSX, paling besar %(size)s MB.") % {
            "size": settings.IMPORT_MAX_BYTES // (1024 * 1024)
        }
        chosen = self.fields["format"]
        chosen.label = _("Format")
        chosen.required = False
        chosen.choices = [("", gettext("kenali dari isi berkas")), *chosen.choices[1:]]

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(
                _("Berkas ini %(size).1f MB; paling besar %(limit)s MB.")
                % {"size": upload.size / (1024 * 1024), "limit": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is None or self.errors:
            return cleaned
        data = b"".join(upload.chunks())
        index = int(cleaned["format"]) if cleaned.get("format") else self._detected(data)
        cleaned["format"] = str(index)
        try:
            dataset = self.formats[index](encoding="utf-8-sig").create_dataset(data)
        except SpreadsheetError as error:
            raise ValidationError({"import_file": str(error)}) from None
        if not dataset.headers:
            raise ValidationError({"import_file": _("Berkas ini kosong: tidak ada baris judul kolom.")})
        try:
            match_columns(dataset.headers, list(dataset))
        except ValidationError as error:
            raise ValidationError({"import_file": error.messages}) from None
        if not len(dataset):
            raise ValidationError({"import_file": _("Berkas ini hanya berisi judul kolom, tanpa baris data.")})
        return cleaned

    def _detected(self, data: bytes) -> int:
        wanted = SafeXLSX if data.startswith(XLSX_SIGNATURE) else SafeCSV
        return next(index for index, kind in enumerate(self.formats) if kind is wanted)


class AgencyConfirmForm(forms.Form):
    """The confirmation: a token signed for this user naming the waiting file, its name and format."""

    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    @staticmethod
    def sign(*, upload: str, file_name: str, format_index: int, user) -> str:
        payload = {"upload": upload, "file": file_name, "format": format_index, "user": user.pk}
        return signing.dumps(payload, salt=CONFIRM_SALT)

    def clean(self):
        cleaned = super().clean()
        try:
            payload = signing.loads(cleaned.get("token", ""), salt=CONFIRM_SALT, max_age=settings.IMPORT_UPLOAD_TIMEOUT)
        except signing.BadSignature:
            raise ValidationError(_("Konfirmasi ini tidak sah atau sudah kedaluwarsa.")) from None
        if self.user is None or payload.get("user") != self.user.pk:
            raise ValidationError(_("Konfirmasi ini milik akun lain."))
        cleaned.update(
            import_file_name=payload["upload"], original_file_name=payload["file"], format=int(payload["format"])
        )
        return cleaned


class AgencyExportForm(ExportForm):
    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].label = _("Format")


class AgencyImportExportMixin(ImportExportMixin):
    """Import and export of the agency list for ``AgencyAdmin``; see the module's docstring."""

    resource_classes = [CityListResource]
    import_formats = export_formats = FORMATS
    import_form_class = AgencyImportForm
    confirm_form_class = AgencyConfirmForm
    export_form_class = AgencyExportForm
    tmp_storage_class = UploadCacheStorage
    import_export_change_list_template = "admin/agencies/agency/change_list.html"
    import_template_name = "admin/agencies/agency/import.html"
    export_template_name = "admin/agencies/agency/export.html"
    from_encoding = "utf-8-sig"
    # With a byte order mark Excel opens the CSV as UTF-8 (Indonesian names, "–" in sources).
    to_encoding = "utf-8-sig"

    def has_import_permission(self, request):
        # The whole list at once: the programme's staff, with the permissions the change form needs.
        return (
            is_programme_staff(request.user)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_queryset(self, request):
        # The changelist's rows (get_queryset, filters, search), with each parent's slug in the same query.
        return super().get_export_queryset(request).select_related("parent")

    def get_export_filename(self, request, queryset, file_format):
        return f"skpd-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def get_import_context_data(self, **kwargs):
        return {
            **super().get_import_context_data(**kwargs),
            "columns": COLUMNS,
            "max_megabytes": settings.IMPORT_MAX_BYTES // (1024 * 1024),
            "max_rows": settings.IMPORT_MAX_ROWS,
        }

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {**super().get_confirm_form_kwargs(request, import_form), "user": request.user}

    def get_confirm_form_initial(self, request, import_form):
        if import_form is None:
            return {}
        upload = import_form.cleaned_data["import_file"]
        token = AgencyConfirmForm.sign(
            upload=upload.tmp_storage_name,
            file_name=shown_file_name(upload.name),
            format_index=int(import_form.cleaned_data["format"]),
            user=request.user,
        )
        return {"token": token}

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        try:
            response = super().import_action(request, **kwargs)
            self._drop_unconfirmable_upload(response)
        except CACHE_ERRORS:
            logger.exception("agency import: the shared cache holding uploads is unreachable")
            return self._start_again(
                request, gettext("Berkas tidak dapat disimpan sementara (cache tidak terjangkau).")
            )
        return response

    def _drop_unconfirmable_upload(self, response) -> None:
        """A preview with errors can never be confirmed: its file leaves the cache now, not in two hours."""
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        if context.get("confirm_form") is not None or form is None or not form.is_bound:
            return
        name = getattr(getattr(form, "cleaned_data", {}).get("import_file"), "tmp_storage_name", None)
        if name:
            self.get_tmp_storage_class()(name=name).remove()

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            return self._start_again(request, " ".join(confirm_form.non_field_errors()))
        storage = self.get_tmp_storage_class()(name=confirm_form.cleaned_data["import_file_name"])
        try:
            data = storage.read()
        except CACHE_ERRORS:
            logger.exception("agency import: the shared cache holding uploads is unreachable")
            data = None
        if data is None:
            return self._start_again(request, gettext("Berkas pratinjau ini sudah tidak tersimpan."))
        input_format = self.get_import_formats()[confirm_form.cleaned_data["format"]](encoding=self.from_encoding)
        try:
            dataset = input_format.create_dataset(data)  # read without a problem at the preview
        except SpreadsheetError as error:
            storage.remove()
            return self._start_again(request, str(error))
        result = self.process_dataset(dataset, confirm_form, request, rollback_on_validation_errors=True, **kwargs)
        with suppress(*CACHE_ERRORS):  # it expires anyway; the import is done
            storage.remove()
        if result.has_errors() or result.has_validation_errors():
            return self._refused(request, result)
        return self.process_result(result, request)

    def _start_again(self, request, reason: str):
        self.message_user(request, gettext("%(reason)s Unggah berkasnya lagi.") % {"reason": reason}, messages.ERROR)
        return redirect(reverse("{}:{}_{}_import".format(self.admin_site.name, *self.get_model_info())))

    def _refused(self, request, result):
        """The data changed between preview and confirmation: every problem shown, nothing saved."""
        form = self.get_import_form_class(request)(self.get_import_formats(), self.get_import_resource_classes(request))
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": _("Impor SKPD"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "result": result,
            "refused_at_confirmation": True,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def add_success_message(self, result, request):
        totals = result.agency_totals
        self.message_user(
            request,
            gettext(
                "Impor dari %(file)s selesai: %(new)s baru, %(update)s diperbarui, %(merge)s digabung ke "
                "SKPD sementara, %(unchanged)s tidak berubah."
            )
            % {"file": result.agency_file, **totals},
            messages.SUCCESS,
        )
