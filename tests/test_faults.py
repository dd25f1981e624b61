"""Jobs under faults (issue 8, point 6).

1. Redis down: pages still serve; starting a job (page, API, retry) records it as failed
   with a message saying background work is unavailable, never a 500.
2. A task that fails on a database error is retried with backoff; the last failure is on
   the job page for the person who started it.
3. A real worker (a separate process, through Redis, on PostgreSQL) killed with SIGKILL
   half-way through preparing a return leaves no half-written snapshot, and the job can be
   tried again. Needs REDIS_URL and a PostgreSQL DATABASE_URL; skipped without them, and
   failed without them when CI=true. Locally:
   REDIS_URL=redis://127.0.0.1:6379/0 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bcf_faults
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from bcf.celery import app
from submissions import services
from submissions.jobs import HANDLERS, STALE_AFTER, UNAVAILABLE, JobFailed, job_retry
from submissions.models import Job, QuarterlyReturn
from submissions.tasks import run_job
from submissions.tests.conftest import RETURN_QUARTER, RETURN_YEAR, add_quarter_data

CLOSED_PORT_URL = "redis://127.0.0.1:6390/0"  # nothing listens here


def _reset_connections() -> None:
    """Forget the broker connection pools, so the next send uses the current broker_url."""
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def redis_down():
    """The job queue cannot be reached: tasks are sent (not run eagerly) to a closed port."""
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = CLOSED_PORT_URL
    _reset_connections()
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        _reset_connections()


# 1. Redis down -----------------------------------------------------------------------------


def test_redis_down_the_api_records_a_failed_job_that_says_why(
    plan, officer, client_for, redis_down, django_capture_on_commit_callbacks
):
    add_quarter_data(plan)
    client = client_for(officer)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/plans/{plan.pk}/returns/",
            {"year": "2015/16", "quarter": RETURN_QUARTER},
            content_type="application/json",
        )
    assert response.status_code == 202, response.content
    assert time.monotonic() - started < 15  # the publish retries give up quickly
    job = client.get(reverse("api-job-detail", kwargs={"pk": response.json()["job"]})).json()
    assert (job["state"], job["error"]) == ("failure", UNAVAILABLE)
    # The return was started (its draft is there), only its preparation waits.
    ret = QuarterlyReturn.objects.get(plan=plan, year=RETURN_YEAR, quarter=RETURN_QUARTER)
    assert not ret.snapshot


def test_redis_down_the_pages_serve_and_say_background_work_is_unavailable(
    plan, officer, client_for, redis_down, django_capture_on_commit_callbacks
):
    client = client_for(officer)
    for url in (
        reverse("plans:plan_detail", args=[plan.pk]),
        reverse("submissions:return_list", args=[plan.pk]),
    ):
        assert client.get(url).status_code == 200, url
    # (The callbacks run when the block ends, as they would when the request's transaction
    # commits; the redirect is followed after that.)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("submissions:return_list", args=[plan.pk]),
            {"year": "2015/16", "quarter": RETURN_QUARTER},
        )
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert UNAVAILABLE in response.content.decode()
    job = Job.objects.get(plan=plan)
    assert (job.state, job.error) == (Job.State.FAILURE, UNAVAILABLE)
    # Its page says so, and trying again while Redis is still down says so again.
    page = client.get(reverse("submissions:job_detail", args=[job.pk]))
    assert page.status_code == 200 and UNAVAILABLE in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("submissions:job_retry", args=[job.pk]))
    assert again.status_code == 302
    again = client.get(again["Location"])
    assert again.status_code == 200 and UNAVAILABLE in again.content.decode()
    job.refresh_from_db()
    assert (job.state, job.error) == (Job.State.FAILURE, UNAVAILABLE)


def test_when_redis_is_back_the_unavailable_job_can_be_tried_again(
    plan, officer, client_for, redis_down, django_capture_on_commit_callbacks
):
    add_quarter_data(plan)
    client = client_for(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("submissions:return_list", args=[plan.pk]),
            {"year": "2015/16", "quarter": RETURN_QUARTER},
        )
    job = Job.objects.get(plan=plan)
    assert job.state == Job.State.FAILURE
    app.conf.task_always_eager = True  # the queue is back (in-process for the test)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("submissions:job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.error) == (Job.State.SUCCESS, "")
    assert QuarterlyReturn.objects.get(pk=job.result["return"]).checksum


# 2. Retried with backoff; the failure is shown ---------------------------------------------


def test_run_job_retries_database_errors_with_backoff():
    assert OperationalError in run_job.autoretry_for
    assert run_job.retry_backoff is True and run_job.retry_backoff_max == 60
    assert run_job.max_retries == 3
    assert run_job.acks_late is True  # a worker that dies before finishing: redelivered


@pytest.fixture
def flaky_handler():
    """A job kind whose handler loses the database the first `failures` times."""
    calls = []

    def flaky(job, progress):
        calls.append(job.pk)
        progress(30, "Working")
        if len(calls) <= job.params["failures"]:
            raise OperationalError("server closed the connection unexpectedly")
        return {"calls": len(calls)}

    HANDLERS["test-flaky"] = flaky
    yield calls
    del HANDLERS["test-flaky"]


def _run_flaky(plan, user, failures) -> Job:
    """Record the job (its on-commit send is not run) and run the task as Celery would,
    retries included: in-process, with errors kept in the result rather than raised (the
    test settings raise them, which would stop Celery's eager retries at the first)."""
    from submissions.jobs import job_start

    job = job_start(
        kind="test-flaky", area=plan.area, plan=plan, params={"failures": failures}, user=user
    )
    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    try:
        run_job.apply((job.pk,))
    finally:
        app.conf.task_eager_propagates = saved
    job.refresh_from_db()
    return job


def test_a_job_that_loses_the_database_once_is_retried_and_finishes(plan, officer, flaky_handler):
    job = _run_flaky(plan, officer, failures=1)
    assert (job.state, job.error, job.attempts) == (Job.State.SUCCESS, "", 2)
    assert job.result == {"calls": 2}
    assert len(flaky_handler) == 2


def test_a_job_that_keeps_failing_stops_after_its_retries_and_shows_why(
    plan, officer, client_for, flaky_handler
):
    job = _run_flaky(plan, officer, failures=99)
    assert job.state == Job.State.FAILURE
    assert job.attempts == len(flaky_handler) == 1 + run_job.max_retries
    assert "unexpected error (OperationalError)" in job.error
    page = client_for(officer).get(reverse("submissions:job_detail", args=[job.pk]))
    body = page.content.decode()
    assert "Why it failed" in body and "unexpected error (OperationalError)" in body
    assert "Try again" in body  # the person who started it may try again


# 3. A real worker killed mid-job -------------------------------------------------------------


def _require_worker_services() -> None:
    missing = []
    if not settings.REDIS_URL:
        missing.append("REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
    if connection.vendor != "postgresql":
        missing.append("a PostgreSQL DATABASE_URL (the worker process shares the test database)")
    if missing:
        reason = "The killed-worker test needs " + " and ".join(missing) + "."
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def _database_url() -> str:
    s = connection.settings_dict
    credentials = s["USER"] or ""
    if s["PASSWORD"]:
        credentials += f":{s['PASSWORD']}"
    host = f"{credentials}@" if credentials else ""
    host += s["HOST"] or "127.0.0.1"
    if s["PORT"]:
        host += f":{s['PORT']}"
    return f"postgres://{host}/{s['NAME']}"


def _wait_for(condition, seconds: float, what: str, worker=None, log: Path | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"The worker exited ({worker.returncode}):\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    tail = log.read_text()[-3000:] if log else ""
    pytest.fail(f"Timed out waiting for {what}.\n{tail}")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_leaves_no_half_written_snapshot(
    transactional_db, plan, officer, tmp_path
):
    _require_worker_services()
    add_quarter_data(plan)
    ret = services.return_get_or_create_draft(
        plan=plan, year=RETURN_YEAR, quarter=RETURN_QUARTER, user=officer
    )
    history_before = ret.history.count()
    # The job as job_start records it; it is sent below to a queue only this worker reads.
    job = Job.objects.create(
        kind=services.PREPARE,
        area=plan.area,
        plan=plan,
        params={"return_id": ret.pk},
        created_by=officer,
    )
    queue = f"bcf-faults-{uuid.uuid4().hex[:12]}"
    pause_file, log = tmp_path / "paused", tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bcf.settings_test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_EAGER": "false",
        "BCF_FAULT_PAUSE_FILE": str(pause_file),
    }
    celery = Path(sys.executable).with_name("celery")
    command = [
        str(celery), "-A", "bcf", "worker", "--pool=solo", "-c", "1", "-Q", queue,
        "-I", "tests.fault_worker", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "-l", "info",
    ]  # fmt: skip
    with log.open("w") as out:
        worker = subprocess.Popen(  # noqa: S603  a fixed command line, no shell
            command,
            env=env,
            cwd=settings.BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    saved_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        run_job.apply_async((job.pk,), queue=queue)
        # The worker claims the job, records progress, writes the snapshot inside
        # return_prepare's transaction, signals, and sleeps before committing.
        _wait_for(pause_file.exists, 25, "the worker to reach the snapshot", worker, log)
        written_pk, written_checksum = pause_file.read_text().split()
        assert int(written_pk) == ret.pk and len(written_checksum) == 64  # written, uncommitted
        job.refresh_from_db()
        assert (job.state, job.progress) == (Job.State.RUNNING, 10)
        assert job.message.startswith("Computing the 2015/16 Q2 figures")
        os.kill(worker.pid, signal.SIGKILL)  # the worker, by its pid: no cleanup runs
        worker.wait(timeout=10)
    finally:
        app.conf.task_always_eager = saved_eager
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        _drop_queue(queue)

    # PostgreSQL rolls the dead connection's transaction back; wait until it has gone.
    def no_open_transaction() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%%'"
            )
            return cursor.fetchone()[0] == 0

    _wait_for(no_open_transaction, 10, "PostgreSQL to end the killed worker's transaction")

    ret.refresh_from_db()
    assert (ret.snapshot, ret.checksum, ret.prepared_at) in ((None, "", None), ({}, "", None))
    assert ret.history.count() == history_before  # no "Snapshot computed" record either
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING  # its worker is gone; nobody will finish it

    # Not tried again while it might still be running somewhere…
    with pytest.raises(JobFailed):
        job_retry(job=job)
    # …but once it is older than any job takes, its owner may try it again.
    Job.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - STALE_AFTER - datetime.timedelta(minutes=1)
    )
    job_retry(job=job)  # runs in-process (eager), after the commit
    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.SUCCESS, 2), job.error
    ret.refresh_from_db()
    assert ret.checksum == services.checksum_of(ret.snapshot)
    assert ret.snapshot["period"]["label"] == "2015/16 Q2"
    assert ret.history.count() == history_before + 1


def _drop_queue(queue: str) -> None:
    """Remove the private queue's key (its unacknowledged message would otherwise linger)."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        client.delete(queue)
    finally:
        client.close()
