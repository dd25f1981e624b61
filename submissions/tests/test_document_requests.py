"""Asking for documents (submissions/documents/services.py): only the roles that prepare the
papers start renders, at most RENDER_LIMIT each in RENDER_WINDOW; asking again for a
document of unchanged data gives the stored one, and asking while one is being made gives
that job, so a flood of identical requests makes one job and one file. A meeting's minutes
as PDF are such a stored document, made by a job, never laid out inside a page's request."""

from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from governance import services as governance_services
from governance.pdf import html_to_pdf
from governance.selectors import minutes_html
from submissions.documents.requests import RENDER_LIMIT, document_request
from submissions.models import Document, Job
from tests.pdf import pdf_pages, pdf_text, weasyprint_warnings

FLOOD = 8


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _render_jobs():
    return Job.objects.filter(kind__startswith="render-")


def test_a_flood_of_identical_renders_makes_one_job_and_one_file(
    plan, officer, client_for, django_capture_on_commit_callbacks
):
    client = client_for(officer)
    url = reverse("submissions:document_render", args=[plan.pk])
    responses = []
    for _ in range(FLOOD):
        with django_capture_on_commit_callbacks(execute=True):
            responses.append(client.post(url, {"kind": "part1-pdf"}))
    job = _render_jobs().get()
    document = Document.objects.get(plan=plan)
    assert (job.state, job.result["document"]) == (Job.State.SUCCESS, document.pk)
    assert responses[0]["Location"] == reverse("submissions:job_detail", args=[job.pk])
    again = reverse("submissions:document_list", args=[plan.pk])
    assert {r["Location"] for r in responses[1:]} == {again}
    page = client.get(again).content.decode()
    assert "Nothing has changed since the plan (Part 1) as PDF of" in page
    # The API answers the same: the stored document, with the job that made it.
    api = client.post(
        f"/api/plans/{plan.pk}/documents/", {"kind": "part1-pdf"}, content_type="application/json"
    )
    assert (api.status_code, api.json()) == (200, {"document": document.pk, "job": job.pk})
    assert _render_jobs().count() == 1 and Document.objects.count() == 1


def test_identical_requests_while_the_first_is_queued_get_its_job(plan, officer, finance):
    """Not yet run (its commit callbacks are not run here): everyone asking gets that job."""
    first = document_request(kind="part2-xlsx", obj=plan, user=officer)
    assert isinstance(first, Job) and first.state == Job.State.PENDING
    for user in (officer, finance, officer):
        assert document_request(kind="part2-xlsx", obj=plan, user=user) == first
    assert _render_jobs().count() == 1
    # Another kind of document is another render.
    other = document_request(kind="part1-pdf", obj=plan, user=officer)
    assert other != first and _render_jobs().count() == 2


def test_a_change_to_what_the_document_shows_makes_a_new_one(
    plan, officer, django_capture_on_commit_callbacks
):
    from schemes import services as scheme_services

    with django_capture_on_commit_callbacks(execute=True):
        document_request(kind="part2-xlsx", obj=plan, user=officer)
    first = Document.objects.get()
    scheme = plan.schemes.first()
    scheme_services.scheme_update(
        scheme=scheme,
        expected_version=scheme.lock_version,
        user=officer,
        name="Assistive technology for carers",
    )
    with django_capture_on_commit_callbacks(execute=True):
        made = document_request(kind="part2-xlsx", obj=plan, user=officer)
    assert isinstance(made, Job)
    assert Document.objects.count() == 2
    assert Document.objects.exclude(pk=first.pk).get().fingerprint != first.fingerprint


