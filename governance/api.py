"""The governance read API, scoped to the caller's areas by `plans.permissions`."""

from django.contrib.auth import get_user_model
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from governance import selectors
from governance.models import Board
from governance.serializers import ActionSerializer, BoardSerializer, MeetingSerializer
from plans import permissions
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
        username = request.query_params.get("owner", "").strip()
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
]
