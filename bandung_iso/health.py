"""Probes for the load balancer and the process manager: /healthz (alive) and /readyz (ready).

/healthz says only that the process answers: no database, no cache, so a database outage
never gets healthy processes restarted. /readyz asks django-health-check's Database and
Cache checks (a ``SELECT 1`` on a connection of its own, a set and get of a probe key) and
answers 503 with a short JSON body naming what failed. Neither is ever cached.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from django.http import HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from health_check.checks import Cache, Database


@never_cache
@require_safe
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def run_checks(checks: list) -> list:
    """django-health-check's checks, run to completion from synchronous code.

    Its checks are coroutines meant for its async view; an async view served through
    WSGI is run with async_to_sync, which refuses a thread where an event loop already
    runs. A short-lived thread of their own gives them a fresh loop whatever runs here.
    """

    async def gather():
        return await asyncio.gather(*(check.get_result() for check in checks))

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, gather()).result()


@method_decorator(never_cache, name="dispatch")
class ReadinessView(View):
    """The database and cache checks of django-health-check, as one short JSON body.

    The library's own view answers 500 on failure and names each check by its repr; a load
    balancer expects 503, and the body names only the part ("database", "cache"): the
    reasons, which may carry host names, go to the "health_check" logger, not to whoever asks.
    """

    checks = ((Database, {"alias": "default"}), (Cache, {"alias": "default"}))
    names = {Database: "database", Cache: "cache"}
    http_method_names = ["get", "head"]  # View answers HEAD with get(); anything else is 405.

    def get(self, request, *args, **kwargs):
        results = run_checks([check(**options) for check, options in self.checks])
        checks = {self.names[type(result.check)]: "unavailable" if result.error else "ok" for result in results}
        failed = [name for name, state in checks.items() if state != "ok"]
        body = (
            {"status": "unavailable", "failed": failed, "checks": checks}
            if failed
            else {"status": "ok", "checks": checks}
        )
        return JsonResponse(body, status=503 if failed else 200)


readyz = ReadinessView.as_view()
