"""The background job that imports a national publication for every area at once
(metrics/publications.py reads and compares the file; metrics.services.publication_import
applies it, all or nothing). The page that starts it is submissions/views/publications.py."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from metrics import publications, services
from plans.services import EditConflict
from plans.spreadsheets import SpreadsheetError
from submissions.jobs import JobFailed

KIND = "import-publication"


def import_publication(job, progress) -> dict:
    """Apply the previewed file kept under `params["token"]` (see the upload page)."""
    params = job.params
    try:
        content = publications.kept(params.get("token", ""))
    except SpreadsheetError as error:
        raise JobFailed(str(error)) from error
    progress(5, "Comparing the file with every area's plans")
    try:
        publication = services.publication_import(
            content=content,
            layout=params["layout"],
            name=params["name"],
            published_on=datetime.date.fromisoformat(params["published_on"]),
            url=params.get("url", ""),
            file_name=params.get("file_name", ""),
            fingerprint=params["fingerprint"],
            user=job.created_by,
            progress=progress,
        )
    except services.PublicationChanged as error:
        raise JobFailed(str(error)) from error
    except EditConflict as error:
        raise JobFailed(
            "Nothing was imported: a figure was changed by someone while the import ran. "
            "Upload the file again to see what it would do now."
        ) from error
    except (ValidationError, PermissionDenied) as error:
        raise JobFailed(" ".join(getattr(error, "messages", [str(error)]))) from error
    publications.forget(params["token"])
    progress(
        100,
        f"Imported: {publication.added:,} new, {publication.revised:,} revised, "
        f"{publication.unchanged:,} unchanged",
    )
    return {
        "publication": publication.pk,
        "added": publication.added,
        "revised": publication.revised,
        "unchanged": publication.unchanged,
        "url": reverse("submissions:publication_detail", args=[publication.pk]),
        "label": f"See what {publication.name} imported",
    }
