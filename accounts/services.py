"""Writes of a user's own account: API tokens made and revoked."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken

# Enough for a few scripts each; a user at the limit revokes one first.
TOKENS_PER_USER = 10


def token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_DAYS)


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new API token for `user`, expiring after API_TOKEN_DAYS: the record and the token
    itself, which is shown once and never stored."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one at a time
    now = timezone.now()
    ApiToken.objects.filter(user=user, expiry__lt=now).delete()
    if ApiToken.objects.filter(user=user).count() >= TOKENS_PER_USER:
        raise ValidationError(
            f"You have {TOKENS_PER_USER} tokens, the most one person may have: "
            "revoke one you no longer use first."
        )
    name = name.strip()
    if not name:
        raise ValidationError("Say what will use the token, so you know it again.")
    return ApiToken.objects.create(user=user, expiry=token_lifetime(), name=name)


@transaction.atomic
def token_revoke(*, user, token_key: str) -> int:
    """Revoke `user`'s token that starts with `token_key`: it no longer signs anyone in.
    Returns how many were revoked (0 if none of theirs has that key)."""
    deleted, _ = ApiToken.objects.filter(user=user, token_key=token_key).delete()
    return deleted
