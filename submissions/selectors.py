"""Reads over jobs, returns and documents, scoped through plans/permissions.py."""

from plans import permissions
from submissions.models import Job


def job_for(*, user, pk) -> Job:
    """A job by id, if the user may see its area (404/403 otherwise)."""
    return permissions.get_in_area(user, Job.objects.select_related("area", "plan"), pk)
