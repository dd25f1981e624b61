"""Celery tasks: thin wrappers that take an id and call the job runner."""

from celery import shared_task
from django.db import OperationalError

from submissions import national
from submissions.jobs import job_run
from submissions.models import Job
from submissions.services import drafts_recompute, reminders_send


@shared_task(
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=3,
    acks_late=True,
)
def run_job(self, job_id: int) -> int:
    """Run the job `job_id` (a submissions.Job); safe to deliver more than once.

    A database error (connection lost, deadlock) is retried with backoff: the job, which
    job_run recorded as failed, is put back to pending so that the retry may claim it. The
    last attempt's failure stays, for the person who started the job to see.
    """
    try:
        return job_run(job_id, heartbeat=not self.request.is_eager).pk
    except OperationalError:
        if self.request.retries < self.max_retries:
            Job.objects.filter(pk=job_id, state=Job.State.FAILURE).update(
                state=Job.State.PENDING,
                error="",
                finished_at=None,
                message="Trying again after a database error",
            )
        raise


@shared_task
def recompute_draft_returns() -> int:
    """Nightly: recompute the preview snapshot of every draft return (beat schedule)."""
    return drafts_recompute()


@shared_task
def remind_returns_due() -> int:
    """Daily: email officers about returns due within 14 days with no approval scheduled."""
    return reminders_send()


@shared_task
def refresh_plan_summaries() -> dict[str, int]:
    """Every minute: the national view's summaries of plans changed since they were
    computed are computed again, so that the view itself rarely has any to compute."""
    return national.summaries_bring_up_to_date()
