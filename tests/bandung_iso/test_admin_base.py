import pytest

from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/certifications/certificate/add/?agency=abc",
        "/admin/certifications/audit/add/?agency=abc&certificate=x&standard=1.5",
        "/admin/certifications/finding/add/?audit=abc&verified_by=zz",
        "/admin/agencies/agency/add/?parent=abc",
        "/admin/certifications/ceremony/add/?certificates=abc",
    ],
)
def test_a_prefilled_key_of_the_wrong_type_leaves_the_field_empty(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert not any(form.initial.get(name) for name in ("agency", "certificate", "audit", "parent", "certificates"))


def test_a_valid_prefilled_key_is_kept(staff_client):
    agency = AgencyFactory()
    response = staff_client.get(f"/admin/certifications/certificate/add/?agency={agency.pk}")
    assert response.context["adminform"].form.initial["agency"] == str(agency.pk)
