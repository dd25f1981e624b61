"""Sign-in lockouts: django-axes' database handler with a second, higher limit.

Five wrong passwords for one user name from one client address lock that pair out
(AXES_FAILURE_LIMIT, AXES_LOCKOUT_PARAMETERS), so that nobody can lock a named user out
from elsewhere. Someone who changes address for every guess would never reach that limit,
so SIGN_IN_FAILURES_PER_USER wrong passwords for one user name within the cool-off time
(AXES_COOLOFF_TIME), from any addresses together, lock that user name out everywhere until
the oldest of them is older than the cool-off time. Both limits count the same records
(axes' AccessAttempt, one per user name and address), so a right password resets only its
own address's count, as before.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def failures_for_user(request, credentials) -> int:
    """Wrong passwords for the user name being signed in to, from every address, within
    the cool-off time."""
    username = get_client_username(request, credentials)
    if not username:
        return 0
    recent = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=get_cool_off_threshold(request)
    )
    return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0


def _locked_everywhere(request, credentials) -> bool:
    if failures_for_user(request, credentials) < settings.SIGN_IN_FAILURES_PER_USER:
        return False
    request.locked_out_everywhere = True  # the lockout page says so
    return True


class LockoutHandler(AxesDatabaseHandler):
    """Locked out if the user name and address are (axes), or if the user name is, from
    every address together (SIGN_IN_FAILURES_PER_USER)."""

    def is_locked(self, request, credentials=None) -> bool:
        """Asked before a sign-in is tried: refused if either limit is reached."""
        return super().is_locked(request, credentials) or _locked_everywhere(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """A wrong password recorded (axes); the one that reaches the limit across
        addresses answers with the lockout page, as the fifth from one address does."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if _locked_everywhere(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials
