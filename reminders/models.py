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


class MailPreference(models.Model):
    """The language a person's mails are written in: the daily reminder and each workflow step's mail.

    Without a row, the portal's language (settings.LANGUAGE_CODE). Each user sets their own in
    the admin; programme staff may set anyone's.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="mail_preference",
    )
    language = models.CharField(
        _("bahasa email"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Bahasa pengingat harian dan pemberitahuan temuan yang dikirim kepada pengguna ini."),
    )

    class Meta:
        verbose_name = _("preferensi email")
        verbose_name_plural = pgettext_lazy("plural", "preferensi email")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="mail_preference_language_known",
                violation_error_message=_("Bahasa ini tidak tersedia di portal."),
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_language_display()}"


def language_of(user) -> str:
    """The language to write to ``user`` in (select_related("mail_preference") saves the query)."""
    try:
        return user.mail_preference.language
    except MailPreference.DoesNotExist:
        return settings.LANGUAGE_CODE
