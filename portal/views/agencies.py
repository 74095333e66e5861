"""The public agency register (/skpd/) and an agency's page (/skpd/<slug>/), both "as of" any day."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.db.models.functions import Lower
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from agencies.models import Agency, AgencyStatus
from bandung_iso.public_cache import public_page
from certifications import selectors
from certifications.models import (
    AuditKind,
    Ceremony,
    CertificateState,
    CertificateStatus,
    Finding,
    FindingGrade,
    FindingStatus,
    Programme,
    ProgrammeMember,
)

from ..forms.agencies import DEFAULT_SORT, PER_PAGE, AgencyRegisterForm
from ..params import AsOfForm, BadParameter, bad_request, parse

# The register's parameters in the order their links spell them.
REGISTER_PARAMETERS = ("q", "jenis", "status", "urut", "per", "halaman")

# Sortable columns by their public key for ascending order; descending is the same key with "-".
SORTABLE_COLUMNS = ("nama", "jenis", "status")


def _link(path: str, values: dict) -> str:
    """``path`` with the register's non-empty parameters, URL-encoded, in a fixed order."""
    pairs = []
    for key in REGISTER_PARAMETERS:
        value = values.get(key)
        if value in (None, "") or (key == "urut" and value == DEFAULT_SORT):
            continue
        pairs.append((key, value.isoformat() if isinstance(value, datetime.date) else value))
    return f"{path}?{urlencode(pairs)}" if pairs else path


def _label_statuses(agencies) -> list:
    agencies = list(agencies)
    for agency in agencies:
        agency.status_label = AgencyStatus(agency.status).label
    return agencies


def _sort_header(path: str, base: dict, key: str, current: str) -> dict:
    """A column header's link that sorts by it (a second click reverses) and its aria-sort; page 1 again."""
    if current == key:
        return {"url": _link(path, {**base, "urut": f"-{key}"}), "sort": "ascending"}
    if current == f"-{key}":
        return {"url": _link(path, {**base, "urut": key}), "sort": "descending"}
    return {"url": _link(path, {**base, "urut": key}), "sort": ""}


class _CountedPaginator(Paginator):
    """A paginator told how many rows there are, when the page already knows it."""

    def __init__(self, object_list, per_page, *, count: int | None):
        super().__init__(object_list, per_page)
        if count is not None:
            self.count = count  # instead of Paginator's own COUNT query


def _register_page(params: dict, day, counts: dict[str, int], *, ordering):
    """The page of agencies asked for, each with its status on the day.

    Without a search or a kind, the status counts already say how many rows there are; with
    them, the rows are counted without the status join unless the status is filtered too.
    """
    agencies = Agency.objects.search(params["q"])
    if params["jenis"]:
        agencies = agencies.filter(kind=params["kind"])
    listed = selectors.with_name_on(selectors.with_status(agencies, on=day, only=params["status"] or None), on=day)
    if params["q"] or params["jenis"]:
        count = listed.count() if params["status"] else agencies.count()
    else:
        count = counts[params["status"]] if params["status"] else sum(counts.values())
    paginator = _CountedPaginator(listed.order_by(*ordering), PER_PAGE, count=count)
    return paginator.get_page(params["halaman"])


