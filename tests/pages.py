"""The public pages to visit in tests that cover every one of them (headers, CSP)."""

from agencies.models import Agency
from certifications.models import Ceremony
from tests.factories import CertificationBodyFactory, CurrentCertificateFactory


def public_pages() -> list[str]:
    """Every public page in both languages, over the loaded initial data plus one current certificate."""
    agency = Agency.objects.order_by("slug").first()
    ceremony = Ceremony.objects.order_by("slug").first()
    body = CertificationBodyFactory(name="Lembaga Uji")
    CurrentCertificateFactory(number="UJI/2024/01", body=body, agency=agency)
    pages = [
        "/",
        "/?per=2013-12-31",
        "/tentang-data/",
        "/skpd/",
        f"/skpd/{agency.slug}/",
        "/verifikasi/",
        f"/verifikasi/?nomor=UJI%2F2024%2F01&lembaga={body.pk}",
        "/verifikasi/?nomor=TIDAK-ADA",
        "/upacara/",
        f"/upacara/{ceremony.slug}/",
    ]
    return pages + ["/en" + page for page in pages]
