"""The governance read API, scoped to the caller's areas by `plans.permissions`."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from governance import selectors, services
from governance.approvables import object_for
from governance.models import Board, Meeting
from governance.serializers import (
    ActionSerializer,
    BoardSerializer,
    DecisionInputSerializer,
    DecisionSerializer,
    MeetingSerializer,
)
from plans import permissions
from plans.inputs import text
from plans.openapi import REFUSALS


class BoardListApi(APIView):
    @extend_schema(
        operation_id="boards_list",
        summary="The boards of your areas",
        responses=BoardSerializer(many=True),
    )
    def get(self, request):
        boards = selectors.boards_for(user=request.user, today=timezone.localdate())
        return Response(BoardSerializer(boards, many=True).data)


class BoardMeetingsApi(APIView):
    @extend_schema(
        operation_id="boards_meetings_list",
        summary="A board's meetings with their agenda items and decisions",
        responses={200: MeetingSerializer(many=True), **REFUSALS},
    )
    def get(self, request, pk):
        board = permissions.get_in_area(request.user, Board.objects.all(), pk, permissions.VIEW)
        meetings = selectors.meetings_for_api(board=board)
        return Response(MeetingSerializer(meetings, many=True).data)


class MeetingDecisionsApi(APIView):
    """Record a decision of a meeting, with what it approves or ratifies (one transaction:
    a refused approval records nothing). For the board's members and the area's officers."""

    @extend_schema(
        operation_id="meetings_decisions_create",
        summary="Record a decision of a meeting, with what it approves or ratifies",
        request=DecisionInputSerializer,
        responses={
            201: DecisionSerializer,
            400: inline_serializer(
                "DecisionRefused", {"detail": serializers.ListField(child=serializers.CharField())}
            ),
            **REFUSALS,
        },
    )
    def post(self, request, pk):
        meeting = permissions.get_in_area(
            request.user, Meeting.objects.select_related("board"), pk, permissions.VIEW
        )
        permissions.check_decide(request.user, meeting.board)
        given = DecisionInputSerializer(data=request.data)
        if not given.is_valid():
            return Response({"detail": _messages(given.errors)}, status=400)
        data = given.validated_data
        item = meeting.items.filter(number=data["item"]).first()
        if item is None:
            return Response({"detail": [f"The meeting has no item {data['item']}."]}, status=400)
        objects = {}
        for name in ("approves", "ratifies"):
            ref = data.get(name)
            if ref:
                objects[name] = object_for(f"{ref['type']}:{ref['id']}", area_id=meeting.area_id)
                if objects[name] is None:
                    return Response(
                        {"detail": [f"No such {ref['type']} in this area."]}, status=400
                    )
        try:
            decision = services.decision_record(
                item=item,
                kind=data["kind"],
                text=data["text"],
                approves=objects.get("approves"),
                ratifies=objects.get("ratifies"),
                user=request.user,
            )
        except ValidationError as error:
            return Response({"detail": error.messages}, status=400)
        return Response(DecisionSerializer(decision).data, status=201)


def _messages(errors, prefix: str = "") -> list[str]:
    """DRF's (possibly nested) field errors as "field: message" lines."""
    found = []
    for field, problems in errors.items():
        name = f"{prefix}{field}"
        if isinstance(problems, dict):
            found += _messages(problems, f"{name}.")
        else:
            found += [f"{name}: {problem}" for problem in problems]
    return found


class ActionListApi(APIView):
    @extend_schema(
        operation_id="actions_list",
        summary="Actions of your areas, optionally of one owner or only those overdue",
        parameters=[
            OpenApiParameter(
                "owner", OpenApiTypes.STR, description="Username of the owner; “me” for you."
            ),
            OpenApiParameter(
                "overdue", OpenApiTypes.BOOL, description="Only open actions past their due date."
            ),
        ],
        responses={
            200: ActionSerializer(many=True),
            400: inline_serializer("ActionsQueryError", {"detail": serializers.CharField()}),
        },
    )
    def get(self, request):
        today = timezone.localdate()
        owner = None
        username = text(request.query_params.get("owner", ""))
        if username is None:
            return Response({"detail": "owner must be a user name, or me."}, status=400)
        if username == "me":
            owner = request.user
        elif username:
            owner = get_user_model().objects.filter(username=username).first()
            if owner is None:
                return Response([])
        overdue = request.query_params.get("overdue", "").lower()
        if overdue not in ("", "true", "false", "1", "0"):
            return Response({"detail": "overdue must be true or false."}, status=400)
        actions = selectors.actions_for(
            user=request.user,
            owner=owner,
            overdue_on=today if overdue in ("true", "1") else None,
        )
        return Response(ActionSerializer(actions, many=True, context={"today": today}).data)


urlpatterns = [
    path("boards/", BoardListApi.as_view(), name="api-boards"),
    path("boards/<int:pk>/meetings/", BoardMeetingsApi.as_view(), name="api-board-meetings"),
    path("actions/", ActionListApi.as_view(), name="api-actions"),
    path(
        "meetings/<int:pk>/decisions/",
        MeetingDecisionsApi.as_view(),
        name="api-meeting-decisions",
    ),
]
