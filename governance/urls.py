from django.urls import path

from governance import views, views_boards, views_decisions

app_name = "governance"
urlpatterns = [
    path("", views.board_list, name="board_list"),
    path("actions/", views.my_actions, name="my_actions"),
    path("actions/<int:pk>/complete/", views.action_complete, name="action_complete"),
    path("boards/add/", views_boards.board_create, name="board_create"),
    path("boards/<int:pk>/", views.board_detail, name="board_detail"),
    path("boards/<int:pk>/terms/add/", views_boards.terms_add, name="terms_add"),
    path("boards/<int:pk>/members/add/", views_boards.member_add, name="member_add"),
    path("boards/<int:pk>/meetings/add/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/history/", views.meeting_history, name="meeting_history"),
    path("meetings/<int:pk>/minutes/", views.minutes_print, name="minutes_print"),
    path("meetings/<int:pk>/items/add/", views.item_create, name="item_create"),
    path("meetings/<int:pk>/attendance/add/", views.attendance_add, name="attendance_add"),
    path("meetings/<int:pk>/declarations/add/", views.declaration_add, name="declaration_add"),
    path("meetings/<int:pk>/actions/add/", views.action_add, name="action_add"),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/minutes/add/",
        views.minute_add,
        name="minute_add",
    ),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/decisions/add/",
        views.decision_add,
        name="decision_add",
    ),
    path(
        "meetings/<int:pk>/decisions/<int:decision_pk>/approve/",
        views.approval_add,
        name="approval_add",
    ),
    path("reports/<int:pk>/", views.report_download, name="report_download"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    # Deciding on one plan version, return or release from its page (views_decisions.py).
    path("decide/<str:label>/<int:pk>/", views_decisions.decide, name="decide"),
    path(
        "decide/<str:label>/<int:pk>/delegated/",
        views_decisions.approve_under_delegation,
        name="approve_under_delegation",
    ),
]
