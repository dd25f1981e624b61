from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance import services
from governance.models import Decision


def _page(client, meeting):
    return client.get(reverse("governance:meeting_history", kwargs={"pk": meeting.pk}))


def test_meeting_history_shows_who_changed_a_decision_and_how(client_for, officer, meeting, item):
    decision = services.decision_record(
        item=item, kind=Decision.Kind.NOTE, text="That the report be noted.", user=officer
    )
    services.decision_update(
        decision=decision, text="That the report be noted, with thanks.", user=officer
    )
    services.minute_add(item=item, text="The Board welcomed the report.", user=officer)
    html = _page(client_for(officer), meeting).content.decode()
    assert "Decision under “Final draft of the Better Care Fund plan”" in html
    assert "That the report be noted." in html and "That the report be noted, with thanks." in html
    assert "Minute under" in html
    assert officer.get_full_name() in html


def test_an_officer_of_another_area_cannot_read_the_history(client_for, other_officer, meeting):
    assert _page(client_for(other_officer), meeting).status_code == 403


def test_meeting_history_queries_do_not_grow_with_the_minutes(client_for, officer, meeting, item):
    client = client_for(officer)

    def count():
        with CaptureQueriesContext(connection) as context:
            assert _page(client, meeting).status_code == 200
        return len(context)

    before = count()
    for number in range(10):
        services.minute_add(item=item, text=f"Point {number}", user=officer)
    assert count() == before
