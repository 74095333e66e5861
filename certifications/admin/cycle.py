"""The certification cycle in the admin: next audit due per certificate, and the schedule of all of them.

``CertificateCycleMixin`` adds to the certificate admin, without replacing what the other
mixins set: a column, two list filters, the annotations the column reads, and a staff page
listing every certificate's next audit soonest first.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import duties
from ..cycle import cycle_annotations, lapsing_standard_certificates, next_audit_of, next_audits
from ..dates import DatePrecision
from ..models import Certificate
from ..notice import AUDIT_DUE_NOTICE_DAYS, EXPIRY_NOTICE_DAYS, STANDARD_END_NOTICE_DAYS


class NextAuditFilter(admin.SimpleListFilter):
    """Certificates whose next cycle audit is overdue today, or due within ``AUDIT_DUE_NOTICE_DAYS``."""

    title = _("audit berikutnya")
    parameter_name = duties.NEXT_AUDIT_PARAMETER

    OVERDUE = duties.NEXT_AUDIT_OVERDUE
    DUE_SOON = duties.NEXT_AUDIT_DUE_SOON

    def lookups(self, request, model_admin):
        return [
            (self.OVERDUE, _("terlambat")),
            (self.DUE_SOON, _("jatuh tempo dalam %(days)d hari") % {"days": AUDIT_DUE_NOTICE_DAYS}),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value not in (self.OVERDUE, self.DUE_SOON):
            raise IncorrectLookupParameters(value)
        today = timezone.localdate()
        # The due dates are computed in Python (cycle.next_audit): one query for all certificates.
        items = next_audits(on=today)
        if value == self.OVERDUE:
            chosen = [item.certificate.pk for item in items if item.is_overdue(on=today)]
        else:
            chosen = [item.certificate.pk for item in items if 0 <= item.days_left(on=today) <= AUDIT_DUE_NOTICE_DAYS]
        return queryset.filter(pk__in=chosen)


class EndingFilter(admin.SimpleListFilter):
    """Certificates that stop being valid soon: by expiry or their standard's end, or by the standard
    alone for agencies that hold no certificate to a newer standard."""

    title = _("berakhir")
    parameter_name = duties.ENDING_PARAMETER

    EXPIRING = duties.ENDING_EXPIRING
    STANDARD_ENDING = duties.ENDING_STANDARD

    def lookups(self, request, model_admin):
        return [
            (self.EXPIRING, _("dalam %(days)d hari") % {"days": EXPIRY_NOTICE_DAYS}),
            (
                self.STANDARD_ENDING,
                _("standarnya berakhir dalam %(days)d hari, tanpa sertifikat standar baru")
                % {"days": STANDARD_END_NOTICE_DAYS},
            ),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        today = timezone.localdate()
        if value == self.EXPIRING:
            ending = Certificate.objects.expiring(on=today, within_days=EXPIRY_NOTICE_DAYS)
        elif value == self.STANDARD_ENDING:
            ending = lapsing_standard_certificates(on=today, within_days=STANDARD_END_NOTICE_DAYS)
        else:
            raise IncorrectLookupParameters(value)
        return queryset.filter(pk__in=ending.order_by().values("pk"))


class CertificateCycleMixin:
    """For CertificateAdmin: the next audit column and filters, and the audit schedule page."""

    schedule_template = "admin/certifications/certificate/schedule.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(**cycle_annotations(on=timezone.localdate()))

    def get_list_display(self, request):
        return [*super().get_list_display(request), "next_audit_display"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), NextAuditFilter, EndingFilter]

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_schedule"
        # Before the inherited patterns: "<path:object_id>/" would take "jadwal-audit/" otherwise.
        return [
            path("jadwal-audit/", self.admin_site.admin_view(self.schedule_view), name=name),
            *super().get_urls(),
        ]

    @admin.display(description=_("audit berikutnya"))
    def next_audit_display(self, obj):
        today = timezone.localdate()
        item = next_audit_of(obj, on=today)
        if item is None:
            if obj.issued_on is None or obj.expires_on is None:
                return _("tidak dapat dihitung: tanggal tidak diketahui")
            return _("tidak ada")
        if item.is_overdue(on=today):
            return format_html(
                '<strong class="next-audit-overdue">{} — {} ({})</strong>', item.name, item.due_display, _("terlambat")
            )
        return f"{item.name} — {item.due_display}"

    def schedule_view(self, request):
        """Every certificate's next audit, soonest first; overdue ones first of all and marked."""
        if not request.user.has_perm(f"{self.opts.app_label}.view_{self.opts.model_name}"):
            raise PermissionDenied
        today = timezone.localdate()
        rows = [
            {
                "item": item,
                "overdue": item.is_overdue(on=today),
                "days": item.days_left(on=today),
                "days_late": -item.days_left(on=today),
                "exact": item.precision == DatePrecision.DAY,
            }
            for item in next_audits(on=today)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Jadwal audit sertifikat"),
            "opts": self.opts,
            "today": today,
            "rows": rows,
            "overdue": sum(row["overdue"] for row in rows),
            "due_soon_days": AUDIT_DUE_NOTICE_DAYS,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.schedule_template, context)
