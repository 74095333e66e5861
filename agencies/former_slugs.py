"""An agency's old slugs, kept whenever its slug changes, so old public addresses keep working.

Receivers on the agency's own saves, whoever makes them (the admin's change form, the import,
a revert in the history, ``save()`` in a shell): a changed slug leaves a ``FormerSlug`` row
for the old one, and a slug given back drops its row. A save giving an agency another
agency's former slug is refused (``IntegrityError``), as a constraint across the two tables
would; ``Agency.clean()`` says the same kindly on every form and import. Bulk writes
(``QuerySet.update(slug=...)``) are not seen: nothing in the portal changes slugs that way.

Connected in ``AgenciesConfig.ready()``.
"""

from django.db import IntegrityError
from django.db.models.signals import post_save, pre_save

from .models import SLUG_TAKEN_BEFORE, Agency, FormerSlug


def _remember_slug(sender, instance, raw=False, using=None, **kwargs):
    if raw:  # loaddata: fixtures carry their own rows
        return
    taken = FormerSlug.objects.using(using).filter(slug=instance.slug).exclude(agency_id=instance.pk)
    if instance.slug and taken.exists():
        raise IntegrityError(f"{SLUG_TAKEN_BEFORE} ({instance.slug})")
    stored = None
    if instance.pk is not None:
        stored = Agency.objects.using(using).filter(pk=instance.pk).values_list("slug", flat=True).first()
    instance._slug_before_save = stored


def _record_former_slug(sender, instance, created=False, raw=False, using=None, **kwargs):
    before = getattr(instance, "_slug_before_save", None)
    if raw or not before or before == instance.slug:
        return
    former = FormerSlug.objects.using(using)
    former.filter(agency=instance, slug=instance.slug).delete()  # back to one of its old slugs
    former.get_or_create(slug=before, defaults={"agency": instance})


def connect() -> None:
    pre_save.connect(_remember_slug, sender=Agency, dispatch_uid="agency-slug-before")
    post_save.connect(_record_former_slug, sender=Agency, dispatch_uid="agency-slug-former")
