from django.contrib import admin, messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from arena.accounts.backends import LOCKOUT_ATTRIBUTE
from arena.accounts.forms import (
    EmailForm,
    LoginForm,
    NoticePreferencesForm,
    SignUpForm,
    VerifiedPasswordResetForm,
)
from arena.accounts.mail import NOTICE_KINDS, profile_for, verified_address
from arena.accounts.services import (
    TooManyAttempts,
    account_create,
    email_change,
    email_verification_send,
    email_verify,
    notice_preferences_update,
)
from arena.core.client_address import client_address, client_network
from arena.core.errors import UserFacingError


@require_http_methods(["GET", "POST"])
def signup(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.user.is_authenticated:
        return redirect(next_url or "competitions:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_create(
                username=form.cleaned_data["username"],
                email=form.cleaned_data.get("email") or "",
                password=form.cleaned_data["password1"],
                address=client_network(client_address(request)),
            )
        except TooManyAttempts as refusal:
            form.add_error(None, refusal.message)
            response = render(
                request, "accounts/signup.html", {"form": form, "next": next_url}, status=429
            )
            response["Retry-After"] = str(refusal.retry_after)
            return response
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}! Pick a competition to join.")
        if user.email:
            _send_verification(request, user)
        return redirect(next_url or "competitions:home")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


def _lockout_status(request, response):
    # The refusal itself happened in the authentication backend; this only makes it a 429.
    seconds = getattr(request, LOCKOUT_ATTRIBUTE, 0)
    if seconds:
        response.status_code = 429
        response["Retry-After"] = str(seconds)
    return response


class RateLimitedLoginView(LoginView):
    """Django's login view; the throttle is in accounts/backends.py, shared by every login."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        return _lockout_status(self.request, super().form_invalid(form))


def admin_login(request):
    """The admin's own login page (its form says how long a lockout lasts), answering 429 while
    the login throttle refuses, like the site's login page."""
    return _lockout_status(request, admin.site.login(request))


def _send_verification(request, user) -> None:
    def link_for(token: str) -> str:
        return request.build_absolute_uri(reverse("accounts:verify_email", args=[token]))

    try:
        sent = email_verification_send(user=user, link_for=link_for)
    except UserFacingError as refusal:
        messages.warning(request, refusal.message)
        return
    if sent:
        messages.info(
            request,
            f"We sent a link to {user.email}: open it to verify your e-mail address. Until then "
            "nothing else is e-mailed to it (no password resets, no notices).",
        )
    else:
        messages.error(
            request,
            f"We could not send the verification e-mail to {user.email} just now. Try again "
            "from your account settings in a few minutes.",
        )


@require_GET
def verify_email(request, token: str):
    """The link in the verification e-mail; works signed in or not (the token names the user)."""
    try:
        user = email_verify(token=token)
    except UserFacingError as refusal:
        return render(
            request, "accounts/verify_failed.html", {"reason": refusal.message}, status=400
        )
    messages.success(request, f"Your e-mail address {user.email} is verified. Thank you!")
    if request.user.is_authenticated:
        return redirect("accounts:settings")
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    """The signed-in user's e-mail address, its verification, and which notices to e-mail."""
    user = request.user
    profile = profile_for(user=user)
    email_form = EmailForm(initial={"email": user.email}, prefix="address")
    notices_form = NoticePreferencesForm(
        initial={kind: getattr(profile, kind) for kind in NOTICE_KINDS}, prefix="notices"
    )
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "email":
        email_form = EmailForm(request.POST, prefix="address")
        if email_form.is_valid():
            email = email_form.cleaned_data["email"]
            if email_change(user=user, email=email) and email:
                _send_verification(request, user)
            elif not email:
                messages.success(request, "Your account has no e-mail address now.")
            else:
                messages.info(request, "That is your address already.")
            return redirect("accounts:settings")
    elif action == "verify":
        if user.email and not verified_address(user=user):
            _send_verification(request, user)
        return redirect("accounts:settings")
    elif action == "notices":
        notices_form = NoticePreferencesForm(request.POST, prefix="notices")
        if notices_form.is_valid():
            notice_preferences_update(user=user, choices=notices_form.cleaned_data)
            messages.success(request, "Your e-mail choices are saved.")
            return redirect("accounts:settings")
    elif action is not None:
        messages.error(request, "That request was not understood; use the buttons below.")
    return render(
        request,
        "accounts/settings.html",
        {
            "email_form": email_form,
            "notices_form": notices_form,
            "verified": bool(verified_address(user=user)),
        },
    )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = VerifiedPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:settings")

    def form_valid(self, form):
        messages.success(self.request, "Your password is changed; you stay signed in here.")
        return super().form_valid(form)
