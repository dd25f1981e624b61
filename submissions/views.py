from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from plans import permissions
from submissions.jobs import JobFailed, job_retry
from submissions.selectors import job_for


@login_required
def job_detail(request, pk):
    """A job's progress; htmx polls the status panel until the job has finished."""
    job = job_for(user=request.user, pk=pk)
    template = "submissions/_job_status.html" if request.htmx else "submissions/job_detail.html"
    can_retry = permissions.can_in_area(request.user, permissions.VIEW, job.area_id) and (
        job.created_by_id == request.user.pk or request.user.is_superuser
    )
    return render(request, template, {"job": job, "can_retry": can_retry})


@require_POST
@login_required
def job_retry_view(request, pk):
    job = job_for(user=request.user, pk=pk)
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied  # only the person who started a job tries it again
    try:
        job_retry(job=job)
    except JobFailed as refusal:
        messages.error(request, str(refusal))
    return redirect("submissions:job_detail", pk=job.pk)
