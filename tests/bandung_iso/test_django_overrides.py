"""Our overrides of Django's own Indonesian (locale/id/LC_MESSAGES), in effect on the admin's pages.

The catalogue holds only msgids of Django's admin and auth apps and of django-simple-history:
each must still exist upstream (a renamed msgid would silently stop overriding), and the
committed .mo must be the committed .po compiled.
"""

import gettext
import shutil
import subprocess
from pathlib import Path

import django
import pytest
import simple_history
from django.conf import settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import AgencyFactory

OURS = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES"
CONTRIB = Path(django.__file__).parent / "contrib"
UPSTREAM = {
    "django": [
        CONTRIB / "admin" / "locale" / "id" / "LC_MESSAGES" / "django.mo",
        CONTRIB / "auth" / "locale" / "id" / "LC_MESSAGES" / "django.mo",
        Path(simple_history.__file__).parent / "locale" / "id" / "LC_MESSAGES" / "django.mo",
    ],
    "djangojs": [CONTRIB / "admin" / "locale" / "id" / "LC_MESSAGES" / "djangojs.mo"],
}
MSGFMT = shutil.which("msgfmt") or "/usr/bin/msgfmt"


def msgids(mo: Path) -> set[str]:
    with mo.open("rb") as file:
        catalog = gettext.GNUTranslations(file)._catalog
    return {key[0] if isinstance(key, tuple) else key for key in catalog} - {""}


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_each_override_still_names_an_upstream_string(domain):
    upstream = set().union(*(msgids(mo) for mo in UPSTREAM[domain]))
    assert msgids(OURS / f"{domain}.mo") - upstream == set()


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_committed_mo_is_the_po_compiled(tmp_path, domain):
    compiled = tmp_path / f"{domain}.mo"
    subprocess.run([MSGFMT, "-c", "-o", str(compiled), str(OURS / f"{domain}.po")], check=True)  # noqa: S603
    assert compiled.read_bytes() == (OURS / f"{domain}.mo").read_bytes(), f"run: msgfmt -c -o {domain}.mo {domain}.po"


# --- in effect on the pages ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_two_list_picker_reads_right(staff_client):
    """The agency page's representatives picker takes its words from the admin's JavaScript catalogue."""
    assertContains(staff_client.get(reverse("admin:agencies_agency_add")), reverse("admin:jsi18n"))
    catalogue = staff_client.get(reverse("admin:jsi18n"))

    assert catalogue.status_code == 200
    assertContains(catalogue, "Keluarkan %s dengan menandainya")
    assertContains(catalogue, "Ketik di kotak ini untuk menyaring daftar %s yang terpilih.")
    assertContains(catalogue, "tombol Jalankan")
    for wrong in ("Pindahkan%s", "utnuk", "dar %s", "tombol Buka"):
        assertNotContains(catalogue, wrong)
    # Django's own strings we leave alone still come through.
    assertContains(catalogue, "%s yang tersedia")


@pytest.mark.django_db
def test_the_login_error_names_the_username_once(client):
    response = client.post(reverse("admin:login"), {"username": "tidak-ada", "password": "salah"})

    assertContains(response, "Masukkan nama pengguna dan sandi yang benar untuk akun staf.")
    assertNotContains(response, "nama pengguna nama pengguna")


@pytest.mark.django_db
def test_the_new_user_page_spells_authentication(staff_client):
    response = staff_client.get(reverse("admin:auth_user_add"))

    assertContains(response, "Autentikasi berbasis sandi")
    assertNotContains(response, "Autentidikasi")
    assertNotContains(response, "Diadakan")


@pytest.mark.django_db
def test_the_history_page_is_titled_the_change_history(staff_client):
    agency = AgencyFactory(name="Dinas Pangan")
    response = staff_client.get(reverse("admin:agencies_agency_history", args=[agency.pk]))

    assertContains(response, "Riwayat perubahan: Dinas Pangan")
    assertNotContains(response, "Ubah riwayat")


@pytest.mark.django_db
def test_the_action_button_and_the_view_only_title(staff_client):
    AgencyFactory()
    response = staff_client.get(reverse("admin:agencies_agency_changelist"))

    assertContains(response, ">Jalankan</button>")
    assertNotContains(response, ">Buka</button>")
