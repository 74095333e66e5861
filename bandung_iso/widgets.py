"""Form widgets shared by the public pages and the admin."""

from django import forms


class WithoutNul:
    """A widget that never writes a NUL byte back into the page when it shows what was typed."""

    def format_value(self, value):
        value = super().format_value(value)
        return value.replace("\x00", "") if isinstance(value, str) else value


class DayInput(WithoutNul, forms.DateInput):
    """A text box, not type="date": a browser empties a date box holding an impossible day, losing what was typed."""
