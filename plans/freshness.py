"""Whether a page computed earlier may be shown again: tokens for the state of the data,
one per plan, one per area, one for the national figures and one for everything else.

Every change the product makes is saved with its history (plans.services.save_with_history
and django-simple-history on every model but areas and organisations, which are watched
directly), so each historical record means the data changed. The record's model says what
it belongs to, by following its foreign keys (`scope_path`): a plan (a scheme's budget, a
risk's review), else an area (a board's meeting), else nothing narrower than everything
(a metric definition, the scheme catalogue). When the transaction that made it commits,
the tokens of that plan or area are replaced; a change to reference data replaces the
global token, which every page depends on. The national token is replaced when what the
national view shows changed: a plan or an area itself (which plans are shown, the regions)
at once, and anything else only when a kept summary of its plan computed again differs
(submissions.national.summaries_refresh calls `national_changed`). A page is kept with the
tokens it was computed under and is reused while they are the same: a save in one area
recomputes that area's pages, not every other area's dashboard, and the national view only
if the save changed one of its figures.

A new token, not a counter: if the cache loses a token, the next one cannot collide with
an old page's. Tokens are in the default cache, which is Redis when REDIS_URL is set, so
every web process and worker sees the same ones.

Only one request computes a page at a time (`reused`): the others are served the copy
computed before, marked as being brought up to date, or, when there is none, wait for it.

When the cache cannot be reached (Redis down), pages are computed rather than reused and
saves go on: nothing here raises for it. A process that could not replace a token after a
change (or reach the cache at all) replaces the global token as soon as it reaches the
cache again, so no page computed before the outage is shown for data changed during it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

from django.core.cache import cache as _django_cache
from django.db import models, transaction
from django.dispatch import Signal
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

KEY = "bcf:data-token"  # the global token: reference data, and anything of unknown scope
NATIONAL = "bcf:data-token:national"
STATS = "bcf:reuse:"  # counters of how pages were served: hit, computed, previous, waited
# How long one request may hold the right to compute a page before another may take it.
LOCK_SECONDS = 60
# How long a request with no earlier copy to show waits for another to compute the page.
WAIT_SECONDS = 3.0


class _Unreachable(Exception):
    """The cache could not be reached; the caller goes on without it."""


class _TolerantCache:
    """The default cache, whose connection failures raise _Unreachable (logged once per
    call) for the callers here to go on without it. After a failure, this process replaces
    the global token at its next access that succeeds: a change it made meanwhile could not
    replace its own tokens."""

    missed = False

    def __getattr__(self, name: str):
        operation = getattr(_django_cache, name)

        def call(*args, **kwargs):
            try:
                if _TolerantCache.missed:
                    _django_cache.set(KEY, uuid.uuid4().hex, timeout=None)
                    _TolerantCache.missed = False
                return operation(*args, **kwargs)
            except (RedisError, OSError) as error:
                _TolerantCache.missed = True
                logger.warning("Cache unreachable (%s): pages are computed, not reused.", error)
                raise _Unreachable from error

        return call


cache = _TolerantCache()


def plan_key(plan_id: int) -> str:
    return f"{KEY}:plan:{plan_id}"


def area_key(area_id: int) -> str:
    return f"{KEY}:area:{area_id}"


def _tokens(keys: list[str]) -> list[str]:
    """The tokens of these keys, in one round trip (new ones for those the cache lacks).
    With the cache unreachable, new ones that match nothing kept: what depends on them is
    computed again, and what is kept with them is computed again once the cache is back."""
    try:
        return _cached_tokens(keys)
    except _Unreachable:
        return [f"unreachable-{uuid.uuid4().hex}" for _ in keys]


def _cached_tokens(keys: list[str], found: dict | None = None) -> list[str]:
    """The tokens of these keys, `found` those already read from the cache."""
    found = cache.get_many(keys) if found is None else found
    for key in keys:
        if key not in found:
            new = uuid.uuid4().hex
            # Another process may have just made it; a cache that drops it at once (full)
            # still gives this request a token, which no page has.
            found[key] = new if cache.add(key, new, timeout=None) else (cache.get(key) or new)
    return [found[key] for key in keys]


def data_token() -> str:
    """The global token (a new one if the cache has none)."""
    return _tokens([KEY])[0]


def version(*, plans: Iterable[int] = (), areas: Iterable[int] = (), national: bool = False) -> str:
    """One text for the state of the data a page shows: the global token with those of its
    plans, its areas and, if it shows national figures, the national token."""
    return ":".join(_tokens(_version_keys(plans, areas, national)))


def _version_keys(plans: Iterable[int], areas: Iterable[int], national: bool) -> list[str]:
    keys = [KEY, *(plan_key(p) for p in plans), *(area_key(a) for a in areas)]
    return [*keys, NATIONAL] if national else keys


def versions(*, plans: dict[int, int]) -> dict[int, str]:
    """For each plan (`{plan id: its area id}`), `version(plans=[plan], areas=[area])`, all
    in one round trip to the cache."""
    keys = list(
        dict.fromkeys([KEY, *(k for p, a in plans.items() for k in (plan_key(p), area_key(a)))])
    )
    tokens = dict(zip(keys, _tokens(keys), strict=True))
    return {
        plan: ":".join((tokens[KEY], tokens[plan_key(plan)], tokens[area_key(area)]))
        for plan, area in plans.items()
    }


def forget_all() -> None:
    """Every page is computed again (as after a change to reference data)."""
    cache.set(KEY, uuid.uuid4().hex, timeout=None)


def _replace(keys: set[str]) -> None:
    cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)


# What a change belongs to ----------------------------------------------------------------


@functools.cache
def scope_path(model: type[models.Model]) -> tuple[str, str] | None:
    """How a record of `model` reaches the plan or area it belongs to, as ("plan" or
    "area", a lookup from the record, e.g. "scheme__plan_id"), or None for reference data.
    A plan is preferred to an area (it is narrower), a key that is never empty to one that
    may be, a direct key to a longer path."""
    from plans.models import Area, Plan

    if issubclass(model, Plan):
        return ("plan", "pk")
    if issubclass(model, Area):
        return ("area", "pk")
    keys = [
        f
        for f in model._meta.concrete_fields
        if (f.many_to_one or f.one_to_one) and f.related_model is not model
    ]
    for kind, target in (("plan", Plan), ("area", Area)):
        for field in keys:
            if field.related_model is target:
                return (kind, field.attname)
    found = []
    for field in keys:
        related = cast(type[models.Model], field.related_model)  # a key has one
        if related._meta.app_label in ("auth", "contenttypes"):
            continue
        path = scope_path(field.related_model)
        if path:
            kind, lookup = path
            rank = (kind != "plan", field.null, lookup.count("__"), field.name)
            found.append((rank, field.name, kind, lookup))
    if not found:
        return None
    _, name, kind, lookup = min(found)
    return (kind, f"{name}__{lookup}")


def _owner(instance: models.Model, lookup: str):
    """Follow `lookup` ("scheme__plan_id") from the instance through related objects it
    already holds; (the model, its id, the rest of the lookup) where one is not loaded."""
    first, _, rest = lookup.partition("__")
    if first == "pk":
        return instance.pk
    if not rest:
        return getattr(instance, first)
    field = cast(models.ForeignKey, type(instance)._meta.get_field(first))  # a key
    if field.is_cached(instance):
        related = getattr(instance, first)
        return None if related is None else _owner(related, rest)
    value = getattr(instance, field.attname)
    return None if value is None else (field.related_model, value, rest)


def _change(instance: models.Model) -> tuple:
    """("plan" or "area", its id, or a lookup to make after the commit), or ("global",);
    a plan or an area itself ("plan" or "area", its id, ITSELF): the national view shows
    which plans there are and their areas' regions, so its token is replaced too."""
    path = scope_path(type(instance))
    if path is None:
        return ("global",)
    kind, lookup = path
    owner = _owner(instance, lookup)
    if owner is None:
        return ("global",)
    return (kind, owner, ITSELF) if lookup == "pk" else (kind, owner)


ITSELF = "itself"


class _Batch:
    """The changes of one transaction: their tokens are replaced together, once, when it
    commits (a save writes several historical records: one round trip to the cache and one
    notice of what changed, not one per record). Each change registers a callback to run
    on commit, which flushes that change and those noted after it not yet flushed: the
    first to run flushes them all, the rest find nothing to do, and a change whose
    savepoint was rolled back (its callback dropped) is flushed only if a change kept was
    noted before it (its tokens replaced for nothing: a page computed again, never one
    shown out of date)."""

    def __init__(self) -> None:
        self.changes: list[tuple] = []
        self.flushed = 0  # changes[flushed:] are still to flush
        self.done = False

    def add(self, change: tuple) -> Callable[[], None]:
        self.changes.append(change)
        return functools.partial(self.flush, len(self.changes) - 1)

    def flush(self, start: int) -> None:
        self.done = True  # committed: later changes belong to another transaction
        if start < self.flushed:
            start = self.flushed
        pending = set(self.changes[start:])
        self.flushed = len(self.changes)
        if pending:
            changes_committed(pending)


_batches = threading.local()  # each thread has its own connection, so its own transaction


def record_change(instance: models.Model) -> None:
    """Note that `instance` changed: its plan's or area's tokens (or the global one) are
    replaced when the current transaction commits (at once outside one), never when it is
    rolled back. No query before the commit: an owner not loaded is looked up after it."""
    _note(_change(instance))


def _note(change: tuple) -> None:
    if not transaction.get_connection().in_atomic_block:
        changes_committed({change})
        return
    batch = getattr(_batches, "current", None)
    if batch is None or batch.done:
        batch = _batches.current = _Batch()
    transaction.on_commit(batch.add(change), robust=True)


# Sent after the tokens of committed changes were replaced, with the ids of the plans and
# areas changed (`plans`, `areas`) and whether anything of wider scope did (`everything`):
# what is kept from those plans' data (the national view's summaries) is brought up to date.
changed = Signal()


def changes_committed(changes: Iterable[tuple]) -> None:
    """What a commit does for its changes (`("plan", id)`, `("area", id)`, `("global",)`,
    as `_change` gives them): their tokens replaced in one round trip, then `changed` sent.
    Never raises: with the cache unreachable the tokens are replaced when it is reached
    again (_TolerantCache.missed), and what is kept is brought up to date when next read."""
    plans: set[int] = set()
    areas: set[int] = set()
    everything = national = False
    for change in changes:
        kind, owner = (change[0], None) if change[0] == "global" else change[:2]
        national |= change[-1] == ITSELF
        if isinstance(owner, tuple):
            model, value, rest = owner
            owner = model._base_manager.filter(pk=value).values_list(rest, flat=True).first()
            if owner is None:  # its owner is gone too, and that deletion has its own record
                kind = "global"
        if kind == "global":
            everything = True
        else:
            (plans if kind == "plan" else areas).add(owner)
    keys = {plan_key(p) for p in plans} | {area_key(a) for a in areas}
    keys |= {KEY} if everything else {NATIONAL} if national else set()
    try:
        _replace(keys)
    except _Unreachable:
        return
    for receiver, error in changed.send_robust(
        sender=None, plans=plans, areas=areas, everything=everything
    ):
        if isinstance(error, Exception):
            logger.error("After a change, %s failed", receiver, exc_info=error)
            # What it keeps may not have been brought up to date, nor said whether it
            # changed: the national view is computed again (its summaries when stale).
            national_changed()


def national_changed() -> None:
    """What the national view shows changed (a kept summary's figures): it is computed
    again. Never raises (with the cache unreachable, see _TolerantCache.missed)."""
    with contextlib.suppress(_Unreachable):
        _replace({NATIONAL})


def data_changed() -> None:
    """Something of unknown scope changed: every page is computed again after the commit."""
    _note(("global",))


def on_change(sender, **kwargs) -> None:
    """Receiver of django-simple-history's `post_create_historical_record`, and of saves
    and deletions of the few shown models that keep no history (areas, organisations)."""
    record_change(kwargs["instance"])


# Reusing a page --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reused:
    """A page's content, and whether it is the copy from before the latest change, shown
    while another request brings it up to date."""

    html: str
    refreshing: bool = False

    def __str__(self) -> str:
        return self.html


def _count(outcome: str) -> None:
    with contextlib.suppress(_Unreachable):
        try:
            cache.incr(STATS + outcome)
        except ValueError:
            cache.add(STATS + outcome, 1, timeout=None)


def reuse_stats() -> dict[str, int]:
    """How pages were served since the counters were last reset: reused (hit), computed,
    the previous copy while another computed it (previous), after waiting (waited)."""
    names = ("hit", "computed", "previous", "waited")
    found = cache.get_many([STATS + name for name in names])
    return {name: int(found.get(STATS + name, 0)) for name in names}


def reuse_stats_reset() -> None:
    cache.delete_many([STATS + name for name in ("hit", "computed", "previous", "waited")])


def reused(
    name: str,
    parts: tuple,
    compute: Callable[[], str],
    *,
    plans: Iterable[int] = (),
    areas: Iterable[int] = (),
    national: bool = False,
    seconds: int = 3600,
) -> Reused:
    """What `compute()` gave for these parts of a page and the data it shows (the tokens of
    `plans`, `areas`, the national one if `national`, and the global one), computed once
    and then reused (for at most `seconds`) until that data changes.

    Only one request computes it at a time: while one does, the others get the copy from
    before the change (`refreshing`), or wait for the new one when there is none. Only for
    what is the same for everyone allowed to see it: check permissions before asking.
    With the cache unreachable, it is computed."""
    computed: list[str] = []

    def compute_once() -> str:
        computed.append(compute())
        return computed[-1]

    try:
        return _reused(name, parts, compute_once, plans, areas, national, seconds)
    except _Unreachable:
        return Reused(computed[-1] if computed else compute())


def address_parts(query, allowed: Iterable[str]) -> tuple | None:
    """The address's parameters (`request.GET`) as parts of a kept page's key, when they
    are only those `allowed` (a table's sort and page), each given once and short; None
    for anything else, and the page is computed: what one user filtered by, or an address
    made up, is not kept for others."""
    allowed = frozenset(allowed)
    parts = []
    for name in sorted(query):
        values = query.getlist(name)
        if name not in allowed or len(values) != 1 or len(values[0]) > 40:
            return None
        parts.append((name, values[0]))
    return tuple(parts)


def page_key(name: str, parts: tuple) -> str:
    """Where a page is kept; while one request computes it, `<key>:computing` is held."""
    # Hashed: parts are any text (a region's name has spaces), keys must be plain.
    digest = hashlib.sha256(repr((name, parts)).encode()).hexdigest()
    return f"bcf:page:{name}:{digest}"


def _reused(name, parts, compute, plans, areas, national, seconds) -> Reused:
    key = page_key(name, parts)
    # The page and the tokens it depends on, in one round trip.
    keys = _version_keys(plans, areas, national)
    found = cache.get_many([*keys, key])
    entry = found.pop(key, None)
    current = ":".join(_cached_tokens(keys, found))
    if entry is not None and entry[0] == current:
        _count("hit")
        return Reused(entry[1])
    lock, mine = f"{key}:computing", uuid.uuid4().hex
    if cache.add(lock, mine, timeout=LOCK_SECONDS):
        try:
            entry = cache.get(key)  # another may have finished it since
            if entry is not None and entry[0] == current:
                _count("hit")
                return Reused(entry[1])
            value = compute()
            cache.set(key, (current, value), seconds)
        finally:
            if cache.get(lock) == mine:
                cache.delete(lock)
        _count("computed")
        return Reused(value)
    if entry is not None:
        _count("previous")
        return Reused(entry[1], refreshing=True)
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
        entry = cache.get(key)
        if entry is not None:
            _count("waited")
            return Reused(entry[1], refreshing=entry[0] != current)
        if cache.get(lock) is None:
            break  # the request computing it failed: compute it here
    value = compute()
    cache.set(key, (current, value), seconds)
    _count("computed")
    return Reused(value)
