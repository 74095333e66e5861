from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ONE_PER_DAY = _("Orang ini sudah dikirimi pengingat pada tanggal ini; satu orang paling banyak satu pesan sehari.")


class Reminder(models.Model):
    """One reminder mail as sent.

    The row is written in the same transaction as the mail goes out, so its existence is what
    stops a second message to the same person on the same day.
    """

    # CASCADE: the row records a mail already delivered; it is no reason to keep an account that
    # staff delete (accounts that did something worth keeping are deactivated, not deleted).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penerima"),
        on_delete=models.CASCADE,
        related_name="reminders",
        help_text=_("Akun yang menerima pengingat, di alamat email akunnya saat itu."),
    )
    sent_on = models.DateField(
        _("tanggal pengingat"),
        help_text=_(
            "Hari (waktu Bandung) yang keadaannya dilaporkan pesan ini. Satu orang paling banyak satu pesan per hari."
        ),
    )
    subject = models.CharField(_("subjek"), max_length=200, help_text=_("Subjek email seperti terkirim."))
    body = models.TextField(_("isi"), help_text=_("Isi email seperti terkirim."))
    item_count = models.PositiveIntegerField(
        _("jumlah hal"), help_text=_("Banyaknya temuan, audit dan sertifikat yang disebut dalam pesan.")
    )
    created_at = models.DateTimeField(
        _("waktu kirim"), auto_now_add=True, help_text=_("Saat pesan diserahkan ke server email.")
    )

    class Meta:
        verbose_name = _("pengingat")
        verbose_name_plural = pgettext_lazy("plural", "pengingat")
        ordering = ["-sent_on", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "sent_on"],
                name="reminder_one_per_recipient_per_day",
                violation_error_message=ONE_PER_DAY,
                violation_error_code="unique",
            ),
        ]

    def __str__(self):
        return f"{self.recipient} — {self.sent_on:%Y-%m-%d}"
