from django.urls import reverse

from submissions.jobs import job_retry, job_run, job_start
from submissions.models import Job


def _start(plan, user, django_capture_on_commit_callbacks, **params):
    with django_capture_on_commit_callbacks(execute=True):
        return job_start(kind="test-echo", area=plan.area, plan=plan, params=params, user=user)


def test_a_job_runs_once_and_records_its_result(
    plan, officer, echo_handler, django_capture_on_commit_callbacks
):
    job = _start(plan, officer, django_capture_on_commit_callbacks, value=7)
    job.refresh_from_db()
    assert (job.state, job.progress, job.result) == (Job.State.SUCCESS, 100, {"echo": 7})
    # Delivered again (a redelivered task): nothing runs twice.
    job_run(job.pk)
    assert echo_handler == [job.pk]


def test_a_failed_job_says_why_and_can_be_tried_again(
    plan, officer, echo_handler, django_capture_on_commit_callbacks
):
    job = _start(plan, officer, django_capture_on_commit_callbacks, fail="No quarter chosen")
    job.refresh_from_db()
    assert (job.state, job.error) == (Job.State.FAILURE, "No quarter chosen")
    job.params = {"value": 1}
    job.save()
    with django_capture_on_commit_callbacks(execute=True):
        job_retry(job=job)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == (Job.State.SUCCESS, 2, "")


def test_job_api_and_page_show_state_to_the_area_only(
    client_for, officer, other_officer, plan, echo_handler, django_capture_on_commit_callbacks
):
    job = _start(plan, officer, django_capture_on_commit_callbacks, value=1)
    response = client_for(officer).get(reverse("api-job-detail", kwargs={"pk": job.pk}))
    assert response.json() == {
        "id": job.pk,
        "kind": "test-echo",
        "state": "success",
        "progress": 100,
        "message": "Half way",
        "error": "",
        "stalled": "",
        "result": {"echo": 1},
    }
    page = client_for(officer).get(reverse("submissions:job_detail", kwargs={"pk": job.pk}))
    assert "Finished" in page.content.decode()
    assert (
        client_for(other_officer).get(reverse("api-job-detail", kwargs={"pk": job.pk})).status_code
        == 403
    )


def test_only_the_person_who_started_a_job_retries_it(
    client_for, officer, admin_user, finance, plan, echo_handler, django_capture_on_commit_callbacks
):
    job = _start(plan, officer, django_capture_on_commit_callbacks, fail="Broken")
    url = reverse("submissions:job_retry", kwargs={"pk": job.pk})
    assert client_for(finance).post(url).status_code == 403
    assert client_for(officer).post(url).status_code == 302
