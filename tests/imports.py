"""Importing a spreadsheet through the one import page (plans/imports.py), as a person
does: upload to see the preview, then confirm it."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile


def preview(client, url: str, name: str, content: bytes):
    """The page after uploading: the preview, or the problems found."""
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def confirm(client, url: str, shown):
    """Confirm the preview a page showed (its hidden fields, as the browser posts them)."""
    return client.post(url, dict(shown.context["confirm"].initial))


def upload(client, url: str, name: str, content: bytes):
    """Upload and, when the preview has something to apply, confirm it; the last page."""
    shown = preview(client, url, name, content)
    if shown.status_code != 200 or shown.context.get("preview") is None:
        return shown
    if shown.context["preview"].nothing_to_do:
        return shown
    return confirm(client, url, shown)
