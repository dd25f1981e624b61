from django.urls import reverse

from submissions.models import Job, QuarterlyReturn
from submissions.tests.conftest import RETURN_QUARTER


def _post(client, plan, capture, **body):
    with capture(execute=True):
        return client.post(
            reverse("api-plan-returns", kwargs={"pk": plan.pk}),
            body or {"year": "2015/16", "quarter": RETURN_QUARTER},
            content_type="application/json",
        )


def test_starting_a_return_answers_202_with_the_job_and_reuses_the_draft(
    quarter_data, officer, client_for, django_capture_on_commit_callbacks
):
    client = client_for(officer)
    first = _post(client, quarter_data, django_capture_on_commit_callbacks)
    second = _post(client, quarter_data, django_capture_on_commit_callbacks)
    assert (first.status_code, second.status_code) == (202, 202)
    assert set(first.json()) == {"job"}
    jobs = Job.objects.filter(pk__in=[first.json()["job"], second.json()["job"]])
    assert {job.result["return"] for job in jobs} == {QuarterlyReturn.objects.get().pk}
    job = client.get(reverse("api-job-detail", kwargs={"pk": first.json()["job"]})).json()
    assert (job["state"], job["progress"]) == ("success", 100)
    listing = client.get(reverse("api-plan-returns", kwargs={"pk": quarter_data.pk})).json()
    ret = QuarterlyReturn.objects.get()
    assert listing == [
        {
            "id": ret.pk,
            "year": "2015/16",
            "quarter": 2,
            "kind": "quarterly",
            "version": 1,
            "status": "draft",
            "approved_on": None,
            "submitted_on": None,
            "checksum": ret.checksum,
            "documents": [],  # none rendered yet
        }
    ]
    detail = client.get(reverse("api-return-detail", kwargs={"pk": ret.pk})).json()
    assert detail["snapshot"] == ret.snapshot
    assert detail["snapshot"]["finance"]["pooled_budget"]["agreed_total"] == "17000000.00"


def test_starting_a_return_is_refused_to_readers_and_outside_the_plan(
    quarter_data, executive, officer, other_officer, client_for, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert _post(client_for(executive), quarter_data, capture).status_code == 403
    assert _post(client_for(other_officer), quarter_data, capture).status_code == 403
    bad = _post(client_for(officer), quarter_data, capture, year="2019/20", quarter=1)
    assert bad.status_code == 400
    assert _post(client_for(officer), quarter_data, capture, year="x", quarter=5).status_code == 400
    assert not QuarterlyReturn.objects.exists()


def test_the_pages_show_the_dashboard_and_the_return(
    quarter_data, officer, executive, client_for, django_capture_on_commit_callbacks
):
    page = client_for(executive).get(
        reverse("submissions:dashboard", kwargs={"pk": quarter_data.pk}),
        {"year": "2015/16", "quarter": 2},
    )
    text = page.content.decode()
    assert "Quarterly dashboard, 2015/16 Q2" in text
    assert f"/plans/{quarter_data.pk}/metrics/non-elective-admissions/" in text
    assert "In progress" in text and "31 March 2016" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(officer).post(
            reverse("submissions:return_list", kwargs={"pk": quarter_data.pk}),
            {"year": "2015/16", "quarter": "2"},
        )
    ret = QuarterlyReturn.objects.get()
    assert response.status_code == 302
    detail = client_for(executive).get(response.url).content.decode()
    assert "Approval trail" in detail and "Snapshot" in detail
    assert ret.checksum in detail
    refused = client_for(executive).post(reverse("submissions:return_ready", args=[ret.pk]))
    assert refused.status_code == 403
    diff = client_for(executive).get(reverse("submissions:return_diff", args=[ret.pk]))
    assert diff.status_code == 200
    # A version to compare against that is not a whole number is not read (²: a digit to
    # str.isdigit, not to int()); one too big names no return.
    for against, status in (("²", 200), ("x:y", 200), ("99999999999999999999", 200)):
        diff = client_for(executive).get(
            reverse("submissions:return_diff", args=[ret.pk]), {"against": against}
        )
        assert diff.status_code == status, against
    assert (
        client_for(executive)
        .get(reverse("submissions:return_diff", args=[ret.pk]), {"against": "2147483647"})
        .status_code
        == 404
    )
