"""Receivers that feed the login throttle from Django's own login signals, so they fire for every
way in: ``user_login_failed`` is sent by ``authenticate`` after any failed password check,
``user_logged_in`` by ``login`` (the login pages and the sign-up)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from arena.accounts.backends import LOCKOUT_ATTRIBUTE
from arena.accounts.devices import login_client_for
from arena.accounts.services import login_failure_record, login_failures_clear

# Read by accounts.middleware.DeviceCookieMiddleware, which gives the browser its device cookie.
DEVICE_COOKIE_ATTRIBUTE = "device_cookie_username"


@receiver(user_login_failed, dispatch_uid="arena.accounts.count_failed_login")
def count_failed_login(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", credentials.get(get_user_model().USERNAME_FIELD))
    if not isinstance(username, str):
        return
    if request is not None and getattr(request, LOCKOUT_ATTRIBUTE, 0):
        return  # refused by the throttle, not a password guess
    login_failure_record(client=login_client_for(request, username=username))


@receiver(user_logged_in, dispatch_uid="arena.accounts.forget_failed_logins")
def forget_failed_logins(sender, request, user, **kwargs):
    username = user.get_username()
    login_failures_clear(client=login_client_for(request, username=username))
    if request is not None:
        setattr(request, DEVICE_COOKIE_ATTRIBUTE, username)
