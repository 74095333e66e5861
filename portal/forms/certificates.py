"""The public certificate check: its query parameters, parsed and bounded in one form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bandung_iso.widgets import DayInput, WithoutNul
from certifications.models import Certificate, CertificationBody

from ..params import AsOfField, AsOfForm

NUMBER_MAX_LENGTH = Certificate._meta.get_field("number").max_length
CHECK_PARAMETERS = ("nomor", "lembaga", "per")


class NumberInput(WithoutNul, forms.TextInput):
    pass


class CertificateCheckForm(AsOfForm):
    """``?nomor=`` (required when checking), ``?lembaga=`` (a body's id) and ``?per=`` (a day)."""

    nomor = forms.CharField(
        label=_("Nomor sertifikat"),
        max_length=NUMBER_MAX_LENGTH,
        required=True,
        strip=True,
        help_text=_("Tulis persis seperti tercetak di sertifikat. Huruf besar dan kecil tidak dibedakan."),
        error_messages={
            "required": _("Isi nomor sertifikat yang ingin dicek."),
            "max_length": _("Nomor sertifikat paling panjang %(limit_value)d karakter (tertulis %(show_value)d)."),
            "null_characters_not_allowed": _("Nomor sertifikat tidak boleh mengandung karakter NUL."),
        },
        widget=NumberInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    lembaga = forms.TypedChoiceField(
        label=_("Lembaga sertifikasi (pilihan)"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Biarkan 'Semua lembaga' bila tidak tahu lembaga penerbitnya."),
        error_messages={
            "invalid_choice": _("Lembaga sertifikasi ini tidak tercatat; pilih salah satu lembaga dari daftar.")
        },
    )
    per = AsOfField(
        label=_("Status per tanggal (pilihan)"),
        help_text=_("Kosongkan untuk hari ini. Format TTTT-BB-HH, misalnya 2013-12-31."),
        widget=DayInput(format="%Y-%m-%d", attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    field_order = CHECK_PARAMETERS

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # One query for the bodies: the select's options and the whitelist of accepted values.
        self.bodies = {body.pk: body for body in CertificationBody.objects.order_by("name", "pk")}
        self.fields["lembaga"].choices = [("", _("Semua lembaga")), *((pk, b.name) for pk, b in self.bodies.items())]

    @property
    def body(self) -> CertificationBody | None:
        """The chosen body, from the options already read (no further query)."""
        pk = self.cleaned_data.get("lembaga")
        return self.bodies.get(pk) if pk is not None else None


def is_check(query) -> bool:
    """Whether the query string asks for a check (any of its parameters), or only for the empty form."""
    return any(name in query for name in CHECK_PARAMETERS)
