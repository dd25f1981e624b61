"""The documents API and pages: POST starts a render job (202), GET lists the documents
with kind, version, created, checksum and url; the download is permission-checked."""

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import token_create
from submissions.documents.services import document_store
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
    # The page's link (the job's result) gives the same file.
    assert client.get(job["result"]["url"]).getvalue() == download.getvalue()


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
    client_for, finance, plan, django_capture_on_commit_callbacks
):
    client = client_for(finance)
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
    assert "Download plan (Part 1) as PDF" in status


def test_the_schema_describes_the_documents_api(client_for, officer):
    schema = client_for(officer).get("/api/schema/").content.decode()
    assert "/api/plans/{id}/documents/" in schema or "/api/plans/{pk}/documents/" in schema
    assert "/checklist/" in schema


def _token_client(user) -> Client:
    """A client with no session, signed in by an API token alone."""
    return Client(headers={"Authorization": f"Token {token_create(user=user, name='Script')[1]}"})


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [
        ("part1-pdf", "application/pdf"),
        ("part2-xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_each_documents_url_fetches_its_file_with_the_apis_token(officer, plan, kind, content_type):
    content = b"%PDF-1.7 a plan" if kind == "part1-pdf" else b"PK a workbook"
    document_store(plan=plan, kind=kind, content=content, source_version="final, 4 April 2014")
    client = _token_client(officer)

    listed = client.get(f"/api/plans/{plan.pk}/documents/").json()
    response = client.get(listed[0]["url"], HTTP_ACCEPT=content_type)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "attachment" in response["Content-Disposition"]
    assert hashlib.sha256(response.getvalue()).hexdigest() == listed[0]["checksum"]
    assert "no-store" in response["Cache-Control"]


def test_a_documents_url_refuses_another_areas_token_and_no_credentials(
    officer, other_officer, plan
):
    document_store(plan=plan, kind="part1-pdf", content=b"%PDF", source_version="final")
    url = _token_client(officer).get(f"/api/plans/{plan.pk}/documents/").json()[0]["url"]

    outsider = _token_client(other_officer).get(url)
    assert outsider.status_code == 403
    assert outsider["Content-Type"] == "application/json"
    assert Client().get(url).status_code in (401, 403)
    bad_token = Client(headers={"Authorization": "Token 0123456789abcdef"}).get(url)
    assert bad_token.status_code in (401, 403)
    missing = _token_client(officer).get(reverse("api-document-file", args=[999999]))
    assert missing.status_code == 404
