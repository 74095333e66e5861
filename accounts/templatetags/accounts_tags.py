import datetime
import math

from django import template

register = template.Library()


@register.filter
def whole_minutes(value) -> int:
    """A timedelta as whole minutes, rounded up (a 90-second wait is 2 minutes, never 1)."""
    if not isinstance(value, datetime.timedelta):
        return 0
    return max(1, math.ceil(value.total_seconds() / 60))
