"""The login throttle, as the first authentication backend.

Every password check in Django goes through ``django.contrib.auth.authenticate``, which asks each
backend in ``AUTHENTICATION_BACKENDS`` in turn; this one comes first and raises PermissionDenied
while the client is locked out, which ends the check before ``ModelBackend`` looks at the
password. So the login page, the admin's login page and any login added later share one
throttle, and a locked client is refused even the right password. Failures are counted by the
``user_login_failed`` receiver in accounts/signals.py.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from arena.accounts.devices import login_client_for
from arena.accounts.selectors import login_lockout_seconds

# Set on the request when the throttle refused it: the login views answer 429 with the wait,
# and the failure receiver does not count the refused attempt (so a lockout ends on time even
# while an attacker keeps trying).
LOCKOUT_ATTRIBUTE = "login_lockout_seconds"


class LoginThrottleBackend:
    """Authenticates nobody; refuses attempts while the client is locked out.

    Not a BaseBackend on purpose: without ``get_user`` it is never the backend a session is
    bound to (``Client.force_login`` picks the first backend that has one).
    """

    def authenticate(self, request, username=None, password=None, **credentials):
        if username is None:
            username = credentials.get(get_user_model().USERNAME_FIELD)
        if username is None:
            return None
        seconds = login_lockout_seconds(client=login_client_for(request, username=username))
        if seconds:
            if request is not None:
                setattr(request, LOCKOUT_ATTRIBUTE, seconds)
            raise PermissionDenied
        return None
