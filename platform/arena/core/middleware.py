"""A database outage answers 503 with a plain message instead of a server error page."""

import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

from arena.core.errors import wants_json

logger = logging.getLogger(__name__)
MESSAGE = "The database is briefly unavailable. Nothing was saved; please try again in a minute."


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Connection-level failures only: a bad query is a bug and keeps its 500.
        if not isinstance(exception, OperationalError | InterfaceError) or not _is_outage(
            exception
        ):
            return None
        logger.warning("database unavailable for %s: %s", request.path, type(exception).__name__)
        if request.path.startswith("/api/") or wants_json(request):
            response = JsonResponse(
                {"error": {"code": "database_unavailable", "message": MESSAGE}}, status=503
            )
        else:
            response = HttpResponse(MESSAGE, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "30"
        return response


def _is_outage(exception: DatabaseError) -> bool:
    text = str(exception).lower()
    return isinstance(exception, InterfaceError) or any(
        sign in text
        for sign in ("connection", "terminating", "shutting down", "starting up", "server closed")
    )


class ContentSecurityPolicyMiddleware:
    """Sends ``settings.CONTENT_SECURITY_POLICY`` with every response that has none.

    Every script is a vendored file and no template has an inline script or handler, so the
    policy allows scripts from this site only: an injected ``<script>`` or ``onerror=`` would not
    run even if some name escaped escaping.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
