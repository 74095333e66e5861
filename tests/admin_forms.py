"""Admin forms posted back as a browser would send them."""

import datetime


def as_posted(form) -> dict:
    """Every field of ``form`` as a browser posts it unchanged: ticked boxes "on", unticked and empty ones left out."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        key = form.add_prefix(name)
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        elif isinstance(value, datetime.date):
            data[key] = value.isoformat()
        else:
            data[key] = str(value)
    return data


def change_form_data(response) -> dict:
    """What an admin change form posts when saved as shown, its inlines included."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    return {key: value for form in forms for key, value in as_posted(form).items()}
