"""People by name in templates: ``{{ user|person_name }}`` (``display.person_name``)."""

from django import template

from bandung_iso import display

register = template.Library()


@register.filter
def person_name(user) -> str:
    return display.person_name(user)
