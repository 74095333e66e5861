"""The stored timeline: each agency's status over time, as stretches of days (see ``certifications.timeline``).

Nobody edits these rows: ``certifications.timeline_store`` writes them from the certificates
inside every write that changes them. An agency without certificates has no rows and is "not
yet certified" on every day.
"""

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyStatus

# A stretch comes from certificates on record, so it never holds "unknown".
STRETCH_STATUSES = [(value, label) for value, label in AgencyStatus.choices if value != AgencyStatus.UNKNOWN]


class StatusStretchQuerySet(models.QuerySet):
    def on(self, day: datetime.date):
        """The stretches that include ``day``: at most one per agency."""
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class StatusStretch(models.Model):
    """Days ``starts_on`` to ``ends_on`` (both included) on which an agency has one status."""

    # Written only by rebuilds, which follow a write the public pages already heard of.
    derived_from_records = True

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("SKPD"),
        on_delete=models.CASCADE,
        related_name="status_stretches",
        help_text=_("SKPD yang statusnya dicatat."),
    )
    starts_on = models.DateField(_("mulai"), help_text=_("Hari pertama dengan status ini."))
    ends_on = models.DateField(
        _("sampai"), help_text=_("Hari terakhir dengan status ini; 31 Desember 9999 bila belum berakhir.")
    )
    status = models.CharField(_("status"), max_length=20, choices=STRETCH_STATUSES, help_text=_("Status SKPD."))
    expired = models.BooleanField(_("ada yang kedaluwarsa"), default=False, help_text=_("Bila tidak bersertifikat."))
    standard_lapsed = models.BooleanField(
        _("ada yang standarnya berakhir"), default=False, help_text=_("Bila tidak bersertifikat.")
    )
    suspended = models.BooleanField(_("ada yang dibekukan"), default=False, help_text=_("Bila tidak bersertifikat."))
    withdrawn = models.BooleanField(_("ada yang dicabut"), default=False, help_text=_("Bila tidak bersertifikat."))

    objects = StatusStretchQuerySet.as_manager()

    class Meta:
        verbose_name = _("masa status SKPD")
        verbose_name_plural = _("masa status SKPD")
        ordering = ["agency", "starts_on"]
        # (agency, starts_on) serves an agency's status on a day. Counting every agency's status
        # on a day reads (ends_on, starts_on, status) alone: an index-only scan, about half a
        # full scan at 40,000 agencies on PostgreSQL.
        indexes = [models.Index(fields=["ends_on", "starts_on", "status"], name="statusstretch_days_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "starts_on"],
                name="statusstretch_agency_start_unique",
                violation_error_message=_("SKPD ini sudah punya masa status yang mulai pada hari itu."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="statusstretch_ends_after_start",
                violation_error_message=_("Masa status harus berakhir pada atau sesudah hari pertamanya."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[value for value, _label in STRETCH_STATUSES]),
                name="statusstretch_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=AgencyStatus.CERTIFIED)
                | Q(expired=False, standard_lapsed=False, suspended=False, withdrawn=False),
                name="statusstretch_reasons_only_when_not_certified",
                violation_error_message=_("Alasan tidak bersertifikat hanya dicatat pada masa tidak bersertifikat."),
            ),
        ]

    def __str__(self):
        return f"{self.agency_id} {self.starts_on}–{self.ends_on}: {self.status}"