@pytest.mark.parametrize("role", ["board", "executive", "assurer"])
def test_read_only_roles_are_refused_and_offered_the_stored_documents(
    request, plan, officer, client_for, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document_request(kind="part1-pdf", obj=plan, user=officer)
    reader = client_for(request.getfixturevalue(role))
    jobs = _render_jobs().count()
    for kind in ("part1-pdf", "part2-xlsx"):
        response = reader.post(
            reverse("submissions:document_render", args=[plan.pk]), {"kind": kind}
        )
        assert response.status_code == 403
        api = reader.post(
            f"/api/plans/{plan.pk}/documents/", {"kind": kind}, content_type="application/json"
        )
        assert api.status_code == 403
    assert _render_jobs().count() == jobs
    page = reader.get(reverse("submissions:document_list", args=[plan.pk])).content.decode()
    assert "Export PDF (Part 1)" not in page
    assert "programme officers and finance leads make these documents" in page
    document = Document.objects.get()
    download = reader.get(reverse("submissions:document_download", args=[document.pk]))
    assert download.status_code == 200


def test_one_person_may_start_only_so_many_renders_in_a_while(plan, officer, client_for):
    for _ in range(RENDER_LIMIT):
        Job.objects.create(kind="render-part1", area=plan.area, plan=plan, created_by=officer)
    client = client_for(officer)
    response = client.post(
        reverse("submissions:document_render", args=[plan.pk]), {"kind": "part2-xlsx"}, follow=True
    )
    assert f"You have started {RENDER_LIMIT} documents in the last 10 minutes" in (
        response.content.decode()
    )
    api = client.post(
        f"/api/plans/{plan.pk}/documents/", {"kind": "part2-xlsx"}, content_type="application/json"
    )
    assert api.status_code == 429 and "try again in a few minutes" in api.json()["detail"]
    assert _render_jobs().count() == RENDER_LIMIT
    # Renders started longer ago than the window no longer count.
    Job.objects.update(created_at=datetime.datetime(2014, 4, 1, tzinfo=datetime.UTC))
    assert isinstance(document_request(kind="part2-xlsx", obj=plan, user=officer), Job)


@pytest.fixture
def minuted_meeting(plan):
    board = governance_services.board_create(area=plan.area, name="Health and Wellbeing Board")
    meeting = governance_services.meeting_schedule(board=board, date=datetime.date(2014, 4, 1))
    governance_services.attendance_record(
        meeting=meeting, name="Mr E. White CC", organisation="LCC"
    )
    item = governance_services.item_add(
        meeting=meeting, title="Final draft of the Better Care Fund plan", concerns=[plan]
    )
    governance_services.minute_add(item=item, text="The Board welcomed the narrative.")
    governance_services.decision_record(
        item=item, kind="approve", text="That the plan be approved."
    )
    return meeting


def test_the_minutes_as_pdf_are_a_stored_document_made_by_a_job(
    minuted_meeting, officer, board, client_for, django_capture_on_commit_callbacks
):
    meeting = minuted_meeting
    url = reverse("submissions:meeting_minutes", args=[meeting.pk])
    officer_client = client_for(officer)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            officer_client.post(url)
    job = _render_jobs().get(kind="render-minutes")
    document = Document.objects.get(meeting=meeting)
    assert (job.state, job.result["document"]) == (Job.State.SUCCESS, document.pk)
    text = pdf_text(document.file.read())
    assert "HEALTH AND WELLBEING BOARD" in text
    assert "Tuesday, 1 April 2014" in text
    assert "Present: Mr E. White CC (LCC)" in text
    assert "1. Final draft of the Better Care Fund plan" in text
    assert "(i) The Board welcomed the narrative." in text
    assert "RESOLVED:" in text and "(a) That the plan be approved." in text
    # A board member reads the stored PDF, and may not make one; the page itself lays
    # nothing out (a GET renders no PDF).
    reader = client_for(board)
    page = reader.get(url)
    assert page.status_code == 200 and "Make the minutes as PDF" not in page.content.decode()
    download = reader.get(reverse("submissions:document_download", args=[document.pk]))
    assert b"".join(download.streaming_content) == document.file.open("rb").read()
    assert reader.post(url).status_code == 403
    assert Document.objects.filter(meeting=meeting).count() == 1
    # A new point in the minutes: the next request makes a new PDF.
    item = meeting.items.get()
    governance_services.minute_add(item=item, text="The Board noted the risks.")
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(url)
    assert Document.objects.filter(meeting=meeting).count() == 2
    newest = Document.objects.filter(meeting=meeting).first()
    assert "(ii) The Board noted the risks." in pdf_text(newest.file.read())


def test_the_meeting_page_links_to_the_minutes_as_pdf(minuted_meeting, board, client_for):
    page = client_for(board).get(reverse("governance:meeting_detail", args=[minuted_meeting.pk]))
    assert reverse("submissions:meeting_minutes", args=[minuted_meeting.pk]) in (
        page.content.decode()
    )


def test_the_minutes_pdf_is_laid_out_with_the_one_print_stylesheet(minuted_meeting):
    """The minutes keep only what is their own (a serif page, centred heading, hanging
    numerals); the rules every document shares come from documents/print.css. The PDF's
    text is what the minutes' own stylesheet gave, word for word."""
    html = minutes_html(minuted_meeting)
    assert render_to_string("documents/print.css").strip() in html
    assert html.count("h1, h2, h3, h4 {") == 1  # the shared rule, not a copy of it
    with weasyprint_warnings() as warnings:
        pages = pdf_pages(html_to_pdf(html))
    assert warnings == []
    area = minuted_meeting.board.area.name.upper()
    assert pages == [
        f"{area} HEALTH AND WELLBEING BOARD Minutes of the meeting held on Tuesday, 1 April "
        "2014. Present: Mr E. White CC (LCC). 1. Final draft of the Better Care Fund plan "
        "Arising from discussion the following points were raised:- (i) The Board welcomed "
        "the narrative. RESOLVED: (a) That the plan be approved. Page 1 of 1"
    ]
