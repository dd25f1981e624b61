from django.contrib import messages
from django.contrib.auth.decorators import login_required
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
    can_retry = permissions.can_retry_job(request.user, job)
    return render(request, template, {"job": job, "can_retry": can_retry})


@require_POST
@login_required
def job_retry_view(request, pk):
    job = job_for(user=request.user, pk=pk)
    permissions.check_retry_job(request.user, job)
    try:
        job_retry(job=job)
    except JobFailed as refusal:
        messages.error(request, str(refusal))
    return redirect("submissions:job_detail", pk=job.pk)
