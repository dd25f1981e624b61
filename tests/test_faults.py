"""Jobs and pages under faults.

1. Redis down (the queue and the cache at a closed port): pages serve, computing what they
   cannot reuse; saves answer as saves; starting a job (page, API, retry) records it as
   failed at once with a message saying background work is unavailable, never a 500; a
   change saved during the outage is not hidden by a page from before it; a job that never
   reached the queue may be tried again.
2. A task that fails on a database error is retried with backoff; the last failure is on
   the job page for the person who started it.
3. A real worker (a separate process, through Redis, on PostgreSQL) killed with SIGKILL
   half-way through preparing a return leaves no half-written snapshot; its heartbeat
   stops, so within seconds the job says its worker stopped and can be tried again. Needs
   REDIS_URL and a PostgreSQL DATABASE_URL; skipped without them, and failed without them
   when CI=true. Locally:
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
from submissions.jobs import (
    HANDLERS,
    QUEUE_GRACE,
    UNAVAILABLE,
    JobFailed,
    job_retry,
)
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


def _redis_cache(url: str, prefix: str = "") -> dict:
    """The production cache settings, pointed at `url`."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
            "KEY_PREFIX": prefix,
        }
    }


@pytest.fixture
def redis_down(settings):
    """Redis cannot be reached: tasks are sent (not run eagerly) to a closed port, and the
    cache of reused pages is a Redis cache on that port, with production's timeouts."""
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = CLOSED_PORT_URL
    settings.CACHES = _redis_cache(CLOSED_PORT_URL)
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
    assert time.monotonic() - started < 3  # short connect timeouts, one quick publish retry
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


def test_redis_down_the_dashboard_and_national_view_are_computed_and_served(
    plan, officer, assurer, client_for, redis_down
):
    add_quarter_data(plan)
    pages = [
        (officer, reverse("submissions:dashboard", args=[plan.pk])),
        (assurer, reverse("submissions:national")),
    ]
    for user, url in pages:
        started = time.monotonic()
        response = client_for(user).get(url)
        assert response.status_code == 200, url
        assert time.monotonic() - started < 5, url  # no waiting on the cache
    assert plan.area.name in response.content.decode()  # the national view, computed


def test_redis_down_saving_a_scheme_answers_as_a_save(plan, officer, client_for, redis_down):
    scheme = plan.schemes.first()
    url = reverse("schemes:scheme_edit", kwargs={"pk": plan.pk, "scheme_pk": scheme.pk})
    form = {
        "name": "Assistive technology for carers",
        "theme": scheme.theme_id,
        "status": scheme.status,
        "protection": scheme.protection,
        "lock_version": scheme.lock_version,
        "budgets-TOTAL_FORMS": "0",
        "budgets-INITIAL_FORMS": "0",
        "budgets-MIN_NUM_FORMS": "0",
        "budgets-MAX_NUM_FORMS": "1000",
    }
    response = client_for(officer).post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    scheme.refresh_from_db()
    assert scheme.name == "Assistive technology for carers"


def test_a_change_saved_while_the_cache_was_away_is_not_hidden_by_a_page_from_before(
    db, settings, django_capture_on_commit_callbacks
):
    """The cache comes back holding a page computed before the outage: the process that
    could not announce its change replaces the data token first, so the page is computed
    again. Needs a real Redis (REDIS_URL), which keeps what it held across the outage."""
    from plans.freshness import data_changed, reused

    if not settings.REDIS_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("Set REDIS_URL: the cache's return is tested on a real Redis.")
        pytest.skip("Set REDIS_URL to test the cache's return on a real Redis.")
    prefix = f"bcf-faults-{uuid.uuid4().hex[:12]}"
    settings.CACHES = _redis_cache(settings.REDIS_URL, prefix)
    try:
        assert str(reused("page", (), lambda: "before")) == "before"
        assert str(reused("page", (), lambda: "not computed")) == "before"  # reused
        settings.CACHES = _redis_cache(CLOSED_PORT_URL)  # Redis goes away
        with django_capture_on_commit_callbacks(execute=True):
            data_changed()  # a save: its token cannot be replaced
        assert str(reused("page", (), lambda: "during")) == "during"  # computed, no error
        settings.CACHES = _redis_cache(settings.REDIS_URL, prefix)  # and comes back
        assert str(reused("page", (), lambda: "after")) == "after"
        assert str(reused("page", (), lambda: "not computed")) == "after"
    finally:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()


def test_a_job_that_never_reached_the_queue_may_be_tried_again(
    plan, officer, client_for, django_capture_on_commit_callbacks
):
    """Recorded, then its process stopped before sending it (no queued_at): after a short
    grace it says so and may be tried again; a job just recorded may not."""
    add_quarter_data(plan)
    ret = services.return_get_or_create_draft(
        plan=plan, year=RETURN_YEAR, quarter=RETURN_QUARTER, user=officer
    )
    job = Job.objects.create(
        kind=services.PREPARE,
        area=plan.area,
        plan=plan,
        params={"return_id": ret.pk},
        created_by=officer,
    )
    assert job.stalled == ""
    with pytest.raises(JobFailed):
        job_retry(job=job)
    Job.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - QUEUE_GRACE - datetime.timedelta(seconds=1)
    )
    client = client_for(officer)
    page = client.get(reverse("submissions:job_detail", args=[job.pk])).content.decode()
    assert "This job never reached the queue. Try again." in page
    assert "Try again</button>" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("submissions:job_retry", args=[job.pk]))  # eager: runs at once
    job.refresh_from_db()
    assert (job.state, job.stalled) == (Job.State.SUCCESS, "")
    assert job.queued_at is not None


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


LOST_AFTER = 3  # seconds of silence before a running job counts as lost, in this test


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_leaves_no_half_written_snapshot_and_is_noticed_at_once(
    transactional_db, plan, officer, tmp_path, settings
):
    _require_worker_services()
    settings.JOB_LOST_AFTER_SECONDS = LOST_AFTER
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
        "JOB_HEARTBEAT_SECONDS": "0.5",
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
        # Alive, though silent in its handler for longer than a lost worker may be: its
        # heartbeat says so, and it is not tried again meanwhile.
        paused_at = timezone.now()
        time.sleep(LOST_AFTER + 1)
        job.refresh_from_db()
        assert job.heartbeat_at > paused_at and job.stalled == ""
        with pytest.raises(JobFailed):
            job_retry(job=job)
        os.kill(worker.pid, signal.SIGKILL)  # the worker, by its pid: no cleanup runs
        killed_at = time.monotonic()
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

    # Its heartbeat stops: within LOST_AFTER it says its worker stopped, and may be retried.
    def stalled() -> bool:
        job.refresh_from_db()
        return bool(job.stalled)

    _wait_for(stalled, LOST_AFTER + 5, "the lost worker to be noticed")
    assert time.monotonic() - killed_at < LOST_AFTER + 3
    assert "The worker running this job stopped answering" in job.stalled
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
