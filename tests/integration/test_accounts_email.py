"""E-mail verification, password reset and change, read from a real SMTP server on loopback."""

import re

from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from arena.accounts.mail import verified_address

PASSWORD = "a-long-passphrase-42"


def _link(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://testserver(/\S+)", body).group(1)


def _sign_up(client, email="dora@example.org"):
    return client.post(
        reverse("accounts:signup"),
        {"username": "dora", "email": email, "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )


def test_sign_up_sends_a_verification_link_that_verifies(client, mail_server):
    response = _sign_up(client)
    assert b"We sent a link to dora@example.org" in response.content
    home = reverse("competitions:home")
    assert b'id="verify-badge"' in client.get(home).content  # the header says so until done
    message = mail_server.wait_for(1)
    assert message["To"] == "dora@example.org"
    assert "Verify your e-mail address" in message["Subject"]
    dora = User.objects.get(username="dora")
    assert verified_address(user=dora) == ""

    response = client.get(_link(message), follow=True)
    assert b"is verified" in response.content
    assert verified_address(user=dora) == "dora@example.org"
    assert b'id="verify-badge"' not in client.get(home).content
    assert b"verified</span> dora@example.org" in client.get(reverse("accounts:settings")).content
    assert len(mail_server.messages) == 1


def test_the_link_can_be_sent_again_from_the_settings_page(client, mail_server):
    _sign_up(client)
    first = _link(mail_server.wait_for(1))
    response = client.post(reverse("accounts:settings"), {"action": "verify"}, follow=True)
    assert b"sent less than a minute ago" in response.content  # one a minute, no flood
    cache.delete(f"arena:verify-mail:{User.objects.get(username='dora').pk}")  # a minute on
    response = client.post(reverse("accounts:settings"), {"action": "verify"}, follow=True)
    assert b"We sent a link to dora@example.org" in response.content
    second = _link(mail_server.wait_for(2))
    assert client.get(second, follow=True).status_code == 200
    assert client.get(first, follow=True).status_code == 200  # either link verifies
    assert verified_address(user=User.objects.get(username="dora")) == "dora@example.org"
    # Verified: asking again sends nothing.
    client.post(reverse("accounts:settings"), {"action": "verify"})
    assert len(mail_server.messages) == 2


def test_an_account_without_an_address_is_not_nagged(client, mail_server):
    _sign_up(client, email="")
    assert b'id="verify-badge"' not in client.get(reverse("competitions:home")).content
    assert b"No e-mail address" in client.get(reverse("accounts:settings")).content
    assert mail_server.messages == []


def test_a_tampered_or_outdated_link_is_refused_in_words(client, mail_server):
    _sign_up(client)
    link = _link(mail_server.wait_for(1))
    response = client.get(link[:-3] + "xyz/")
    assert response.status_code == 400
    assert b"not valid" in response.content
    # The address changed after the link was sent: the link no longer verifies anything.
    cache.clear()  # a minute on: the verification throttle lets the next one through
    client.post(reverse("accounts:settings"), {"action": "email", "address-email": "d@ex.org"})
    response = client.get(link)
    assert response.status_code == 400
    assert b"no longer has" in response.content
    assert verified_address(user=User.objects.get(username="dora")) == ""
    assert mail_server.wait_for(2)["To"] == "d@ex.org"  # the new address got its own link


def test_password_reset_end_to_end(client, mail_server):
    _sign_up(client)
    client.get(_link(mail_server.wait_for(1)))
    client.post(reverse("accounts:logout"))

    response = client.post(reverse("accounts:password_reset"), {"email": "dora@example.org"})
    assert response.status_code == 302
    message = mail_server.wait_for(2)
    assert message["Subject"] == "Reset your Arena password"
    response = client.get(_link(message), follow=True)
    assert b"Choose a new password" in response.content
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert b"too short" in response.content  # in words, next to the field
    response = client.post(
        form_url,
        {"new_password1": "another-passphrase-77", "new_password2": "another-passphrase-77"},
        follow=True,
    )
    assert b"Your password is changed" in response.content
    assert client.login(username="dora", password="another-passphrase-77")
    # The link works once.
    assert b"no longer works" in client.get(_link(message), follow=True).content
    # A second request right away sends nothing: one reset mail a minute per account.
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:password_reset"), {"email": "dora@example.org"})
    client.post(reverse("accounts:password_reset"), {"email": "dora@example.org"})
    assert len(mail_server.messages) == 2


def test_no_reset_mail_to_an_unverified_or_unknown_address(client, mail_server):
    _sign_up(client)
    mail_server.wait_for(1)  # the verification, the one mail an unverified address gets
    client.post(reverse("accounts:logout"))
    for email in ("dora@example.org", "nobody@example.org"):
        response = client.post(reverse("accounts:password_reset"), {"email": email}, follow=True)
        assert b"Check your e-mail" in response.content  # the same answer either way
    assert len(mail_server.messages) == 1


def test_the_sign_up_and_login_pages_link_to_the_reset(client, db):
    assert (
        reverse("accounts:password_reset").encode() in client.get(reverse("accounts:login")).content
    )
    assert client.get(reverse("accounts:password_reset")).status_code == 200


def test_password_change_for_signed_in_users(alice_client, alice):
    url = reverse("accounts:password_change")
    response = alice_client.post(
        url,
        {
            "old_password": "wrong",
            "new_password1": "x-new-pass-981",
            "new_password2": "x-new-pass-981",
        },
    )
    assert b"incorrectly" in response.content  # "Your old password was entered incorrectly."
    response = alice_client.post(
        url,
        {
            "old_password": "correct-horse-battery-staple",
            "new_password1": "x-new-pass-981",
            "new_password2": "x-new-pass-981",
        },
        follow=True,
    )
    assert b"Your password is changed" in response.content
    assert response.context["user"].is_authenticated  # still signed in
    alice.refresh_from_db()
    assert alice.check_password("x-new-pass-981")


def test_password_change_needs_a_signed_in_user(client, db):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_hostile_addresses_are_refused_in_words(alice, mail_server):
    client, alice_client = Client(), Client()
    alice_client.force_login(alice)
    injected = "dora@example.org\nBcc: victim@example.org"
    long_one = "d" * 64 + "@" + ("a" * 60 + ".") * 4 + "org"
    for email, words in ((injected, b"line break"), (long_one, b"at most 254")):
        response = client.post(
            reverse("accounts:signup"),
            {"username": "dora", "email": email, "password1": PASSWORD, "password2": PASSWORD},
        )
        assert response.status_code == 200
        assert words in response.content
        assert not User.objects.filter(username="dora").exists()
        response = alice_client.post(
            reverse("accounts:settings"), {"action": "email", "address-email": email}
        )
        assert words in response.content
        response = client.post(reverse("accounts:password_reset"), {"email": email})
        assert words in response.content
    assert (
        b"one @"
        in client.post(
            reverse("accounts:signup"),
            {
                "username": "dora",
                "email": "not-an-address",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        ).content
    )
    assert mail_server.messages == []
