"""Refusals and missing pages look like the rest of the site and say what happened, without
echoing anything a visitor should not learn."""

import pytest
from django.template import loader
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_refusal_says_why_in_the_site_layout(client, alice, competition):
    client.force_login(alice)
    response = client.get(reverse("competitions:task_import", args=[competition.slug]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Only the competition&#x27;s organizers can do this." in html
    assert "Skip to content" in html and "Log out" in html  # the base layout, logged in


def test_a_missing_page_is_generic_and_escapes_the_address(client):
    response = client.get("/c/no-such-cup/<script>x</script>/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "<script>x" not in html


def test_the_server_error_page_renders_without_a_request():
    html = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in html and "/static/" in html
