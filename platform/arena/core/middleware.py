"""Site-wide answers: HEAD as GET without a body, a database outage as 503, the CSP header."""

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


class HeadAsGetMiddleware:
    """Answers HEAD exactly as GET, without the body, for every view.

    Views say ``require_GET`` or ``@api_view(["GET"])`` and would answer HEAD with 405, which
    breaks link checkers and monitors. HEAD must be GET without a body (RFC 9110, 9.3.2), and
    GET is safe here, so running the view as GET has no effect a GET would not have. First in
    MIDDLEWARE, so every other layer (sessions, CSRF, security headers) sees a plain GET.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "HEAD":
            return self.get_response(request)
        # Only the attribute: request.META is the WSGI environ, from which the server learns
        # that this is a HEAD and so that it must not send a body.
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if response.streaming:
            # The stream is never read, so a file download or a generated export costs nothing.
            # Its iterator and file stay registered with the response, which closes them when
            # the server closes it; Content-Length stays where the view knew the size.
            response.streaming_content = []
        else:
            response.headers.setdefault("Content-Length", str(len(response.content)))
            response.content = b""
        return response
