"""A return prepared by a real Celery worker through Redis, not eager mode.

CI sets REDIS_URL; the test turns eager mode off for itself. Locally:
REDIS_URL=redis://127.0.0.1:6379/0 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bcf_returns
"""

import os
import time

import pytest
from django.conf import settings

from submissions import services
from submissions.models import Job, QuarterlyReturn
from submissions.tests.conftest import RETURN_QUARTER, RETURN_YEAR, add_quarter_data


@pytest.fixture
def redis_worker():
    if not settings.REDIS_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the worker test: set REDIS_URL to a Redis server.")
        pytest.skip("Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run a real worker.")
    from celery.contrib.testing.worker import start_worker

    from bcf.celery import app

    # The test settings run tasks eagerly; this test sends them through Redis to a worker,
    # which consumes both queues: jobs', and documents' own.
    app.conf.task_always_eager = False
    queues = [settings.CELERY_TASK_DEFAULT_QUEUE, settings.DOCUMENTS_QUEUE]
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=queues
        ):
            yield app
    finally:
        app.conf.task_always_eager = True


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_prepares_a_return_started_through_the_api(
    transactional_db, plan, officer, client_for, redis_worker
):
    add_quarter_data(plan)
    response = client_for(officer).post(
        f"/api/plans/{plan.pk}/returns/",
        {"year": "2015/16", "quarter": RETURN_QUARTER},
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    job_id = response.json()["job"]
    deadline = time.monotonic() + 60
    job = Job.objects.get(pk=job_id)
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    assert job.state == Job.State.SUCCESS, (job.state, job.error)
    ret = QuarterlyReturn.objects.get(pk=job.result["return"])
    assert (ret.plan, ret.year, ret.quarter) == (plan, RETURN_YEAR, RETURN_QUARTER)
    assert ret.checksum == services.checksum_of(ret.snapshot)
    assert ret.snapshot == services.compute_snapshot(ret)
    assert ret.snapshot["period"]["label"] == "2015/16 Q2"


def _finished(job: Job, seconds: float = 90) -> Job:
    deadline = time.monotonic() + seconds
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    return job


@pytest.mark.django_db(transaction=True)
def test_documents_render_on_their_own_queue_which_the_worker_consumes(
    transactional_db, plan, officer, redis_worker
):
    from submissions.documents.requests import document_request
    from submissions.jobs import queue_of
    from submissions.models import Document
    from tests.pdf import pdf_text

    assert queue_of("render-part1") == settings.DOCUMENTS_QUEUE != queue_of(services.PREPARE)
    job = _finished(document_request(kind="part1-pdf", obj=plan, user=officer))
    assert job.state == Job.State.SUCCESS, (job.state, job.error)
    document = Document.objects.get(job=job)
    assert plan.title in pdf_text(document.file.read())
