"""A renamed agency is offered the address of its new name (issue 16, point 3).

Django fills a slug from the name only on the add page. On the change page, when the name no
longer gives the agency's slug (just renamed, or a placeholder renamed before), the form offers
both: keep the address, or take the one made from the name. Staff choose; when they rename and
leave the slug as it was, the form asks. The old slug keeps answering with a 301
(``agencies.former_slugs`` records it on every save).
"""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

KEEP, NEW = "keep", "new"
ADDRESS_FIELD = "address"
CHOOSE_ADDRESS = _("Nama SKPD berubah: pilih apakah alamat publiknya tetap atau ikut berganti.")


def proposed_slug(agency: Agency, name: str | None = None) -> str:
    """The slug of ``name`` (the agency's own by default), or "" when that is the slug it has."""
    slug = slugify(agency.name if name is None else name)
    return "" if slug == agency.slug else slug


def offers_address(agency: Agency | None, posted_name: str | None) -> bool:
    """Whether the change form of ``agency`` offers a new address, for the name posted (if any) or stored."""
    return agency is not None and agency.pk is not None and bool(proposed_slug(agency, posted_name))


class AgencyAddressForm(forms.ModelForm):
    """The agency's change form, with the choice of address when its name gives another slug."""

    address = forms.ChoiceField(label=_("alamat publik"), required=False, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name = self.data.get(self.add_prefix("name")) if self.is_bound else None
        if not offers_address(self.instance, name):
            del self.fields[ADDRESS_FIELD]  # an add form, or a name that gives the slug it has
            return
        self.proposed = proposed_slug(self.instance, name)
        field = self.fields[ADDRESS_FIELD]
        field.choices = [
            (KEEP, gettext("tetap /skpd/%(slug)s/") % {"slug": self.instance.slug}),
            (NEW, gettext("ganti menjadi /skpd/%(slug)s/ (alamat lama dialihkan ke sana)") % {"slug": self.proposed}),
        ]
        field.help_text = _("Nama SKPD tidak lagi sesuai dengan alamat publiknya. Alamat lama tetap dapat dibuka.")

    def clean(self):
        cleaned_data = super().clean()
        if ADDRESS_FIELD not in self.fields or "slug" in self.changed_data:
            return cleaned_data  # no offer, or staff typed the slug they want
        choice = cleaned_data.get(ADDRESS_FIELD)
        if choice == NEW and self.proposed:
            cleaned_data["slug"] = self.proposed
        elif not choice and "name" in self.changed_data:
            self.add_error(ADDRESS_FIELD, CHOOSE_ADDRESS)
        return cleaned_data
