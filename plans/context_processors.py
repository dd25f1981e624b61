"""What every page's template may ask about the user, evaluated only when it asks."""

from functools import partial

from plans import permissions

# The header's sections, by the namespace or view a page belongs to.
_PLAN_APPS = frozenset({"plans", "schemes", "metrics", "risks", "submissions"})


def section_of(view_name: str | None) -> str:
    """The header section a view belongs to: home, plans, boards, national, areas, or ""."""
    if not view_name:
        return ""
    namespace, _, name = view_name.rpartition(":")
    if view_name == "home":
        return "home"
    if view_name == "submissions:national":
        return "national"
    if namespace == "plans" and name.startswith("area_"):
        return "areas"
    if namespace == "governance":
        return "boards"
    return "plans" if namespace in _PLAN_APPS else ""


def navigation(request) -> dict:
    # A callable: the template calls it where the menu needs it, not on every request.
    match = getattr(request, "resolver_match", None)
    return {
        "sees_all_areas": partial(permissions.sees_all_areas, request.user),
        "administers": partial(permissions.administers, request.user),
        "section": section_of(match.view_name if match else None),
    }
