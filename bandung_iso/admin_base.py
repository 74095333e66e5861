"""What every ModelAdmin of the portal shares."""

from django.core.exceptions import FieldDoesNotExist, ValidationError


class SafeInitialDataMixin:
    """Drop prefilled values (``?agency=abc`` on an add page) that are not a valid key.

    Django turns the query string into the add form's initial data and looks related rows up
    with it; a value of the wrong type there is a server error instead of an empty field.
    """

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:  # not a model field: the form ignores it too
                continue
            if not field.is_relation:
                continue
            target = field.target_field
            values = value if isinstance(value, list) else [value]
            try:
                for item in values:
                    target.to_python(item)
            except ValidationError:
                del initial[name]
        return initial
