"""The certificate's dates as staff type them, on the certificate page and in the agency page's inline.

Two things a plain model form gets wrong here. The precision boxes start at "tidak diketahui",
so a real date typed beside one was refused: a full date now means that day
(``dates.typed_precision``, the loader's rule too). And an empty expiry was saved silently,
making the agency read as not certified: the form now refuses once, proposing issue + 3 years
at the issue date's precision (``cycle.CERTIFICATE_YEARS``) in the field itself, so saving
again takes it. An expiry nobody knows is recorded only by ticking "masa berlaku tidak
diketahui". The proposal is made on the server, not by a script: it works in any browser
under the strict CSP, and is tested over HTTP like every other refusal.
"""

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from ..cycle import CERTIFICATE_YEARS
from ..dates import DatePrecision, add_years, typed_precision
from .certificate_interpretation import InterpretationReviewForm

DATE_PAIRS = (("issued_on", "issued_precision"), ("expires_on", "expires_precision"))
EXPIRY_UNKNOWN = "expiry_unknown"
# The fields of the dates' fieldset, on both forms.
DATE_FIELDS = [("issued_on", "issued_precision"), ("expires_on", "expires_precision"), EXPIRY_UNKNOWN]


class CertificateForm(InterpretationReviewForm):
    expiry_unknown = forms.BooleanField(
        label=_("masa berlaku tidak diketahui"),
        required=False,
        help_text=_(
            "Centang hanya bila tanggal kedaluwarsa memang tidak diketahui: tanggalnya dikosongkan dan sertifikat "
            "ditampilkan 'masa berlaku tidak diketahui', tidak dihitung berlaku maupun tidak berlaku."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A stored certificate without an expiry was recorded so: saving it again asks nothing.
        stored = self.instance.pk is not None
        self.fields[EXPIRY_UNKNOWN].initial = stored and self.instance.expires_precision == DatePrecision.UNKNOWN

    def clean(self):
        cleaned = super().clean()
        for field, precision in DATE_PAIRS:
            if precision in cleaned:
                cleaned[precision] = typed_precision(cleaned.get(field), cleaned[precision])
                self._show(precision, cleaned[precision])
        if cleaned.get(EXPIRY_UNKNOWN):
            if cleaned.get("expires_on") is not None:
                self.add_error(
                    EXPIRY_UNKNOWN,
                    _("Tanggal kedaluwarsa diisi: hapus centang ini, atau kosongkan tanggalnya bila tidak diketahui."),
                )
            else:
                cleaned["expires_precision"] = DatePrecision.UNKNOWN
                self._show("expires_precision", DatePrecision.UNKNOWN)
        else:
            self._propose_expiry(cleaned)
        return cleaned

    def _propose_expiry(self, cleaned: dict) -> None:
        """An issue date known and no expiry: refuse once, with issue + 3 years filled in."""
        issued, precision = cleaned.get("issued_on"), cleaned.get("issued_precision")
        if issued is None or cleaned.get("expires_on") is not None or "expires_on" in self.errors:
            return
        proposal = add_years(issued, precision, CERTIFICATE_YEARS)
        if proposal is None:
            return
        shown = formats.localize_input(proposal)
        if precision != DatePrecision.DAY:
            shown = f"{shown}, {DatePrecision(precision).label}"
        self._show("expires_on", formats.localize_input(proposal))
        self._show("expires_precision", precision)
        self.add_error(
            "expires_on",
            _(
                "Tanggal kedaluwarsa kosong; usulan: %(date)s (terbit + %(years)s tahun). Simpan lagi untuk "
                "memakainya, atau isi tanggal lain / tandai 'masa berlaku tidak diketahui'."
            )
            % {"date": shown, "years": CERTIFICATE_YEARS},
        )

    def _show(self, name: str, value: str) -> None:
        """Show ``value`` in the field ``name`` when the form is shown again (bound data is what it shows)."""
        key = self.add_prefix(name)
        if self.data.get(key) == value:
            return
        self.data = self.data.copy()
        self.data[key] = value
