"""CSRF on every form: each POST form of every template carries the token, and every URL of the
site (pages, organizer pages, the admin, and the API when called with the session cookie)
refuses a logged-in POST that lacks it. URLs are collected from the resolver, so a view added
later is covered without editing this test."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db
SAMPLE_VALUES = {"int": "1", "slug": "x", "str": "csv", "path": "x"}


def site_urls(patterns=None, prefix: str = "") -> list[str]:
    """One concrete URL per pattern, path parameters filled with sample values."""
    urls = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            urls += site_urls(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            # A regular-expression route: its groups become one plain sample word.
            url = re.sub(r"\(\?P<\w+>.*?\)[*+?]?(?=/|\$|\\Z|$)", "x", route)
            url = re.sub(r"\^|\$|\\Z", "", url)
            url = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES[m.group(1) or "str"], url)
            urls.append("/" + url)
    return sorted(set(urls))


def test_every_post_form_carries_the_csrf_token():
    for template in Path(settings.REPO_ROOT, "templates").rglob("*.html"):
        html = template.read_text()
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", html, re.S | re.I):
            assert "{% csrf_token %}" in form, f"a POST form without the token in {template}"


def test_every_url_refuses_a_post_without_the_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    urls = site_urls()
    assert len(urls) > 30 and "/accounts/login/" in urls
    for url in urls:
        response = client.post(url, {"anything": "1"})
        assert response.status_code == 403, (url, response.status_code)
        assert b"CSRF" in response.content, url
