"""The Content-Security-Policy allows scripts from this site only, so no template may rely on an
inline script or handler (the browser tests fail on any violation the policy reports)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_pages_send_a_policy_that_forbids_inline_scripts(client):
    for url in ("/", "/accounts/login/", "/c/nowhere/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'", url
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_no_template_has_an_inline_script_or_handler():
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.I)
    for template in Path(settings.REPO_ROOT, "templates").rglob("*.html"):
        found = inline.search(template.read_text())
        assert found is None, f"{template}: {found.group(0)!r} would be blocked by the policy"
