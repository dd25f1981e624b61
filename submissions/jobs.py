"""Background jobs: a registry of handlers by kind, starting a job, and running one.

The handlers and the Celery task that runs a job are given by the app's AppConfig.ready()
(submissions/apps.py, from submissions/handlers.py and submissions/tasks.py): this module
imports neither, so that the tasks, which call it and the services, form no cycle with it.

A handler is `handler(job, progress) -> dict`: it does the work through the services,
calls `progress(percent, message)` as it goes, and returns the result (ids of what it
made). It must be idempotent: running it twice for the same job makes nothing twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from submissions.models import Job

logger = logging.getLogger(__name__)

Handler = Callable[[Job, Callable[[int, str], None]], dict]
# Filled by configure() from SubmissionsConfig.ready(); tests add their own kinds.
HANDLERS: dict[str, Handler] = {}
# The Celery task that runs a job by id (submissions.tasks.run_job), given by configure().
_task = None
# The queue of each kind that has its own (documents render on theirs, so that returns are
# prepared at once whatever is being exported); the others go to Celery's default queue.
QUEUES: dict[str, str] = {}


UNAVAILABLE = (
    "Background work is unavailable just now (the job queue cannot be reached). Try again later."
)
# A job still "running" this long after it started has lost its worker (killed, machine
# gone): it may be tried again. Longer than any job takes.
STALE_AFTER = datetime.timedelta(minutes=30)


class JobFailed(Exception):
    """A failure worth showing to the person who started the job, in their words."""


def configure(*, handlers: dict[str, Handler], task, queues: dict[str, str] = None) -> None:
    """Register the job handlers by kind, the task that runs a job and the kinds that have
    their own queue (from ready())."""
    global _task
    HANDLERS.update(handlers)
    QUEUES.update(queues or {})
    _task = task


def queue_of(kind: str) -> str:
    """The Celery queue a job of this kind is sent to."""
    from django.conf import settings

    return QUEUES.get(kind, settings.CELERY_TASK_DEFAULT_QUEUE)


@transaction.atomic
def job_start(*, kind: str, area, plan=None, params: dict | None = None, user=None) -> Job:
    """Record a job and queue it once the transaction commits (the worker must see it)."""
    if kind not in HANDLERS:
        raise ValueError(f"No job handler for {kind!r}.")
    job = Job.objects.create(kind=kind, area=area, plan=plan, params=params or {}, created_by=user)
    transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: Job) -> None:
    """Send the job to the queue; if the queue (Redis) cannot be reached, the job fails
    saying so, and the page that started it goes on (no 500): the person tries again later."""
    from kombu.exceptions import OperationalError as BrokerError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    try:
        _task.apply_async((job.pk,), queue=queue_of(job.kind))
    except (BrokerError, RedisConnectionError, RedisTimeoutError, ConnectionError) as error:
        logger.warning("Job %s not queued: %s", job.pk, error)
        now = timezone.now()
        _set(job.pk, state=Job.State.FAILURE, error=UNAVAILABLE, finished_at=now)
        job.state, job.error, job.finished_at = Job.State.FAILURE, UNAVAILABLE, now


@transaction.atomic
def job_retry(*, job: Job) -> Job:
    """Queue a failed job again; refused for one that has not failed.

    A job "running" for longer than STALE_AFTER has lost its worker (killed mid-job; its
    transaction was rolled back, so it wrote nothing half-way) and counts as failed.
    """
    failed = Q(state=Job.State.FAILURE) | Q(
        state=Job.State.RUNNING, started_at__lt=timezone.now() - STALE_AFTER
    )
    claimed = Job.objects.filter(failed, pk=job.pk).update(
        state=Job.State.PENDING, progress=0, error="", message="", finished_at=None
    )
    if not claimed:
        raise JobFailed("Only a failed job can be tried again.")
    transaction.on_commit(lambda: _enqueue(job))
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
