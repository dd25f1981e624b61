"""Sign-in lockouts are by user name and client address; a proxy's X-Forwarded-For counts
only when the request came through a proxy named in TRUSTED_PROXIES. A higher limit per
user name, across every address, stops someone who changes address for every guess."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.client_address import client_address

PROXY = "10.0.0.5"
RIGHT = "correct horse battery staple"


def _sign_in(password, *, forwarded=None, remote=PROXY):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(reverse("login"), {"username": "officer", "password": password}, **headers)


def _lock_out(**where):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in("wrong", **where)
    assert _sign_in(RIGHT, **where).status_code == 429


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_behind_the_proxy_an_attacker_locks_out_only_their_own_address(officer):
    _lock_out(forwarded="203.0.113.9")

    # The officer, elsewhere, through the same proxy, signs in.
    assert _sign_in(RIGHT, forwarded="198.51.100.7").status_code == 302


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_an_address_the_client_writes_itself_is_not_believed(officer):
    # The proxy appends the real address; what the client put before it is ignored, so
    # changing it every time does not escape the lockout.
    for number in range(settings.AXES_FAILURE_LIMIT):
        _sign_in("wrong", forwarded=f"192.0.2.{number}, 203.0.113.9")
    assert _sign_in(RIGHT, forwarded="192.0.2.200, 203.0.113.9").status_code == 429


@override_settings(TRUSTED_PROXIES=[])
def test_without_trusted_proxies_forwarded_addresses_are_ignored(officer):
    for number in range(settings.AXES_FAILURE_LIMIT):
        _sign_in("wrong", forwarded=f"192.0.2.{number}", remote="203.0.113.9")
    assert _sign_in(RIGHT, forwarded="198.51.100.7", remote="203.0.113.9").status_code == 429
    # Another address (directly connected) is not locked out.
    assert _sign_in(RIGHT, remote="198.51.100.7").status_code == 302


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("10.0.0.5", "203.0.113.9", ["10.0.0.0/24"], "203.0.113.9"),
        # Two proxies of ours: skip both.
        ("10.0.0.5", "203.0.113.9, 10.0.0.7", ["10.0.0.0/24"], "203.0.113.9"),
        # Reaching the app directly: the header is the client's own and not believed.
        ("198.51.100.1", "203.0.113.9", ["10.0.0.0/24"], "198.51.100.1"),
        ("10.0.0.5", "", ["10.0.0.0/24"], "10.0.0.5"),
        ("10.0.0.5", "not-an-address", ["10.0.0.0/24"], "10.0.0.5"),
        ("10.0.0.5", "203.0.113.9", [], "10.0.0.5"),
        ("::1", "2001:db8::1", ["::1"], "2001:db8::1"),
    ],
)
def test_client_address(rf, remote, forwarded, trusted, expected):
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXIES=trusted):
        assert client_address(request) == expected


@override_settings(TRUSTED_PROXIES=[])
def test_guesses_from_many_addresses_lock_the_user_out_everywhere(officer, finance):
    # One guess from each of many addresses: no address reaches the limit of five, the
    # user name reaches the higher limit across addresses.
    for number in range(settings.SIGN_IN_FAILURES_PER_USER - 1):
        assert _sign_in("wrong", remote=f"192.0.2.{number}").status_code == 200
    assert _sign_in("wrong", remote="192.0.2.200").status_code == 429
    refused = _sign_in(RIGHT, remote="198.51.100.7")
    assert refused.status_code == 429
    assert "locked everywhere for 15 minutes" in refused.content.decode()
    # Another user signs in as ever.
    other = Client().post(
        reverse("login"),
        {"username": "finance", "password": RIGHT},
        REMOTE_ADDR="198.51.100.7",
    )
    assert other.status_code == 302


@override_settings(TRUSTED_PROXIES=[])
def test_the_lockout_across_addresses_ends_with_the_cool_off_time(officer):
    for number in range(settings.SIGN_IN_FAILURES_PER_USER):
        _sign_in("wrong", remote=f"192.0.2.{number}")
    assert _sign_in(RIGHT, remote="198.51.100.7").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert _sign_in(RIGHT, remote="198.51.100.7").status_code == 302


@override_settings(TRUSTED_PROXIES=[])
def test_fewer_guesses_across_addresses_lock_nobody_out(officer):
    for number in range(settings.SIGN_IN_FAILURES_PER_USER - 1):
        _sign_in("wrong", remote=f"192.0.2.{number}")
    assert _sign_in(RIGHT, remote="198.51.100.7").status_code == 302
