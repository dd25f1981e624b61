"""Hostile sign-in fields answer the sign-in form with an error, never a 500: a user name
or password longer than anyone types (which the lockout records could not hold), NUL
characters, markup, several values for one field, nothing at all."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize(
    "fields",
    [
        {"username": "\x00", "password": "\x00"},
        {"username": "officer\x00", "password": "x"},
        {"username": "x" * 10000, "password": "y" * 10000},
        {"username": ["a", "b"], "password": "x"},
        {"username": "", "password": ""},
        {"username": "<script>", "password": "%"},
    ],
)
def test_hostile_sign_in_fields_answer_the_form_with_an_error(db, fields):
    response = Client(raise_request_exception=False).post("/accounts/login/", fields)
    assert response.status_code == 200, response.status_code
    assert response.context["form"].errors  # refused, saying why, on the form
