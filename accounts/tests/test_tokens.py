"""API tokens: hashed, expiring, seen and revoked by their owner; old plain tokens moved."""

import datetime
import hashlib

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken

API = "/api/plans/"


def _api(key: str):
    return Client(headers={"Authorization": f"Token {key}"}).get(API)


def test_a_token_is_stored_only_as_a_digest_and_expires(officer, plan):
    token, key = services.token_create(user=officer, name="Report script")

    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in (stored.digest, stored.token_key)
    assert stored.digest == hashlib.sha512(key.encode()).hexdigest()
    assert len(key) == 64 and stored.token_key == key[:15]
    lifetime = stored.expiry - stored.created
    assert datetime.timedelta(days=89) < lifetime <= datetime.timedelta(days=90)
    assert _api(key).status_code == 200

    with time_machine.travel(stored.expiry + datetime.timedelta(minutes=1)):
        assert _api(key).status_code in (401, 403)
    assert not ApiToken.objects.filter(pk=token.pk).exists()  # an expired token is removed


def test_the_account_page_makes_a_token_shows_it_once_and_lists_it(client_for, officer, plan):
    client = client_for(officer)
    response = client.post(reverse("accounts:token_create"), {"name": "Finance report"})
    assert response.status_code == 200
    html = response.content.decode()
    key = response.context["new_token"]
    assert key in html and "Copy your new token now" in html
    assert "no-store" in response["Cache-Control"]
    assert _api(key).status_code == 200

    page = client.get(reverse("accounts:account")).content.decode()
    assert key not in page  # never shown again
    assert "Finance report" in page and key[:8] in page


def test_a_token_needs_a_name_and_the_form_keeps_what_was_typed(client_for, officer):
    response = client_for(officer).post(reverse("accounts:token_create"), {"name": " "})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_user_revokes_their_token_and_it_stops_working(client_for, officer, plan):
    _, key = services.token_create(user=officer, name="Old script")
    response = client_for(officer).post(reverse("accounts:token_revoke"), {"token": key[:15]})
    assert response.status_code == 302
    assert _api(key).status_code in (401, 403)
    assert not ApiToken.objects.filter(user=officer).exists()


def test_nobody_sees_or_revokes_another_users_token(client_for, officer, finance, plan):
    _, key = services.token_create(user=officer, name="Officer's script")
    client = client_for(finance)
    assert key[:8] not in client.get(reverse("accounts:account")).content.decode()
    client.post(reverse("accounts:token_revoke"), {"token": key[:15]})
    assert _api(key).status_code == 200


def test_at_most_ten_tokens_each(client_for, officer):
    for number in range(services.TOKENS_PER_USER):
        services.token_create(user=officer, name=f"Script {number}")
    response = client_for(officer).post(reverse("accounts:token_create"), {"name": "One more"})
    assert response.status_code == 400
    assert "revoke one you no longer use first" in response.content.decode()
    assert ApiToken.objects.filter(user=officer).count() == services.TOKENS_PER_USER


@pytest.mark.django_db
def test_plain_tokens_made_before_become_hashed_expiring_tokens_that_still_work(officer, plan):
    """The migration (accounts 0002) against a table as DRF's authtoken left it."""
    from importlib import import_module

    from django.db.migrations.executor import MigrationExecutor

    apps = MigrationExecutor(connection).loader.project_state(("accounts", "0001_initial")).apps
    migration = import_module("accounts.migrations.0002_plain_tokens_hashed")
    key = "0123456789abcdef0123456789abcdef01234567"  # a DRF token: 40 hex characters
    made = timezone.now() - datetime.timedelta(days=400)
    with connection.schema_editor() as editor:
        editor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id integer NOT NULL)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created datetime NOT NULL, user_id integer NOT NULL)"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [key, made, officer.pk],
        )

    with connection.schema_editor() as editor:
        migration.hash_plain_tokens(apps, editor)

    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=officer)
    assert token.digest != key and key not in token.token_key + token.digest
    assert token.created == made and token.expiry > timezone.now()
    assert _api(key).status_code == 200


@pytest.mark.parametrize("key", ["\x00", ["a", "b"], "x" * 5000])
def test_a_token_nobody_could_hold_is_refused_as_already_revoked(client_for, officer, key):
    client = client_for(officer)
    response = client.post(reverse("accounts:token_revoke"), {"token": key})
    assert response.status_code == 302
    page = client.get(response.url)
    assert "already revoked or has expired" in page.content.decode()
