"""Web security of every page: content security policy, login throttling, sessions, uploads."""

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from metrics.models import Actual

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)


@pytest.mark.parametrize("url_name", ["plans:plan_detail", "schemes:scheme_list"])
def test_pages_allow_scripts_only_from_the_app_and_have_no_inline_script(
    client_for, officer, plan, url_name
):
    response = client_for(officer).get(reverse(url_name, kwargs={"pk": plan.pk}))
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy)[1]
    assert script_src.split() == ["'self'"]
    assert "frame-ancestors 'none'" in policy
    assert INLINE_SCRIPT.findall(response.content.decode()) == []


def test_login_page_has_no_inline_script(client):
    response = client.get(reverse("login"))
    assert INLINE_SCRIPT.findall(response.content.decode()) == []


def _try(client, password):
    return client.post(reverse("login"), {"username": "officer", "password": password})


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _try(client, "wrong").status_code == 200
    locked = _try(client, "wrong")
    assert locked.status_code == 429
    assert "Too many attempts to log in" in locked.content.decode()
    # Even the right password is refused while the lock lasts.
    assert _try(client, "correct horse battery staple").status_code == 429


def test_right_password_logs_in_before_the_limit(client, officer):
    _try(client, "wrong")
    assert _try(client, "correct horse battery staple").status_code == 302


def test_sessions_end_with_the_browser_and_after_a_working_day():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("schemes.xlsx", b"this is not a spreadsheet", "could not be read as XLSX"),
        ("schemes.csv", b"", "file is empty"),
        ("schemes.csv", b"\n\n  \n", "The file is empty."),
        ("schemes.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file."),
        ("schemes.csv", b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
)
@pytest.mark.parametrize("url_name", ["schemes:scheme_import", "metrics:actual_import"])
def test_bad_uploads_get_a_clear_message_and_import_nothing(
    client_for, officer, plan, name, content, message, url_name
):
    before = (plan.schemes.count(), Actual.objects.count())
    response = client_for(officer).post(
        reverse(url_name, kwargs={"pk": plan.pk}),
        {"file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (plan.schemes.count(), Actual.objects.count()) == before
