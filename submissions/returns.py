"""The "prepare-return" job handler (registered by submissions/handlers.py)."""

from __future__ import annotations

from django.urls import reverse

from submissions import services
from submissions.jobs import JobFailed
from submissions.models import QuarterlyReturn
from submissions.selectors import return_kind_label


def prepare_return(job, progress) -> dict:
    """Compute a return's snapshot from live data; running it again updates the same return."""
    ret = (
        QuarterlyReturn.objects.select_related("plan")
        .filter(pk=job.params.get("return_id"), plan_id=job.plan_id)
        .first()
    )
    if ret is None:
        raise JobFailed("The return to prepare no longer exists.")
    if ret.is_frozen:
        raise JobFailed("This return has been approved; its snapshot can no longer change.")
    progress(10, f"Computing the {ret.period_label} figures")
    ret = services.return_prepare(ret=ret, user=job.created_by)
    progress(90, "Snapshot saved")
    return {
        "return": ret.pk,
        "checksum": ret.checksum,
        "url": reverse("submissions:return_detail", args=[ret.pk]),
        "label": f"Open the {return_kind_label(ret)}",
    }
