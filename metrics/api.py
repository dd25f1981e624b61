"""The metrics API: a plan's metrics (the overview the page shows) and adding an actual.

Who may do what is decided by plans.permissions; the figures come from metrics.selectors,
so the API and the pages cannot disagree.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from metrics import selectors, services
from metrics.models import MetricDefinition
from metrics.serializers import ActualInSerializer, ActualOutSerializer, MetricSummarySerializer
from plans import permissions
from plans.models import Plan
from plans.openapi import REFUSALS


def _plan(request, pk, action=permissions.VIEW) -> Plan:
    return permissions.get_plan(
        request.user, pk, action, queryset=Plan.objects.select_related("area")
    )


class PlanMetricsApi(APIView):
    @extend_schema(
        operation_id="plans_metrics_list",
        summary="A plan's metrics: baseline, targets, actuals with status, change and forecast",
        responses={200: MetricSummarySerializer(many=True), **REFUSALS},
    )
    def get(self, request, pk):
        plan = _plan(request, pk)
        overview = selectors.metrics_overview(plan=plan, with_matrix=False)
        return Response(MetricSummarySerializer(overview.summaries, many=True).data)


class PlanMetricActualsApi(APIView):
    http_method_names = ["post", "options"]

    def http_method_not_allowed(self, request, *args, **kwargs):
        # Refuse those who may not add actuals before saying which methods exist.
        _plan(request, kwargs["pk"], permissions.ENTER_ACTUALS)
        return super().http_method_not_allowed(request, *args, **kwargs)

    @extend_schema(
        operation_id="plans_metrics_actuals_create",
        summary="Add an actual to one metric of a plan (programme officer, finance lead)",
        request=ActualInSerializer,
        responses={
            201: ActualOutSerializer,
            400: OpenApiResponse(description="Field errors; nothing was stored."),
            **REFUSALS,
        },
    )
    def post(self, request, pk, code):
        plan = _plan(request, pk, permissions.ENTER_ACTUALS)
        metric = MetricDefinition.objects.filter(code=code).first()
        if metric is None:
            raise Http404("No such metric.")
        incoming = ActualInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            actual = services.actual_create(
                plan=plan,
                metric=metric,
                granularity=data["granularity"],
                start=data["start"],
                end=data["end"],
                value=data.get("value"),
                numerator=data.get("numerator"),
                denominator=data.get("denominator"),
                stage=data["stage"],
                source=data.get("source", ""),
                user=request.user,
            )
        except PermissionDenied:
            raise
        except ValidationError as error:
            detail = (
                error.message_dict
                if hasattr(error, "error_dict")
                else {"non_field_errors": error.messages}
            )
            return Response(detail, status=status.HTTP_400_BAD_REQUEST)
        row = selectors.metric_for_plan(plan=plan, code=code)
        out = next(r for r in row.actuals if r.actual.pk == actual.pk)
        return Response(ActualOutSerializer(out).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("plans/<int:pk>/metrics/", PlanMetricsApi.as_view(), name="api-plan-metrics"),
    path(
        "plans/<int:pk>/metrics/<slug:code>/actuals/",
        PlanMetricActualsApi.as_view(),
        name="api-plan-metric-actuals",
    ),
]
