"""Request bodies bigger than the view takes are refused from their declared length, before a byte
of the body is read: a 10 GB "predictions" file costs the server one header line, not 10 GB of
temporary disk, and it never reaches memory.

A view that takes files names its limit with ``@upload_limit(setting="SUBMISSION_MAX_BYTES")``;
every other view takes at most ``REQUEST_MAX_BYTES``. The WSGI server hands Django no more of the
body than ``Content-Length`` says, so that header is a real bound, not a hint.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from arena.core.errors import wants_json

# Room for the multipart boundaries and the small form fields sent beside the file.
MULTIPART_SLACK_BYTES = 64 * 1024


def upload_limit(*, setting: str) -> Callable:
    """Marks a view as taking a file of up to ``settings.<setting>`` bytes."""

    def mark(view):
        view.upload_limit_setting = setting
        return view

    return mark


def body_limit_for(view_func, *, may_upload: bool = True) -> tuple[int, int]:
    """(largest request body the view takes, largest file it takes) in bytes.

    ``may_upload`` is False for a request with neither a session nor an API token: the view
    would refuse it anyway, but only after the CSRF check had read (and spooled) its body.
    """
    setting = getattr(view_func, "upload_limit_setting", None)
    if setting is None:
        cls = getattr(view_func, "cls", None)  # Django REST framework's function views
        setting = getattr(cls, "upload_limit_setting", None)
    if setting is None or not may_upload:
        return settings.REQUEST_MAX_BYTES, settings.REQUEST_MAX_BYTES
    file_limit = getattr(settings, setting)
    return file_limit + MULTIPART_SLACK_BYTES, file_limit


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


class RequestSizeLimitMiddleware:
    """Answers 413 to a request whose declared body is bigger than its view takes.

    Runs in ``process_view`` so the limit can depend on the view and the user, and sits after
    the authentication middleware and before the CSRF middleware, whose ``process_view`` would
    otherwise read the form body first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads nothing from a body whose length it cannot parse
        # Tokens are checked by the API view, before it reads the body; a session is known now.
        may_upload = request.user.is_authenticated or "Authorization" in request.headers
        body_limit, file_limit = body_limit_for(view_func, may_upload=may_upload)
        if declared <= body_limit:
            return None
        message = (
            f"The file is larger than the {_megabytes(file_limit)} limit "
            f"({_megabytes(declared)} sent). Nothing was stored."
        )
        return _refusal(request, message=message)


def _refusal(request, *, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "too_large", "message": message}}, status=413)
    if wants_json(request):
        return JsonResponse({"ok": False, "error": message}, status=413)
    page = render_to_string("core/too_large.html", {"message": message}, request=request)
    return HttpResponse(page, status=413)
