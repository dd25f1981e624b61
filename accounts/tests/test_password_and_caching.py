"""Users change their own password; nothing shown to a signed-in user is cached."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services

RIGHT = "correct horse battery staple"


def test_a_user_changes_their_password_and_stays_signed_in(client_for, officer):
    client = client_for(officer)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": RIGHT,
            "new_password1": "a new long passphrase",
            "new_password2": "a new long passphrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    assert client.get(reverse("home")).status_code == 200  # still signed in
    officer.refresh_from_db()
    assert officer.check_password("a new long passphrase")
    old = Client().post(reverse("login"), {"username": "officer", "password": RIGHT})
    assert old.status_code == 200 and "correct username and password" in old.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "old_password": "wrong",
                "new_password1": "a new long passphrase",
                "new_password2": "a new long passphrase",
            },
            "Your old password was entered incorrectly",
        ),
        (
            {
                "old_password": RIGHT,
                "new_password1": "a new long passphrase",
                "new_password2": "another one entirely",
            },
            "The two password fields",
        ),
        (
            {"old_password": RIGHT, "new_password1": "password", "new_password2": "password"},
            "This password is too common",
        ),
    ],
)
def test_a_bad_password_change_says_why_and_changes_nothing(client_for, officer, data, message):
    response = client_for(officer).post(reverse("accounts:password_change"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert "nhsuk-input--error" in html
    officer.refresh_from_db()
    assert officer.check_password(RIGHT)


@pytest.mark.parametrize("url_name", ["home", "plans:plan_list", "accounts:account"])
def test_signed_in_pages_are_not_stored(client_for, officer, plan, url_name):
    response = client_for(officer).get(reverse(url_name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_api_answers_to_a_token_are_not_stored(officer, plan):
    _, key = services.token_create(user=officer, name="Script")
    response = Client(headers={"Authorization": f"Token {key}"}).get("/api/plans/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_what_anyone_may_read_keeps_its_caching(client, officer):
    """The API's schema holds no one's data: read anonymously it may be cached; read
    signed in, the answer is still a signed-in user's and is not."""
    assert "no-store" not in client.get(reverse("api-schema")).get("Cache-Control", "")
    client.force_login(officer)
    assert "no-store" in client.get(reverse("api-schema"))["Cache-Control"]
