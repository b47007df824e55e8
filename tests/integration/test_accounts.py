from django.contrib.auth.models import User
from django.urls import reverse


def test_sign_up_logs_the_new_user_in(client, db):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "dora",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
        follow=True,
    )
    assert User.objects.filter(username="dora").exists()
    assert response.context["user"].username == "dora"
    assert b"Welcome, dora" in response.content


def test_sign_up_refuses_mismatched_passwords_and_creates_nothing(client, db):
    response = client.post(
        reverse("accounts:signup"),
        {"username": "dora", "password1": "a-long-passphrase-42", "password2": "other-thing-99"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="dora").exists()
    assert b"didn" in response.content  # "The two password fields didn't match."


def test_log_in_and_log_out(client, alice):
    response = client.post(
        reverse("accounts:login"),
        {"username": "alice", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302
    assert client.get(reverse("competitions:home")).context["user"] == alice
    client.post(reverse("accounts:logout"))
    assert not client.get(reverse("competitions:home")).context["user"].is_authenticated


def test_wrong_password_is_refused(client, alice):
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
