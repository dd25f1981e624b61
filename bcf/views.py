"""Project-wide error pages."""

from django.shortcuts import render

from plans import permissions


def permission_denied(request, exception=None):
    """403: says why when a page can; a change refused because the plan version is agreed
    (or the return approved) says so and links to what to do instead."""
    frozen = exception if isinstance(exception, permissions.Frozen) else None
    message = str(exception) if exception is not None and str(exception) else ""
    return render(request, "403.html", {"frozen": frozen, "message": message}, status=403)


def page_not_found(request, exception=None):
    """404: a page of the content of a version whose content is not among the sources says
    so, with what they say of it, and links to the version's own page."""
    not_held = exception if isinstance(exception, permissions.ContentNotHeld) else None
    return render(request, "404.html", {"not_held": not_held}, status=404)
