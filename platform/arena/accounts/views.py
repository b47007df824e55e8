from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from arena.accounts.forms import SignUpForm
from arena.accounts.services import (
    login_failure_record,
    login_failures_clear,
    login_is_locked,
)


@require_http_methods(["GET", "POST"])
def signup(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.user.is_authenticated:
        return redirect(next_url or "competitions:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}! Pick a competition to join.")
        return redirect(next_url or "competitions:home")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


class RateLimitedLoginView(LoginView):
    """Django's login view, refusing further attempts for a while after repeated failures."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def _who(self) -> dict:
        return {
            "username": self.request.POST.get("username", ""),
            "address": self.request.META.get("REMOTE_ADDR", ""),
        }

    def post(self, request, *args, **kwargs):
        if login_is_locked(**self._who()):
            form = self.get_form()
            minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
            form.errors.clear()
            form.add_error(
                None,
                f"Too many failed attempts. Wait {minutes} minutes and try again, or reset "
                "your password with an organizer.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        login_failure_record(**self._who())
        return super().form_invalid(form)

    def form_valid(self, form):
        login_failures_clear(**self._who())
        return super().form_valid(form)
