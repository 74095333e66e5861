import re
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from agencies.models import Agency
from bandung_iso import admin_base
from bandung_iso.admin_base import ModelErrorsForm, add_model_errors
from tests.factories import AgencyFactory, CertificateFactory, CurrentCertificateFactory

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


# --- A model's errors on any model form ------------------------------------------------------------


class AgencyNameForm(forms.ModelForm):
    """A plain model form that holds two fields of the model: the others' errors have nowhere to go."""

    class Meta:
        model = Agency
        fields = ["name", "source"]


DATA = {"name": "Dinas Pendidikan", "source": "Daftar SKPD Kota Bandung"}


def test_an_error_on_a_field_the_form_lacks_is_shown_above_it_with_the_fields_name():
    form = AgencyNameForm(data=DATA)
    assert form.is_valid()
    add_model_errors(form, ValidationError({"name": "Nama sudah dipakai.", "slug": "Slug sudah dipakai."}))
    assert form.errors["name"] == ["Nama sudah dipakai."]
    assert form.non_field_errors() == [f"{capfirst(Agency._meta.get_field('slug').verbose_name)}: Slug sudah dipakai."]


def test_an_error_without_a_field_is_shown_above_the_form():
    form = AgencyNameForm(data=DATA)
    assert form.is_valid()
    add_model_errors(form, ValidationError("Ditolak."))
    assert form.non_field_errors() == ["Ditolak."]


def test_model_errors_form_and_add_model_errors_show_the_same_thing():
    class Form(ModelErrorsForm):
        class Meta:
            model = Agency
            fields = ["name", "source"]

    error = ValidationError({"slug": "Slug sudah dipakai.", "__all__": "Ditolak."})
    plain, shared = AgencyNameForm(data=DATA), Form(data=DATA)
    assert plain.is_valid() and shared.is_valid()
    add_model_errors(plain, error)
    shared.add_error(None, error)
    assert plain.errors == shared.errors


# --- The yes/no filter -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "parameter"),
    [("/admin/agencies/agency/", "sertifikat_hari_ini"), ("/admin/certifications/certificate/", "berlaku_hari_ini")],
)
def test_a_yes_no_filter_offers_ya_and_tidak_and_ignores_anything_else(staff_client, url, parameter):
    CurrentCertificateFactory()
    CertificateFactory()  # ISO 9001:2008: lapsed in 2018
    every = staff_client.get(url).context["cl"].result_count
    counts = {value: staff_client.get(url, {parameter: value}).context["cl"].result_count for value in ("ya", "tidak")}
    assert counts == {"ya": 1, "tidak": every - 1}
    response = staff_client.get(url, {parameter: "mungkin"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == every


def test_the_shared_admin_module_imports_no_app():
    """Infrastructure: the apps build on it, so it may not import any of them."""
    source = Path(admin_base.__file__).read_text(encoding="utf-8")
    imported = re.findall(r"^\s*(?:from|import) (\w+)", source, flags=re.MULTILINE)
    assert not set(imported) & {"accounts", "agencies", "certifications", "portal", "reminders"}
