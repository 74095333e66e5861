"""The statuses a certificate is recorded with, and the standing it has on a day.

Their own module so that the rule (``certifications.timeline``) and the models both import
them without importing each other.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateStatus(models.TextChoices):
    ACTIVE = "active", _("aktif")
    SUSPENDED = "suspended", _("dibekukan")
    WITHDRAWN = "withdrawn", _("dicabut")


class CertificateState(models.TextChoices):
    """A certificate's standing on one day, as the public certificate check answers it."""

    VALID = "valid", _("berlaku")
    SUSPENDED = "suspended", _("dibekukan")
    WITHDRAWN = "withdrawn", _("dicabut")
    EXPIRED = "expired", _("kedaluwarsa")
    STANDARD_LAPSED = "standard_lapsed", _("standarnya tidak berlaku lagi")
    NOT_YET_VALID = "not_yet_valid", _("belum berlaku")
    # Issued, its expiry unknown and nothing recorded ends it: perhaps in force, perhaps not.
    VALIDITY_UNKNOWN = "validity_unknown", _("masa berlaku tidak diketahui")
    UNKNOWN = "unknown", _("tidak dapat dipastikan (tanggal tidak diketahui)")
