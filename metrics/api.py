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
from metrics.serializers import (
    ActualInSerializer,
    ActualOutSerializer,
    MetricSummarySerializer,
    PublicationSerializer,
    PublishedFigureSerializer,
)
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


# National publications (read only) ----------------------------------------------------------


def _publication(request, pk):
    """A publication the user may read (metrics.selectors.publications_visible_to): 404 for
    one they may not, as for one that does not exist."""
    publication = selectors.publications_visible_to(request.user).filter(pk=pk).first()
    if publication is None:
        raise Http404("No such publication.")
    return publication


class PublicationsApi(APIView):
    @extend_schema(
        operation_id="publications_list",
        summary="National publications imported: every one for assurers and administrators; "
        "for others, those that gave a figure to a plan of their areas",
        responses={200: PublicationSerializer(many=True)},
    )
    def get(self, request):
        publications = selectors.publications_visible_to(request.user)
        return Response(PublicationSerializer(publications, many=True).data)


class PublicationApi(APIView):
    @extend_schema(
        operation_id="publications_retrieve",
        summary="One national publication",
        responses={200: PublicationSerializer, **REFUSALS},
    )
    def get(self, request, pk):
        return Response(PublicationSerializer(_publication(request, pk)).data)


class PublicationFiguresApi(APIView):
    @extend_schema(
        operation_id="publications_figures_list",
        summary="The figures a national publication gave the plans of your areas (every "
        "area's for assurers and administrators), with the values each revised",
        responses={200: PublishedFigureSerializer(many=True), **REFUSALS},
    )
    def get(self, request, pk):
        figures = selectors.publication_figures_visible_to(_publication(request, pk), request.user)
        return Response(PublishedFigureSerializer(figures, many=True).data)


urlpatterns = [
    path("publications/", PublicationsApi.as_view(), name="api-publications"),
    path("publications/<int:pk>/", PublicationApi.as_view(), name="api-publication-detail"),
    path(
        "publications/<int:pk>/figures/",
        PublicationFiguresApi.as_view(),
        name="api-publication-figures",
    ),
    path("plans/<int:pk>/metrics/", PlanMetricsApi.as_view(), name="api-plan-metrics"),
    path(
        "plans/<int:pk>/metrics/<slug:code>/actuals/",
        PlanMetricActualsApi.as_view(),
        name="api-plan-metric-actuals",
    ),
]
