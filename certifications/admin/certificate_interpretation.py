"""A certificate's interpretation note is reviewed when what it interprets changes (issue 16, point 3).

The note (``Certificate.interpretation``, shown under the certificate in public) often says
what is unknown: "Nomor, lembaga sertifikasi ... tidak diketahui". When staff fill in the
number, the body or the dates and leave the note as it was, the form asks them to review it:
rewrite it, empty it, or tick that it is still true. Nothing is rewritten for them.
Used by the certificate's own page and by the certificates inline of the agency's page.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from bandung_iso.admin_base import ModelErrorsForm

# What an interpretation note is about: a change to any of these may make it stale.
INTERPRETED_FIELDS = ("number", "body", "issued_on", "issued_precision", "expires_on", "expires_precision")
KEEP_FIELD = "interpretation_still_true"
REVIEW_INTERPRETATION = _(
    "Nomor, lembaga sertifikasi atau tanggal sertifikat berubah, tetapi tafsirannya tidak: periksa tafsiran ini. "
    "Perbarui atau kosongkan bila tidak lagi benar, atau centang 'tafsiran masih benar'."
)


class InterpretationReviewForm(ModelErrorsForm):
    """The review of the note; ``certificate_form.CertificateForm`` builds on it."""

    interpretation_still_true = forms.BooleanField(
        label=_("tafsiran masih benar"),
        required=False,
        help_text=_("Centang bila tafsiran di atas tetap benar setelah perubahan nomor, lembaga atau tanggal."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if KEEP_FIELD in self.fields and not self._has_interpretation():
            self.fields[KEEP_FIELD].widget = forms.HiddenInput()  # nothing to review on a new or unnoted one

    def _has_interpretation(self) -> bool:
        return self.instance.pk is not None and bool((self.instance.interpretation or "").strip())

    def clean(self):
        cleaned_data = super().clean()
        changed = set(self.changed_data)
        if (
            self._has_interpretation()
            and KEEP_FIELD in self.fields
            and changed.intersection(INTERPRETED_FIELDS)
            and "interpretation" not in changed
            and not cleaned_data.get(KEEP_FIELD)
        ):
            self.add_error("interpretation", REVIEW_INTERPRETATION)
        return cleaned_data
