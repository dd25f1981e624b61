"""Reads of a user's own account."""

from django.utils import timezone

from accounts.models import ApiToken


def tokens_of(user):
    """The user's API tokens still in force, newest first."""
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")
