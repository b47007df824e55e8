"""The page where a user creates and revokes personal API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from arena.api import services
from arena.core.errors import UserFacingError


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    new_key = None
    if request.method == "POST":
        try:
            token, new_key = services.api_token_create(
                user=request.user, name=request.POST.get("name", "")
            )
            messages.success(
                request, f"Token “{token.name}” created. Copy it now: it is shown once."
            )
        except UserFacingError as refusal:
            messages.error(request, refusal.message)
    return render(
        request,
        "api/tokens.html",
        {
            "tokens": request.user.api_tokens.all(),
            "new_key": new_key,
            "site": request.build_absolute_uri("/").rstrip("/"),
        },
    )


@login_required
@require_POST
def token_revoke(request, token_id: int):
    try:
        services.api_token_revoke(user=request.user, token_id=token_id)
        messages.success(request, "Token revoked; programs using it are refused from now on.")
    except UserFacingError as refusal:
        messages.error(request, refusal.message)
    return redirect("api:tokens")
