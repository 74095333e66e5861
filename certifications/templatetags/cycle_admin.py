"""The admin index's "Perlu tindakan" panel: the user's to-do (``certifications.duties``), counted, with links.

``needs_attention(user, on=)`` is the to-do for a chosen day, the one the daily mail reads
too; the ``{% needs_attention_panel %}`` tag renders it for the logged-in user on
``attention_day()``.
"""

import datetime

from django import template
from django.utils import timezone

from certifications.duties import Duties, duties_for

register = template.Library()


def attention_day() -> datetime.date:
    """The day the panel reports: today where the portal is."""
    return timezone.localdate()


def needs_attention(user, *, on: datetime.date) -> Duties:
    """What ``user`` is asked to act on, on ``on``: nothing shown for users without a role."""
    return duties_for(user, on=on)


@register.inclusion_tag("admin/certifications/certificate/needs_attention.html", takes_context=True)
def needs_attention_panel(context, on: datetime.date | None = None):
    """``{% needs_attention_panel %}`` for the request's user; ``on`` defaults to ``attention_day()``."""
    return {"panel": needs_attention(context["request"].user, on=on or attention_day())}
