"""Gives a browser that just logged in its device cookie (accounts/devices.py)."""

from django.conf import settings

from arena.accounts.devices import COOKIE_NAME, device_cookie_max_age, device_cookie_value
from arena.accounts.signals import DEVICE_COOKIE_ATTRIBUTE


class DeviceCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        username = getattr(request, DEVICE_COOKIE_ATTRIBUTE, None)
        if username:
            # Outlives logout on purpose: it marks the browser, not the session.
            response.set_cookie(
                COOKIE_NAME,
                device_cookie_value(username=username),
                max_age=device_cookie_max_age(),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
