"""The list filters behind the links of the admin index's to-do (``certifications.duties``).

A task filter shows the records of the user's own group, as ``duties`` computes it for today:
the link and the count on the index lead to exactly those rows. The parameter names live in
``duties``, which builds the links.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import AgencyStatus
from bandung_iso.admin_base import YesNoListFilter

from .. import duties, selectors
from ..models import Certificate


class TaskFilter(admin.SimpleListFilter):
    """The records of one of the user's to-do groups today (``duties.task_records``)."""

    title = _("tugas saya")
    parameter_name = duties.TASK_PARAMETER
    tasks: dict[str, str]  # group key -> label

    def lookups(self, request, model_admin):
        return list(self.tasks.items())

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value not in self.tasks:
            raise IncorrectLookupParameters(value)
        records = duties.task_records(request.user, value, on=timezone.localdate())
        return queryset.filter(pk__in=[record.pk for record in records])


class FindingTaskFilter(TaskFilter):
    tasks = {
        duties.DutyKey.TO_ANSWER: _("perlu saya jawab"),
        duties.DutyKey.RETURNED: _("dikembalikan kepada saya"),
        duties.DutyKey.TO_VERIFY: _("menunggu verifikasi saya"),
        duties.DutyKey.OVERDUE_LED: _("audit yang saya pimpin, lewat batas waktu"),
    }


class AuditTaskFilter(TaskFilter):
    tasks = {duties.DutyKey.AUDITS_DUE: _("saya pimpin, segera atau belum selesai")}


class ExpiryKnownFilter(YesNoListFilter):
    """Certificates with a recorded expiry date, or without (``Certificate.objects.without_expiry``)."""

    title = _("tanggal kedaluwarsa")
    parameter_name = duties.EXPIRY_KNOWN_PARAMETER
    yes_label = _("tercatat")
    no_label = _("tidak diketahui")

    def yes(self, queryset, *, on):
        return queryset.exclude(pk__in=Certificate.objects.without_expiry().values("pk"))

    def no(self, queryset, *, on):
        return queryset.filter(pk__in=Certificate.objects.without_expiry().values("pk"))


class StatusTodayFilter(admin.SimpleListFilter):
    """Agencies by their status today (``selectors.with_status``)."""

    title = _("status hari ini")
    parameter_name = duties.STATUS_TODAY_PARAMETER

    def lookups(self, request, model_admin):
        return AgencyStatus.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value not in AgencyStatus.values:
            raise IncorrectLookupParameters(value)
        chosen = selectors.with_status(on=timezone.localdate(), only=value).values("pk")
        return queryset.filter(pk__in=chosen)
