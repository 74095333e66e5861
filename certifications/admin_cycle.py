"""The certification cycle in the admin: next audit due per certificate.

Placeholder: filled in by the cycle work (see the brief).
"""


class CertificateCycleMixin:
    pass
