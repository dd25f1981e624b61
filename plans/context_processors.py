"""What every page's template may ask about the user, evaluated only when it asks."""

from functools import partial

from plans import permissions


def navigation(request) -> dict:
    # A callable: the template calls it where the menu needs it, not on every request.
    return {
        "sees_all_areas": partial(permissions.sees_all_areas, request.user),
        "administers": partial(permissions.administers, request.user),
    }
