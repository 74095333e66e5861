"""Reads of an agency's status on a day, from the stored timeline (``StatusStretch``).

The register, the agency page, the admin and the dashboard ask these; none works the status
out from the certificates again. An agency without a stored stretch on a day never held a
certificate by then: it is "not yet certified".
"""

import datetime

from django.db.models import Exists, FilteredRelation, OuterRef, Q, Value
from django.db.models.functions import Coalesce

from agencies.models import Agency, AgencyStatus

from .models import StatusStretch


def with_status(queryset=None, *, on: datetime.date):
    """``queryset`` (all agencies by default) with ``status``, an ``AgencyStatus``, annotated for ``on``.

    A LEFT JOIN on the one stretch holding that day, so filters, sorting and grouping by
    ``status`` stay one query.
    """
    queryset = Agency.objects.all() if queryset is None else queryset
    stretch = FilteredRelation(
        "status_stretches", condition=Q(status_stretches__starts_on__lte=on, status_stretches__ends_on__gte=on)
    )
    return queryset.annotate(stretch_on_day=stretch).annotate(
        status=Coalesce("stretch_on_day__status", Value(AgencyStatus.NOT_YET))
    )


def certified_on(day: datetime.date) -> Exists:
    """True for an agency certified on ``day``: an expression for filters and annotations over agencies."""
    return Exists(StatusStretch.objects.filter(agency=OuterRef("pk"), status=AgencyStatus.CERTIFIED).on(day))


def certified(queryset=None, *, on: datetime.date):
    """The agencies of ``queryset`` (all by default) certified on ``on``."""
    queryset = Agency.objects.all() if queryset is None else queryset
    return queryset.filter(certified_on(on))


def not_certified(queryset=None, *, on: datetime.date):
    queryset = Agency.objects.all() if queryset is None else queryset
    return queryset.exclude(certified_on(on))


def troubled(*, on: datetime.date):
    """The stretches of agencies suspended or withdrawn on ``on``, with their agency, by name."""
    return (
        StatusStretch.objects.on(on)
        .filter(status__in=[AgencyStatus.SUSPENDED, AgencyStatus.WITHDRAWN])
        .select_related("agency")
        .order_by("agency__name", "agency__pk")
    )
