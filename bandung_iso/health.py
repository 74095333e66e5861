"""Probes for the load balancer and the process manager: /healthz (alive) and /readyz (ready).

/healthz says only that the process answers: no database, no cache, so a database outage
never gets healthy processes restarted. /readyz asks django-health-check's Database and
Cache checks (a ``SELECT 1`` on a connection of its own, a set and get of a probe key) and
answers 503 with a short JSON body naming what failed. Neither is ever cached.
"""

import asyncio

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from health_check.checks import Cache, Database
from health_check.views import HealthCheckView


@never_cache
@require_safe
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


class ReadinessView(HealthCheckView):
    """django-health-check's view, answering one short JSON body whatever the Accept header.

    The library answers 500 on failure and names each check by its repr; a load balancer
    expects 503, and the body names only the part ("database", "cache"): the reasons, which
    may carry host names, go to the "health_check" logger, not to whoever asks.
    """

    checks = ((Database, {"alias": "default"}), (Cache, {"alias": "default"}))
    names = {Database: "database", Cache: "cache"}
    http_method_names = ["get", "head"]  # View answers HEAD with get(); anything else is 405.

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        checks = {self.names[type(result.check)]: "unavailable" if result.error else "ok" for result in results}
        failed = [name for name, state in checks.items() if state != "ok"]
        body = (
            {"status": "unavailable", "failed": failed, "checks": checks}
            if failed
            else {"status": "ok", "checks": checks}
        )
        return JsonResponse(body, status=503 if failed else 200)


readyz = ReadinessView.as_view()
