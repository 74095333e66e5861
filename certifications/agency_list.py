"""The city's SKPD list imported into the programme: the agency spreadsheet (``agencies.resources``)
plus what only this layer knows, the programme the list counts toward.

- An agency the list adds is an SKPD of the city: it joins the current programme's members
  (from no known day, for the reason the row's source gives), so "not yet listed" shrinks by
  one; staff end or remove the membership in the admin where the city says otherwise. An agency
  already stored, a placeholder merged included, keeps the memberships it has.
- The preview (and the confirmation) says where the programme would stand once the file is in:
  its members by what is known of them today, and a warning when the records would count more
  certified SKPD than the programme's report gives for its period (an agency counted twice).
  Both are read inside the import's transaction, so a preview shows them and leaves nothing.
"""

from django.utils import timezone

from agencies.resources import AgencyResource

from . import selectors
from .models import Programme, ProgrammeMember


class CityListResource(AgencyResource):
    programme: Programme | None = None
    added: list

    def before_import(self, dataset, **kwargs):
        self.programme = Programme.objects.current()  # once a file, not once a row
        self.added = []
        super().before_import(dataset, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        instance.joins_programme = instance.pk is None

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        if getattr(instance, "joins_programme", False):
            self.added.append(instance)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        programme = result.programme = self.programme
        if programme is not None and self.added and not result.has_errors() and not result.has_validation_errors():
            # One insert for the file: the page cache and the figures hear of it once.
            ProgrammeMember.objects.bulk_create(
                ProgrammeMember(programme=programme, agency=agency, source=agency.source) for agency in self.added
            )
        if programme is not None:
            result.membership = selectors.membership(programme, on=timezone.localdate())
            result.report_exceeded = selectors.report_exceeded(programme)
