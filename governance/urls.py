from django.urls import path

from governance.views import actions, boards, decisions, meetings, sign_offs

app_name = "governance"
urlpatterns = [
    path("", meetings.board_list, name="board_list"),
    path("actions/", actions.my_actions, name="my_actions"),
    path("actions/<int:pk>/complete/", actions.action_complete, name="action_complete"),
    path("boards/add/", boards.board_create, name="board_create"),
    path("boards/<int:pk>/", meetings.board_detail, name="board_detail"),
    path("boards/<int:pk>/terms/add/", boards.terms_add, name="terms_add"),
    path("boards/<int:pk>/members/add/", boards.member_add, name="member_add"),
    path("boards/<int:pk>/meetings/add/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/history/", meetings.meeting_history, name="meeting_history"),
    path("meetings/<int:pk>/minutes/", meetings.minutes_print, name="minutes_print"),
    path("meetings/<int:pk>/items/add/", meetings.item_create, name="item_create"),
    path("meetings/<int:pk>/attendance/add/", meetings.attendance_add, name="attendance_add"),
    path("meetings/<int:pk>/declarations/add/", meetings.declaration_add, name="declaration_add"),
    path("meetings/<int:pk>/actions/add/", actions.action_add, name="action_add"),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/minutes/add/",
        meetings.minute_add,
        name="minute_add",
    ),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/decisions/add/",
        meetings.decision_add,
        name="decision_add",
    ),
    path(
        "meetings/<int:pk>/decisions/<int:decision_pk>/approve/",
        meetings.approval_add,
        name="approval_add",
    ),
    path("reports/<int:pk>/", meetings.report_download, name="report_download"),
    path("plans/<int:pk>/submit/", meetings.plan_submit, name="plan_submit"),
    # Deciding on one plan version, return or release from its page (decisions.py).
    path("decide/<str:label>/<int:pk>/", decisions.decide, name="decide"),
    path(
        "decide/<str:label>/<int:pk>/delegated/",
        decisions.approve_under_delegation,
        name="approve_under_delegation",
    ),
]

# The board's ratification of a plan's sign-offs (governance/views/sign_offs.py).
urlpatterns += [
    path("plans/<int:pk>/sign-offs/ratify/", sign_offs.sign_offs_ratify, name="sign_offs_ratify"),
]
