"""Security headers Django has no setting for: the admin's Content-Security-Policy and Permissions-Policy.

The policies themselves are settings (settings/base.py, "Security headers"); this module only applies them.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


def is_admin(request) -> bool:
    """The request was routed to the admin site (its pages, simple-history's views, jsi18n, autocomplete)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and "admin" in match.namespaces


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with CONTENT_SECURITY_POLICY_ADMIN replacing directives on the admin's pages.

    Public pages keep the strict policy; only what the admin needs is relaxed, and only there.
    A view's own @csp_replace / @csp_update decorators still win over both.
    """

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and is_admin(request):
            parts.replace = {**settings.CONTENT_SECURITY_POLICY_ADMIN, **(parts.replace or {})}
        return parts


class PermissionsPolicyMiddleware:
    """Permissions-Policy from the PERMISSIONS_POLICY setting: {feature: [allowed origins]}, [] for none."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
