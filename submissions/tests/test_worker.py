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


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_a_national_publication_for_every_area(
    transactional_db, redis_worker, settings, tmp_path
):
    """The upload page keeps the file and starts the job; a worker applies it."""
    import datetime
    from pathlib import Path

    from metrics import publications
    from metrics import services as metric_services
    from metrics.models import Actual, Layout, Publication
    from submissions.jobs import job_start
    from submissions.publications import KIND
    from tests.factories import AreaFactory, MetricDefinitionFactory, PlanFactory, UserFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    plans = [
        PlanFactory(area=AreaFactory(code="E10000018")),
        PlanFactory(area=AreaFactory(code="E06000017")),
    ]
    falls = MetricDefinitionFactory(code="falls-admissions-65-dsr", unit="age_std_100k_year")
    metric_services.national_indicators_set(metric=falls, indicators=[(Layout.FINGERTIPS, "22401")])
    name = "fingertips_falls_2016.csv"
    content = (
        Path(__file__).resolve().parents[2] / "metrics/tests/publications" / name
    ).read_bytes()
    preview = publications.preview(content, Layout.FINGERTIPS)
    job = job_start(
        kind=KIND,
        area=None,
        params={
            "token": publications.keep(content),
            "fingerprint": preview.fingerprint(),
            "layout": Layout.FINGERTIPS,
            "name": "PHOF, November 2016",
            "published_on": "2016-11-01",
            "url": "",
            "file_name": name,
        },
        user=UserFactory(superuser=True),
    )
    job = _finished(job)
    assert job.state == Job.State.SUCCESS, (job.state, job.error)
    publication = Publication.objects.get(pk=job.result["publication"])
    assert publication.published_on == datetime.date(2016, 11, 1)
    held = Actual.objects.filter(publication=publication)
    assert held.count() == len(preview.added) == 3
    assert {a.plan_id for a in held} == {p.pk for p in plans}
