from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError

from arena.accounts.backends import LOCKOUT_ATTRIBUTE
from arena.accounts.mail import NOTICE_KINDS, verified_address
from arena.accounts.models import Profile
from arena.accounts.services import duration_text

RESET_MAIL_INTERVAL_SECONDS = 60
EMAIL_MAX = 254  # the longest address SMTP carries (RFC 5321), and User.email's column


class AddressField(forms.EmailField):
    """An e-mail address, refused in words when it is too long or holds a line break (which
    could smuggle a header into a message) before Django's own checks run."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", EMAIL_MAX)
        super().__init__(**kwargs)
        self.error_messages["invalid"] = (
            "Enter an e-mail address like name@example.org (one @, a domain with a dot)."
        )

    def to_python(self, value):
        value = value if isinstance(value, str) else ("" if value is None else str(value))
        if any(c in value for c in "\r\n\x00"):
            raise ValidationError(
                "An e-mail address is one line: remove the line break.", code="line_break"
            )
        if len(value.strip()) > EMAIL_MAX:
            raise ValidationError(
                f"This address has {len(value.strip())} characters; e-mail addresses have at "
                f"most {EMAIL_MAX}.",
                code="too_long",
            )
        return super().to_python(value)


class SignUpForm(UserCreationForm):
    email = AddressField(
        required=False,
        help_text="Optional. We send a link to verify it; after that it is used for password "
        "resets and the notices you choose, never shown to others.",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]


class EmailForm(forms.Form):
    email = AddressField(
        label="E-mail address",
        required=False,
        help_text="Changing it asks you to verify the new one.",
    )


class NoticePreferencesForm(forms.Form):
    """Which notices to e-mail; labels and help from ``Profile``'s fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NOTICE_KINDS:
            field = Profile._meta.get_field(kind)
            self.fields[kind] = forms.BooleanField(
                required=False, label=field.verbose_name, help_text=field.help_text
            )


class VerifiedPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending only to verified addresses (accounts/mail.py's rule). It says
    the same whether or not an account matched, so it tells nobody who has one."""

    email = AddressField(label="E-mail address", widget=forms.EmailInput({"autocomplete": "email"}))

    def get_users(self, email):
        # One reset mail per account per RESET_MAIL_INTERVAL_SECONDS: a stranger typing someone's
        # address again and again cannot flood their inbox.
        return (
            user
            for user in super().get_users(email)
            if verified_address(user=user)
            and cache.add(f"arena:reset-mail:{user.pk}", 1, RESET_MAIL_INTERVAL_SECONDS)
        )


class LockoutMessageMixin:
    """Says how long to wait when the login throttle (accounts/backends.py) refused the attempt,
    instead of claiming the password was wrong."""

    def get_invalid_login_error(self):
        seconds = getattr(self.request, LOCKOUT_ATTRIBUTE, 0) if self.request else 0
        if not seconds:
            return super().get_invalid_login_error()
        return ValidationError(
            f"Too many failed attempts. Wait {duration_text(seconds)} and try again, or reset "
            'your password with the login page\'s "Forgot your password?" link.',
            code="locked_out",
        )


class LoginForm(LockoutMessageMixin, AuthenticationForm):
    pass


class AdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass
