"""Every API error is JSON: {"error": {"code": "...", "message": "..."}}."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from arena.core.errors import UserFacingError


def _message(detail) -> str:
    if isinstance(detail, dict):
        return " ".join(f"{field}: {_message(value)}" for field, value in detail.items())
    if isinstance(detail, list):
        return " ".join(_message(item) for item in detail)
    return str(detail)


def api_exception_handler(exc, context):
    if isinstance(exc, UserFacingError):
        body = {"code": "refused", "message": exc.message}
        if exc.field:
            body["field"] = exc.field
        return Response({"error": body}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "You may not do this.")
    response = exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500 handling and logging take over
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if not isinstance(code, str):
        code = "invalid"
    response.data = {"error": {"code": code, "message": _message(response.data)}}
    return response
