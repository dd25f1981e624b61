"""Whether a page computed earlier may be shown again: a token for the state of the data.

Every change the product makes is saved with its history (plans.services.save_with_history
and django-simple-history on every model but areas and organisations, which are watched
directly), so each historical record means the data changed. When the transaction that
made it commits, the token is replaced; a page cached under the old token is never read
again (and expires). A new token, not a counter: if the cache loses the token, the next one
cannot collide with an old page's key.

The token is in the default cache, which is Redis when REDIS_URL is set, so every web
process and worker sees the same one.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

KEY = "bcf:data-token"


def data_token() -> str:
    """The current token (a new one if the cache has none)."""
    token = cache.get(KEY)
    if token is None:
        cache.add(KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(KEY)
    return token


def data_changed() -> None:
    """Replace the token once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: cache.set(KEY, uuid.uuid4().hex, timeout=None))


def on_change(sender, **kwargs) -> None:
    """Receiver of django-simple-history's `post_create_historical_record`, and of saves
    and deletions of the few shown models that keep no history (areas, organisations)."""
    data_changed()


def reused(name: str, parts: tuple, compute: Callable[[], str], seconds: int = 3600) -> str:
    """What `compute()` gave for these parts of a page and the data as it is now, computed
    once and then reused (for at most `seconds`) until the data changes. Only for what is
    the same for everyone allowed to see it: check permissions before asking."""
    # Hashed: parts are any text (a region's name has spaces), keys must be plain.
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    key = f"{name}:{digest}:{data_token()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
