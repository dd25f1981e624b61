"""API of a plan's submission documents and template checks."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from plans import permissions
from plans.openapi import REFUSALS
from submissions.documents.checklist import plan_checks
from submissions.documents.requests import RenderLimit, document_request
from submissions.documents.services import JOB_KINDS
from submissions.documents.views import document_file, document_for
from submissions.models import Document, Job
from submissions.serializers import DocumentSerializer

# What a stored document is sent as, by the end of its file's name.
FILE_TYPES = {
    "application/pdf": "A PDF: the plan (Part 1), a return's report or an assurance letter.",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "An Excel workbook: the Part 2 workbook or a return's workbook."
    ),
}


class DocumentRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in JOB_KINDS])


class CheckSerializer(serializers.Serializer):
    group = serializers.CharField()
    item = serializers.CharField()
    ok = serializers.BooleanField()
    detail = serializers.CharField()
    url = serializers.CharField(help_text="The page where the requirement is met.")


_JOB_STARTED = inline_serializer("DocumentJobStarted", {"job": serializers.IntegerField()})
_REUSED = inline_serializer(
    "DocumentReused",
    {
        "document": serializers.IntegerField(),
        "job": serializers.IntegerField(allow_null=True, help_text="The job that made it."),
    },
)


class PlanDocuments(APIView):
    """A plan's rendered submission documents; POST renders a new one in a background job."""

    @extend_schema(responses={200: DocumentSerializer(many=True), **REFUSALS})
    def get(self, request, pk):
        plan = permissions.get_plan(request.user, pk, permissions.VIEW)
        documents = Document.objects.filter(plan=plan, kind__in=list(JOB_KINDS))
        return Response(DocumentSerializer(documents, many=True, context={"request": request}).data)

    @extend_schema(
        request=DocumentRequestSerializer,
        responses={
            200: OpenApiResponse(
                _REUSED, description="Nothing it is made from has changed: the stored one."
            ),
            202: OpenApiResponse(_JOB_STARTED, description="Being made by this job."),
            400: OpenApiResponse(description="Field errors."),
            429: OpenApiResponse(description="Too many documents started just now."),
            **REFUSALS,
        },
    )
    def post(self, request, pk):
        """Ask for a document (only the roles that prepare the papers): the stored one
        if nothing it is made from has changed, else the job making it (a new one at most
        ten times in ten minutes per person)."""
        plan = permissions.get_plan(request.user, pk, permissions.VIEW)
        serializer = DocumentRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            made = document_request(
                kind=serializer.validated_data["kind"], obj=plan, user=request.user
            )
        except RenderLimit as refusal:
            return Response(
                {"detail": " ".join(refusal.messages)}, status=status.HTTP_429_TOO_MANY_REQUESTS
            )
        if isinstance(made, Job):
            return Response({"job": made.pk}, status=status.HTTP_202_ACCEPTED)
        return Response({"document": made.pk, "job": made.job_id}, status=status.HTTP_200_OK)


class _AnyAccept(BaseContentNegotiation):
    """The file goes as what it is, whatever the client accepts; a refusal goes as JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class DocumentFile(APIView):
    """A stored document's file (the `url` of each document this API lists), for anyone who
    may see its plan, signed in by session or API token."""

    content_negotiation_class = _AnyAccept

    @extend_schema(
        responses={
            **{
                (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=description)
                for media_type, description in FILE_TYPES.items()
            },
            **REFUSALS,
        }
    )
    def get(self, request, pk):
        return document_file(document_for(user=request.user, pk=pk))


class PlanChecklist(APIView):
    """The template checks of a plan version: each requirement, yes or no, and why."""

    @extend_schema(responses={200: CheckSerializer(many=True), **REFUSALS})
    def get(self, request, pk):
        plan = permissions.get_plan(request.user, pk, permissions.VIEW)
        return Response(CheckSerializer(plan_checks(plan=plan), many=True).data)


urlpatterns = [
    path("plans/<int:pk>/documents/", PlanDocuments.as_view(), name="api-plan-documents"),
    path("plans/<int:pk>/checklist/", PlanChecklist.as_view(), name="api-plan-checklist"),
    path("documents/<int:pk>/file/", DocumentFile.as_view(), name="api-document-file"),
]
