"""Celery tasks: thin wrappers that take an id and call the job runner."""

from celery import shared_task
from django.db import OperationalError

from submissions.jobs import job_run


@shared_task(
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=3,
    acks_late=True,
)
def run_job(self, job_id: int) -> int:
    """Run the job `job_id` (a submissions.Job); safe to deliver more than once."""
    return job_run(job_id).pk
