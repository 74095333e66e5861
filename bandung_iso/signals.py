"""``records_changed``: the signal of the writes Django sends no per-row signal for.

``QuerySet.update``, ``bulk_create`` and ``bulk_update`` skip ``post_save``. A model whose
writes others must hear of (the page cache, the stored timeline, the dashboard's figures)
takes ``SignallingQuerySet`` as its queryset's base; each app connects its own receivers in
its ``AppConfig.ready()``. Infrastructure: it knows no app.
"""

from django.db import models, router
from django.dispatch import Signal

# Sent after the write, inside its transaction, with sender=the model and:
# using: the database alias; pks: the primary keys written (None when unknown);
# fields: the field names written (None: every field, as for new rows).
records_changed = Signal()


class SignallingQuerySet(models.QuerySet):
    """A queryset whose bulk writes send ``records_changed``."""

    def _changed(self, *, pks, fields) -> None:
        records_changed.send(sender=self.model, using=router.db_for_write(self.model), pks=pks, fields=fields)

    def update(self, **kwargs):
        # The rows are picked before the write: it may change what the filter matches.
        pks = list(self.values_list("pk", flat=True)) if records_changed.has_listeners(self.model) else None
        rows = super().update(**kwargs)
        if rows:
            self._changed(pks=pks, fields=list(kwargs))
        return rows

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            pks = [obj.pk for obj in created]
            self._changed(pks=None if None in pks else pks, fields=None)
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if rows:
            self._changed(pks=[obj.pk for obj in objs], fields=list(fields))
        return rows

    bulk_update.alters_data = True
