import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance import selectors, services
from governance.pdf import html_to_pdf
from tests.pdf import pdf_text


def _fill(meeting, items: int) -> None:
    for number in range(items):
        item = services.item_add(meeting=meeting, title=f"Item {number}")
        for point in range(3):
            services.minute_add(item=item, text=f"Point {point} of item {number}")
        services.decision_record(item=item, kind="note", text=f"Noted {number}")
        services.action_add(
            board=meeting.board,
            meeting=meeting,
            item=item,
            description=f"Follow up {number}",
            owner_name="Clerk",
            due_on=datetime.date(2014, 5, 1),
        )
    services.attendance_record(meeting=meeting, name="Chairman")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# The session and user (2), the permission check's roles and areas (1), the meeting and its
# ten prefetches (11), and the templates' can-edit checks reuse the cached roles.
MEETING_PAGE_QUERIES = 14


def test_the_meeting_selector_takes_eleven_queries_whatever_the_number_of_items(
    meeting, django_assert_num_queries
):
    _fill(meeting, 5)
    with django_assert_num_queries(11):
        loaded = selectors.meeting_page_queryset().get(pk=meeting.pk)
        for item in loaded.items.all():
            list(item.minutes.all()), list(item.decisions.all()), list(item.reports.all())
            for decision in item.decisions.all():
                list(decision.approvals.all()), list(decision.ratifications.all())
        list(loaded.attendance.all()), list(loaded.declarations.all()), list(loaded.actions.all())


@pytest.mark.parametrize("url_name", ["governance:meeting_detail", "governance:minutes_print"])
def test_meeting_pages_take_the_same_queries_with_one_item_or_twenty(
    client_for, officer, meeting, url_name
):
    client = client_for(officer)
    url = reverse(url_name, kwargs={"pk": meeting.pk})
    _fill(meeting, 1)
    one = _queries(client, url)
    _fill(meeting, 19)
    assert _queries(client, url) == one
    if url_name == "governance:meeting_detail":
        assert one == MEETING_PAGE_QUERIES


def test_the_minutes_number_points_in_roman_and_resolutions_by_letter(client_for, board, item):
    for text in ("First point", "Second point", "Third point", "Fourth point"):
        services.minute_add(item=item, text=text)
    services.decision_record(item=item, kind="approve", text="That the plan be approved")
    services.decision_record(item=item, kind="delegate", text="That oversight be delegated")
    html = (
        client_for(board)
        .get(reverse("governance:minutes_print", kwargs={"pk": item.meeting_id}))
        .content.decode()
    )
    assert "(iv)</span> Fourth point" in html
    assert "(b)</span> That oversight be delegated" in html
    assert "@media print" in html


def test_html_to_pdf_makes_a_pdf_that_reads_back():
    pdf = html_to_pdf("<html><body><h1>Minutes</h1><p>(i) A point.</p></body></html>")
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Minutes" in text and "(i) A point." in text


def test_an_agenda_item_with_a_report_can_be_added_and_downloaded(
    client_for, officer, other_officer, meeting, plan
):
    client = client_for(officer)
    response = client.post(
        reverse("governance:item_create", kwargs={"pk": meeting.pk}),
        {
            "title": "Final draft of the plan",
            "presenter": "Director of Health and Care Integration",
            "concerns": f"plans.plan:{plan.pk}",
            "report_title": "Agenda Item 4",
            "report": SimpleUploadedFile("item4.pdf", b"%PDF-1.7 The report"),
        },
    )
    assert response.status_code == 302
    item = meeting.items.get()
    assert item.number == 1 and item.links.get().target == plan
    report = item.reports.get()
    url = reverse("governance:report_download", kwargs={"pk": report.pk})
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.7 The report"
    assert client_for(other_officer).get(url).status_code == 403


def test_a_form_with_errors_keeps_what_was_typed(client_for, officer, meeting):
    response = client_for(officer).post(
        reverse("governance:action_add", kwargs={"pk": meeting.pk}),
        {"description": "Circulate the minutes", "due_on": "not a date"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Circulate the minutes" in html
    assert "Enter a real date" in html and "Choose an owner or type their name." in html


def test_the_boards_api_lists_only_my_areas_boards(client_for, officer, other_officer, hwb):
    assert [b["name"] for b in client_for(officer).get(reverse("api-boards")).json()] == [
        "Health and Wellbeing Board"
    ]
    assert client_for(other_officer).get(reverse("api-boards")).json() == []


def test_the_board_meetings_api_gives_date_items_and_decisions(
    client_for, officer, hwb, approving_decision
):
    url = reverse("api-board-meetings", kwargs={"pk": hwb.pk})
    meetings = client_for(officer).get(url).json()
    assert meetings[0]["date"] == "2014-04-01"
    assert meetings[0]["items"][0]["title"] == "Final draft of the Better Care Fund plan"
    assert meetings[0]["decisions"][0] | {"id": None} == {
        "id": None,
        "letter": "a",
        "kind": "approve",
        "text": "That the Better Care Fund Plan be approved.",
        "item": 1,
    }


def test_the_board_meetings_api_gives_each_meetings_title_and_minutes_as_the_page_does(
    client_for, officer, hwb, item, approving_decision, django_assert_num_queries
):
    services.minute_add(item=item, text="The Board considered the final draft.")
    services.minute_add(item=item, text="Members asked about the metrics.")
    extra = services.meeting_schedule(
        board=hwb, date=datetime.date(2014, 5, 6), title="Extraordinary meeting"
    )
    extra_item = services.item_add(meeting=extra, title="Winter pressures")
    services.minute_add(item=extra_item, text="Noted the pressures on beds.")
    client = client_for(officer)
    url = reverse("api-board-meetings", kwargs={"pk": hwb.pk})
    client.get(url)

    with django_assert_num_queries(8):  # the same however many meetings and minutes
        meetings = client.get(url).json()
    later = services.meeting_schedule(board=hwb, date=datetime.date(2014, 6, 3))
    services.minute_add(
        item=services.item_add(meeting=later, title="Any other business"), text="None."
    )
    with django_assert_num_queries(8):
        assert len(client.get(url).json()) == 3

    assert [m["title"] for m in meetings] == ["", "Extraordinary meeting"]
    minutes = [[p["text"] for i in m["items"] for p in i["minutes"]] for m in meetings]
    assert minutes == [
        ["The Board considered the final draft.", "Members asked about the metrics."],
        ["Noted the pressures on beds."],
    ]
    assert [p["numeral"] for p in meetings[0]["items"][0]["minutes"]] == ["i", "ii"]
    page = client.get(reverse("governance:meeting_detail", args=[extra.pk])).content.decode()
    assert "Extraordinary meeting" in page and "Noted the pressures on beds." in page
