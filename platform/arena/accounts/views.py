from django.contrib import admin, messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from arena.accounts.backends import LOCKOUT_ATTRIBUTE
from arena.accounts.forms import LoginForm, SignUpForm
from arena.accounts.services import TooManyAttempts, account_create
from arena.core.client_address import client_address, client_network


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
