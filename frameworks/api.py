"""The frameworks API: every policy framework, and one with its metrics, national
conditions, funding streams, templates and source. Reference data: any signed-in user
reads it (the REST_FRAMEWORK settings require signing in)."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from frameworks.models import PolicyFramework
from frameworks.serializers import FrameworkDetailSerializer, FrameworkSerializer


class FrameworkListApi(APIView):
    @extend_schema(
        operation_id="frameworks_list",
        summary="The BCF policy frameworks, oldest first",
        responses=FrameworkSerializer(many=True),
    )
    def get(self, request):
        return Response(FrameworkSerializer(PolicyFramework.objects.all(), many=True).data)


class FrameworkDetailApi(APIView):
    @extend_schema(
        operation_id="frameworks_retrieve",
        summary="A framework with its metrics, conditions, funding streams, templates, source",
        responses={
            200: FrameworkDetailSerializer,
            404: OpenApiResponse(description="There is no such framework."),
        },
    )
    def get(self, request, pk):
        framework = get_object_or_404(
            PolicyFramework.objects.prefetch_related(
                "framework_metrics__metric__replaced_by",
                "conditions",
                "funding_streams__within",
                "templates",
            ),
            pk=pk,
        )
        return Response(FrameworkDetailSerializer(framework).data)


urlpatterns = [
    path("frameworks/", FrameworkListApi.as_view(), name="api-framework-list"),
    path("frameworks/<int:pk>/", FrameworkDetailApi.as_view(), name="api-framework-detail"),
]
