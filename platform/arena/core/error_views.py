"""The server-error handler (``handler500``): JSON for the API and scripts, a page for browsers,
and 507 with a plain explanation when the fault is a full disk.

Django calls it from inside the ``except`` block that caught the error, so the exception being
handled is still ``sys.exception()``. It renders without the request context, like Django's own,
since whatever failed may be what a context processor needs.
"""

import errno
import sys

from django.http import HttpResponse, JsonResponse
from django.template import loader

from arena.core.errors import wants_json

# Errors that mean "no room left to write", whichever layer raised them.
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
DISK_FULL_MESSAGE = (
    "Arena's storage is full, so nothing you sent was saved. The organizers have been told by "
    "the error log; please try again later."
)
SERVER_ERROR_MESSAGE = (
    "Something went wrong on our side and the error was logged. Nothing was half-saved: "
    "please try again in a minute."
)


def is_disk_full(error: BaseException | None) -> bool:
    """True when ``error``, or an error it was raised from, is a full disk or quota."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS:
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def server_error(request, template_name: str = "500.html"):
    disk_full = is_disk_full(sys.exception())
    status = 507 if disk_full else 500
    if request.path.startswith("/api/") or wants_json(request):
        code, message = (
            ("storage_full", DISK_FULL_MESSAGE)
            if disk_full
            else ("server_error", SERVER_ERROR_MESSAGE)
        )
        # The pages' upload script reads {"ok": false, "error": "..."}; the API reads "error".
        body = {"error": {"code": code, "message": message}}
        if not request.path.startswith("/api/"):
            body = {"ok": False, "error": message, "code": code}
        return JsonResponse(body, status=status)
    template = "core/storage_full.html" if disk_full else template_name
    return HttpResponse(loader.get_template(template).render(), status=status)
