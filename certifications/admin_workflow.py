"""Admin actions that go through the workflow services, and deletions refused for records with findings.

Placeholder: filled in by the workflow work (see the brief).
"""


class RefuseDeleteWithFindingsMixin:
    pass


class CertificateStatusActionsMixin:
    pass


class FindingVerificationActionsMixin:
    pass