@require_safe
@public_page
def agency_list(request):
    """Every agency with its kind and its status on the day, searchable, filterable, sortable, paged."""
    try:
        form = parse(AgencyRegisterForm, request)  # shown again with what the visitor typed
    except BadParameter as error:
        return bad_request(request, error)
    params = form.cleaned_data
    as_of = form.as_of()
    day = as_of.day

    # How every agency stands on the day, whatever the search: one query; the programme's target, two.
    counts = selectors.status_counts(on=day)
    programme = Programme.objects.current()
    page = _register_page(params, day, counts, ordering=form.ordering)
    page.object_list = _label_statuses(page.object_list)

    path = request.path
    base = {key: params[key] for key in REGISTER_PARAMETERS if key != "halaman"}
    per_only = {"per": params["per"]}
    context = {
        "form": form,
        "page": page,
        "day": day,
        "chosen": as_of.chosen,
        "today": timezone.localdate(),
        "filtered": bool(params["q"] or params["jenis"] or params["status"]),
        "today_url": _link(path, {**base, "per": None}),
        "reset_url": _link(path, per_only),
        "per_suffix": as_of.query,
        "summary": [
            {
                "status": status,
                "label": status.label,
                "count": counts[status.value],
                "url": _link(path, {**per_only, "status": status.value}),
            }
            for status in AgencyStatus
        ],
        "total": sum(counts.values()),
        "programme": programme,
        "membership": selectors.membership(programme, on=day) if programme else None,
        "sort": {key: _sort_header(path, base, key, params["urut"]) for key in SORTABLE_COLUMNS},
        "pages": [
            {"number": number, "url": _link(path, {**base, "halaman": number}), "current": number == page.number}
            if isinstance(number, int)
            else {"ellipsis": True}
            for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        ],
        "previous_url": _link(path, {**base, "halaman": page.previous_page_number()}) if page.has_previous() else "",
        "next_url": _link(path, {**base, "halaman": page.next_page_number()}) if page.has_next() else "",
    }
    return render(request, "agencies/agency_list.html", context)


def _finding_table(agency) -> dict:
    """Findings counted by grade and status (one grouped query); the text of a finding is not public."""
    counts = {
        (grade, status): n
        for grade, status, n in Finding.objects.filter(audit__agency=agency)
        .order_by()
        .values("grade", "status")
        .annotate(n=Count("pk"))
        .values_list("grade", "status", "n")
    }
    rows = [
        {
            "label": grade.label,
            "cells": [counts.get((grade.value, status.value), 0) for status in FindingStatus],
            "total": sum(counts.get((grade.value, status.value), 0) for status in FindingStatus),
        }
        for grade in FindingGrade
    ]
    return {
        "statuses": [status.label for status in FindingStatus],
        "rows": rows,
        "totals": [
            sum(counts.get((grade.value, status.value), 0) for grade in FindingGrade) for status in FindingStatus
        ],
        "total": sum(counts.values()),
    }


def _moved_or_404(request, slug: str):
    """A former slug answers a permanent redirect to the agency's address today, query string kept."""
    agency = Agency.objects.formerly(slug).first()
    if agency is None:
        raise Http404(gettext("SKPD ini tidak ada."))
    query = request.META.get("QUERY_STRING", "")
    url = agency.get_absolute_url()  # in the language of the address asked for (/en/...)
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


@require_safe
@public_page
def agency_detail(request, slug):
    """One agency: what is known of it, its status on the day, its certificates, audits and finding counts."""
    try:
        form = parse(AsOfForm, request)  # shown again with what the visitor typed
    except BadParameter as error:
        return bad_request(request, error)
    as_of = form.as_of()
    day = as_of.day

    agencies = Agency.objects.select_related("parent", "merged_into").prefetch_related(
        "former_names", Prefetch("memberships", queryset=ProgrammeMember.objects.select_related("programme"))
    )
    agency = selectors.with_status(agencies, on=day).filter(slug=slug).first()
    if agency is None:
        return _moved_or_404(request, slug)
    agency.status_label = AgencyStatus(agency.status).label
    children = _label_statuses(selectors.with_status(agency.children.all(), on=day).order_by(Lower("name"), "pk"))
    certificates = list(
        agency.certificates.select_related("standard", "body").prefetch_related(
            Prefetch("ceremonies", queryset=Ceremony.objects.all())
        )
    )
    for certificate in certificates:
        certificate.state = certificate.state_on(day)
        certificate.state_label = CertificateState(certificate.state).label
        certificate.changed = certificate.status != CertificateStatus.ACTIVE or certificate.status_changed_on
    audits = list(agency.audits.select_related("body"))

    context = {
        "agency": agency,
        "day": day,
        "chosen": as_of.chosen,
        "today": timezone.localdate(),
        "form": form,
        "per_suffix": as_of.query,
        "children": children,
        "certificates": certificates,
        "audits": audits,
        "internal_audit": AuditKind.INTERNAL,
        "findings": _finding_table(agency),
    }
    return render(request, "agencies/agency_detail.html", context)
