from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from arena.accounts.backends import LOCKOUT_ATTRIBUTE
from arena.accounts.services import duration_text


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional; for password resets later.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]


class LockoutMessageMixin:
    """Says how long to wait when the login throttle (accounts/backends.py) refused the attempt,
    instead of claiming the password was wrong."""

    def get_invalid_login_error(self):
        seconds = getattr(self.request, LOCKOUT_ATTRIBUTE, 0) if self.request else 0
        if not seconds:
            return super().get_invalid_login_error()
        return ValidationError(
            f"Too many failed attempts. Wait {duration_text(seconds)} and try again, or reset "
            "your password with an organizer.",
            code="locked_out",
        )


class LoginForm(LockoutMessageMixin, AuthenticationForm):
    pass


class AdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass
