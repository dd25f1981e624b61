"""API writes cannot overwrite someone else's change unseen.

Optimistic concurrency: every edit form carries `lock_version` and a stale copy gets the
conflict message (EditConflict; tested per form in plans, schemes, metrics and risks). In
the API, the writes are POSTs that create a record (a metric actual; a quarterly return's
preparation, which reuses the quarter's draft), so a stale write cannot arise: there is
no earlier copy to be stale. This test holds that true: should a PUT, PATCH or DELETE be
added, it must take the record's `lock_version` and answer 409 Conflict on EditConflict,
and this test is then to be replaced by one that proves it.
"""

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

UPDATES = {"put", "patch", "delete"}


def _api_views(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "cls", None)
            if route.startswith("api/") and view is not None and issubclass(view, APIView):
                yield route, view


def test_the_api_has_views_to_check():
    assert len(list(_api_views())) >= 10


def test_no_api_view_updates_or_deletes_so_no_write_can_be_stale():
    updating = {
        route: sorted(m for m in UPDATES if m in view.http_method_names and hasattr(view, m))
        for route, view in _api_views()
    }
    assert {route: methods for route, methods in updating.items() if methods} == {}
