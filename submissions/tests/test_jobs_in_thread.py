"""In the embedded setup (no worker), a job started from a page answers at once and runs
beside the request, its progress recorded as it goes."""

from __future__ import annotations

import threading
import time

import pytest

from submissions.jobs import HANDLERS, job_start
from submissions.models import Job


@pytest.fixture
def slow_handler():
    """A job that waits until the test lets it finish."""
    release, started = threading.Event(), threading.Event()

    def slow(job, progress):
        started.set()
        progress(40, "Rendering")
        assert release.wait(10), "the test never let the job finish"
        return {"done": True}

    HANDLERS["test-slow"] = slow
    yield release, started
    del HANDLERS["test-slow"]


def _state(job_id: int) -> Job:
    return Job.objects.get(pk=job_id)


@pytest.mark.django_db(transaction=True)
def test_a_job_answers_at_once_and_runs_in_its_own_thread(settings, area, slow_handler):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.JOBS_IN_THREAD = True
    release, started = slow_handler

    job = job_start(kind="test-slow", area=area)  # commits: the thread starts now
    assert started.wait(10)
    assert _state(job.pk).state in (Job.State.PENDING, Job.State.RUNNING)  # not finished

    deadline = time.monotonic() + 10
    while _state(job.pk).progress < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _state(job.pk).message == "Rendering"

    release.set()
    while _state(job.pk).state != Job.State.SUCCESS and time.monotonic() < deadline:
        time.sleep(0.05)
    finished = _state(job.pk)
    assert finished.state == Job.State.SUCCESS and finished.result == {"done": True}


@pytest.mark.django_db(transaction=True)
def test_with_threads_off_a_job_runs_in_the_request_as_the_tests_expect(
    settings, area, echo_handler
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.JOBS_IN_THREAD = False
    job = job_start(kind="test-echo", area=area, params={"value": 1})
    assert _state(job.pk).state == Job.State.SUCCESS
