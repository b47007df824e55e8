"""A browser stand-in for login tests over real HTTP (pytest-django's live_server): a requests
session that fetches each form for its CSRF token, optionally behind a proxy that names it in
X-Forwarded-For."""

import re

import requests

from arena.accounts.devices import COOKIE_NAME

PASSWORD = "correct-horse-battery-staple"  # tests/conftest.py's make_user
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    def __init__(self, base_url: str, *, forwarded_for: str | None = None) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        if forwarded_for is not None:
            self.session.headers["X-Forwarded-For"] = forwarded_for

    def post_form(self, path: str, data: dict) -> requests.Response:
        url = self.base_url + path
        token = _CSRF.search(self.session.get(url, timeout=30).text).group(1)
        return self.session.post(
            url, data={"csrfmiddlewaretoken": token, **data}, allow_redirects=False, timeout=30
        )

    def log_in(self, username: str, password: str, *, path: str = "/accounts/login/"):
        return self.post_form(path, {"username": username, "password": password})

    @property
    def logged_in(self) -> bool:
        return "sessionid" in self.session.cookies

    @property
    def device_cookie(self) -> str | None:
        return self.session.cookies.get(COOKIE_NAME)

    def with_device_cookie(self, value: str) -> "Browser":
        self.session.cookies.set(COOKIE_NAME, value)
        return self
