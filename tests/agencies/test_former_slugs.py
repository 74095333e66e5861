"""Former slugs: kept whenever an agency's slug changes, never given to another agency."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from agencies.models import SLUG_TAKEN_BEFORE, Agency, FormerSlug
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def former(agency) -> list[str]:
    return sorted(agency.former_slugs.values_list("slug", flat=True))


def test_a_changed_slug_is_kept_as_a_former_one():
    agency = AgencyFactory(slug="dinas-a")
    agency.slug = "dinas-b"
    agency.save()
    agency.slug = "dinas-c"
    agency.save()
    assert former(agency) == ["dinas-a", "dinas-b"]
    assert str(agency.former_slugs.get(slug="dinas-a")) == "dinas-a → dinas-c"


def test_an_unchanged_save_and_a_new_agency_keep_nothing():
    agency = AgencyFactory(slug="dinas-a")
    agency.name = "Dinas A yang baru"
    agency.save()
    assert FormerSlug.objects.count() == 0


def test_going_back_to_a_former_slug_makes_it_current_again():
    agency = AgencyFactory(slug="dinas-a")
    agency.slug = "dinas-b"
    agency.save()
    agency.slug = "dinas-a"
    agency.save()
    assert former(agency) == ["dinas-b"]


def test_another_agencys_former_slug_is_refused_by_full_clean():
    moved = AgencyFactory(slug="dinas-a")
    moved.slug = "dinas-b"
    moved.save()
    newcomer = Agency(name="Dinas Baru", slug="dinas-a", source="Data uji")
    with pytest.raises(ValidationError) as error:
        newcomer.full_clean()
    assert error.value.message_dict == {"slug": [str(SLUG_TAKEN_BEFORE)]}


def test_another_agencys_former_slug_is_refused_by_any_save():
    moved = AgencyFactory(slug="dinas-a")
    moved.slug = "dinas-b"
    moved.save()
    other = AgencyFactory(slug="dinas-c")
    other.slug = "dinas-a"
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.create(name="Dinas Baru", slug="dinas-a", source="Data uji")
    assert Agency.objects.get(pk=other.pk).slug == "dinas-c"


def test_a_former_slug_is_unique_in_the_database():
    first, second = AgencyFactory(), AgencyFactory()
    FormerSlug.objects.create(agency=first, slug="lama")
    with pytest.raises(ValidationError) as error:
        FormerSlug(agency=second, slug="lama").full_clean()
    assert error.value.message_dict == {"slug": ["Slug lama ini sudah tercatat untuk SKPD lain."]}
    with pytest.raises(IntegrityError), transaction.atomic():
        FormerSlug.objects.create(agency=second, slug="lama")


def test_a_former_slug_has_text_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        FormerSlug.objects.create(agency=AgencyFactory(), slug="  ")


def test_a_current_slug_cannot_be_recorded_as_a_former_one():
    current = AgencyFactory(slug="dinas-a")
    with pytest.raises(ValidationError) as error:
        FormerSlug(agency=AgencyFactory(), slug=current.slug).full_clean()
    assert "slug" in error.value.message_dict


def test_with_slug_or_former_and_formerly_find_the_agency_either_way():
    agency = AgencyFactory(slug="dinas-a")
    agency.slug = "dinas-b"
    agency.save()
    assert list(Agency.objects.with_slug_or_former("dinas-a")) == [agency]
    assert list(Agency.objects.with_slug_or_former("dinas-b")) == [agency]
    assert list(Agency.objects.formerly("dinas-a")) == [agency]
    assert list(Agency.objects.formerly("dinas-b")) == []


def test_placeholders_are_found_by_their_slug():
    placeholder = AgencyFactory(slug="skpd-belum-teridentifikasi-07", name_confirmed=False)
    AgencyFactory(slug="skpd-belum-teridentifikasi-lain")
    assert list(Agency.objects.placeholders()) == [placeholder]
    assert placeholder.placeholder_number == 7
    assert AgencyFactory(slug="dinas-x").placeholder_number is None


INLINES = ("certificates", "memberships", "former_names")  # the agency form's inline formsets


def test_a_slug_changed_in_the_admin_is_kept_and_shown(admin_client):
    agency = AgencyFactory(slug="dinas-a", name="Dinas A")
    url = reverse("admin:agencies_agency_change", args=[agency.pk])
    data = {
        "name": "Dinas A",
        "short_name": "",
        "slug": "dinas-a-baru",
        "kind": "department",
        "parent": "",
        "is_active": "on",
        "name_confirmed": "on",
        "source": "Data uji",
        "notes": "",
        "certification_reported": "unknown",
        **{f"{inline}-{count}_FORMS": "0" for inline in INLINES for count in ("TOTAL", "INITIAL")},
    }
    assert admin_client.post(url, data).status_code == 302
    assert former(agency) == ["dinas-a"]
    assert '<div class="readonly">dinas-a</div>' in admin_client.get(url).content.decode()
    other = AgencyFactory(slug="dinas-b", name="Dinas B")
    response = admin_client.post(
        reverse("admin:agencies_agency_change", args=[other.pk]), {**data, "name": "Dinas B", "slug": "dinas-a"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [str(SLUG_TAKEN_BEFORE)]
    assert Agency.objects.get(pk=other.pk).slug == "dinas-b"
