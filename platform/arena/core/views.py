from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from arena.core.health import health_report
from arena.core.status import platform_status


@never_cache
@require_GET
def healthz(request):
    """200 when the database, the broker and storage all answer; 503 naming what did not."""
    report = health_report()
    healthy = all(state == "ok" for state in report.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", **report}, status=200 if healthy else 503
    )


@login_required
@require_GET
def platform_status_page(request):
    """Staff see how the queues and workers are doing.

    Not organizers: the counts span every competition, and organizing one gives no claim on
    the others' activity.
    """
    if not (request.user.is_staff or request.user.is_superuser):
        raise PermissionDenied("Only staff see the platform's status.")
    return render(
        request,
        "core/status.html",
        {"status": platform_status(), "alive_seconds": settings.WORKER_ALIVE_SECONDS},
    )
