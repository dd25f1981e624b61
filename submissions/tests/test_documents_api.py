"""The documents API and pages: POST starts a render job (202), GET lists the documents
with kind, version, created, checksum and url; the download is permission-checked."""

import pytest
from django.urls import reverse

from submissions.models import Document, Job

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("kind", ["part1-pdf", "part2-xlsx"])
def test_posting_a_kind_starts_a_job_that_stores_the_document(
    client_for, officer, plan, kind, django_capture_on_commit_callbacks
):
    client = client_for(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/plans/{plan.pk}/documents/", {"kind": kind}, content_type="application/json"
        )
    assert response.status_code == 202
    job_id = response.json()["job"]
    job = client.get(f"/api/jobs/{job_id}/").json()
    assert job["state"] == "success", job["error"]
    assert job["progress"] == 100
    listed = client.get(f"/api/plans/{plan.pk}/documents/").json()
    assert [d["kind"] for d in listed] == [kind]
    document = listed[0]
    assert document["version"] == "final, 4 April 2014"
    assert len(document["checksum"]) == 64
    assert document["created"]
    download = client.get(document["url"])
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert document["url"].endswith(job["result"]["url"])


def test_an_unknown_kind_is_refused(client_for, officer, plan):
    response = client_for(officer).post(
        f"/api/plans/{plan.pk}/documents/", {"kind": "poster"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_an_officer_of_another_area_cannot_render_or_download(
    client_for, officer, other_officer, plan, django_capture_on_commit_callbacks
):
    outsider = client_for(other_officer)
    response = outsider.post(
        f"/api/plans/{plan.pk}/documents/", {"kind": "part2-xlsx"}, content_type="application/json"
    )
    assert response.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        client_for(officer).post(
            reverse("submissions:document_render", args=[plan.pk]), {"kind": "part2-xlsx"}
        )
    document = Document.objects.get()
    url = reverse("submissions:document_download", args=[document.pk])
    assert outsider.get(url).status_code == 403
    assert client_for(officer).get(url).status_code == 200


def test_the_page_button_starts_the_job_and_shows_its_progress_page(
    client_for, board, plan, django_capture_on_commit_callbacks
):
    client = client_for(board)
    page = client.get(reverse("submissions:document_list", args=[plan.pk]))
    assert "Export PDF" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("submissions:document_render", args=[plan.pk]), {"kind": "part1-pdf"}
        )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("submissions:job_detail", args=[job.pk])
    status = client.get(response["Location"]).content.decode()
    assert "Download plan (part 1) as pdf" in status


def test_the_schema_describes_the_documents_api(client_for, officer):
    schema = client_for(officer).get("/api/schema/").content.decode()
    assert "/api/plans/{id}/documents/" in schema or "/api/plans/{pk}/documents/" in schema
    assert "/checklist/" in schema
