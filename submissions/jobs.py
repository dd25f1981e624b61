"""Background jobs: a registry of handlers by kind, starting a job, and running one.

A handler is `handler(job, progress) -> dict`: it does the work through the services,
calls `progress(percent, message)` as it goes, and returns the result (ids of what it
made). It must be idempotent: running it twice for the same job makes nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from submissions.models import Job

Handler = Callable[[Job, Callable[[int, str], None]], dict]
HANDLERS: dict[str, Handler] = {}


class JobFailed(Exception):
    """A failure worth showing to the person who started the job, in their words."""


def handler(kind: str):
    """Register a job handler: `@handler("prepare-return")`."""

    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function

    return register


@transaction.atomic
def job_start(*, kind: str, area, plan=None, params: dict | None = None, user=None) -> Job:
    """Record a job and queue it once the transaction commits (the worker must see it)."""
    from submissions.tasks import run_job

    if kind not in HANDLERS:
        raise ValueError(f"No job handler for {kind!r}.")
    job = Job.objects.create(kind=kind, area=area, plan=plan, params=params or {}, created_by=user)
    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


@transaction.atomic
def job_retry(*, job: Job) -> Job:
    """Queue a failed job again; refused for one that has not failed."""
    from submissions.tasks import run_job

    claimed = Job.objects.filter(pk=job.pk, state=Job.State.FAILURE).update(
        state=Job.State.PENDING, progress=0, error="", message=""
    )
    if not claimed:
        raise JobFailed("Only a failed job can be tried again.")
    transaction.on_commit(lambda: run_job.delay(job.pk))
    job.refresh_from_db()
    return job


def _set(job_id: int, **fields) -> None:
    Job.objects.filter(pk=job_id).update(**fields)  # job bookkeeping: Job keeps no history


def job_run(job_id: int) -> Job:
    """Run a pending job: claim it (only one worker can), call its handler, record the end.

    The claim is a conditional update whose row count says whether this worker won it, so
    a task delivered twice runs the handler once.
    """
    claimed = Job.objects.filter(pk=job_id, state=Job.State.PENDING).update(
        state=Job.State.RUNNING, started_at=timezone.now()
    )
    job = Job.objects.get(pk=job_id)
    if not claimed:
        return job
    _set(job_id, attempts=job.attempts + 1)

    def progress(percent: int, message: str = "") -> None:
        _set(job_id, progress=max(0, min(100, int(percent))), message=message[:250])

    try:
        result = HANDLERS[job.kind](job, progress)
    except JobFailed as failure:
        _set(job_id, state=Job.State.FAILURE, error=str(failure), finished_at=timezone.now())
    except Exception as error:  # shown to the user; the traceback goes to the log
        _set(
            job_id,
            state=Job.State.FAILURE,
            error=f"The job stopped with an unexpected error ({type(error).__name__}). "
            "Try again; if it fails again, tell your administrator.",
            finished_at=timezone.now(),
        )
        raise
    else:
        _set(
            job_id,
            state=Job.State.SUCCESS,
            progress=100,
            result=result or {},
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job
