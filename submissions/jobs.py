"""Background jobs: a registry of handlers by kind, starting a job, and running one.

The handlers and the Celery task that runs a job are given by the app's AppConfig.ready()
(submissions/apps.py, from submissions/handlers.py and submissions/tasks.py): this module
imports neither, so that the tasks, which call it and the services, form no cycle with it.

A handler is `handler(job, progress) -> dict`: it does the work through the services,
calls `progress(percent, message)` as it goes, and returns the result (ids of what it
made). It must be idempotent: running it twice for the same job makes nothing twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from submissions.models import QUEUE_GRACE, STALE_AFTER, Job  # noqa: F401  (re-exported)

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

# A job not sent to the queue this long after it was recorded, or waiting in the queue this
# long, may be tried again (Job.stalled, with QUEUE_GRACE and STALE_AFTER from the model).


def _heartbeat_every() -> float:
    """Seconds between a running job's signs of life (settings.JOB_HEARTBEAT_SECONDS)."""
    return float(getattr(settings, "JOB_HEARTBEAT_SECONDS", 10))


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

    return QUEUES.get(kind, settings.CELERY_TASK_DEFAULT_QUEUE)


@transaction.atomic
def job_start(*, kind: str, area, plan=None, params: dict | None = None, user=None) -> Job:
    """Record a job and queue it once the transaction commits (the worker must see it)."""
    if kind not in HANDLERS:
        raise ValueError(f"No job handler for {kind!r}.")
    job = Job.objects.create(kind=kind, area=area, plan=plan, params=params or {}, created_by=user)
    # Robust: whatever another commit callback raises, the job is sent, or marked failed.
    transaction.on_commit(lambda: _enqueue(job), robust=True)
    return job


def _enqueue(job: Job) -> None:
    """Send the job to the queue; if the queue (Redis) cannot be reached, the job fails
    saying so, and the page that started it goes on (no 500): the person tries again later.
    The connection timeouts in settings make that answer come within about a second."""
    from kombu.exceptions import OperationalError as BrokerError
    from redis.exceptions import RedisError

    if settings.CELERY_TASK_ALWAYS_EAGER and settings.JOBS_IN_THREAD:
        _run_in_thread(job.pk)
        return
    try:
        _task.apply_async((job.pk,), queue=queue_of(job.kind))
    except (BrokerError, RedisError, ConnectionError, TimeoutError) as error:
        logger.warning("Job %s not queued: %s", job.pk, error)
        now = timezone.now()
        _set(job.pk, state=Job.State.FAILURE, error=UNAVAILABLE, finished_at=now)
        job.state, job.error, job.finished_at = Job.State.FAILURE, UNAVAILABLE, now
    else:
        Job.objects.filter(pk=job.pk, queued_at__isnull=True).update(queued_at=timezone.now())


def _run_in_thread(job_id: int) -> threading.Thread:
    """With no worker, run the job beside the request rather than inside it: the page that
    started it answers at once and shows its progress while it runs (the embedded setup)."""

    def run() -> None:
        try:
            _task.apply((job_id,))
        except Exception:  # recorded on the job by job_run; nothing waits on this thread
            logger.exception("Job %s failed in its thread", job_id)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=f"job-{job_id}", daemon=True)
    thread.start()
    return thread


@transaction.atomic
def job_retry(*, job: Job) -> Job:
    """Queue a job again: one that failed, or one that will not finish by itself
    (`Job.stalled`: its worker was lost mid-job, or it never reached the queue). A lost
    worker's transaction was rolled back, so it wrote nothing half-way."""
    current = Job.objects.select_for_update().get(pk=job.pk)
    if current.state != Job.State.FAILURE and not current.stalled:
        raise JobFailed("Only a failed or stopped job can be tried again.")
    _set(
        job.pk,
        state=Job.State.PENDING,
        progress=0,
        error="",
        message="",
        queued_at=None,
        started_at=None,
        heartbeat_at=None,
        finished_at=None,
    )
    transaction.on_commit(lambda: _enqueue(job), robust=True)
    job.refresh_from_db()
    return job


def _set(job_id: int, **fields) -> None:
    Job.objects.filter(pk=job_id).update(**fields)  # job bookkeeping: Job keeps no history


class _Heartbeat(threading.Thread):
    """Records, every few seconds while a worker runs a job, that the worker is alive: a
    worker killed mid-job falls silent, and the job may be tried again within a minute
    rather than when the queue's visibility timeout redelivers it."""

    def __init__(self, job_id: int):
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id = job_id
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while not self.done.wait(_heartbeat_every()):
                try:
                    _beat(self.job_id)
                except DatabaseError as error:  # the next beat may get through
                    logger.warning("Job %s heartbeat not recorded: %s", self.job_id, error)
        finally:
            connection.close()  # this thread's own connection


def _beat(job_id: int) -> None:
    with transaction.atomic():
        # Skip a beat rather than wait while the job's own transaction holds its row.
        row = Job.objects.select_for_update(skip_locked=True).filter(
            pk=job_id, state=Job.State.RUNNING
        )
        if row.exists():
            row.update(heartbeat_at=timezone.now())


def job_run(job_id: int, *, heartbeat: bool = False) -> Job:
    """Run a pending job: claim it (only one worker can), call its handler, record the end.

    The claim is a conditional update whose row count says whether this worker won it, so
    a task delivered twice runs the handler once. With `heartbeat` (a worker process, not
    in-process), a thread records every few seconds that the job is alive; handlers call
    `progress` outside their own transactions, so that it is seen at once.
    """
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.PENDING).update(
        state=Job.State.RUNNING, started_at=now, heartbeat_at=now
    )
    job = Job.objects.get(pk=job_id)
    if not claimed:
        return job
    _set(job_id, attempts=job.attempts + 1)

    def progress(percent: int, message: str = "") -> None:
        _set(
            job_id,
            progress=max(0, min(100, int(percent))),
            message=message[:250],
            heartbeat_at=timezone.now(),
        )

    beating = _Heartbeat(job_id) if heartbeat else None
    if beating is not None:
        beating.start()
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
    finally:
        if beating is not None:
            beating.done.set()
            beating.join()
    job.refresh_from_db()
    return job
