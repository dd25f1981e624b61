"""The read API: plans, their budget reconciliation and their schemes.

Who may see what is decided by `plans.permissions` alone; the figures come from the
selectors the pages use, so the API and the pages cannot disagree. Authentication (session
or `Authorization: Token …`) and "must be signed in" come from the REST_FRAMEWORK settings.
"""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from plans import permissions
from plans.models import Plan
from plans.openapi import REFUSALS
from plans.selectors import plans_for
from schemes.capacity.selectors import capacity_demand
from schemes.selectors import plan_budget_summary, scheme_list
from schemes.serializers import (
    CapacityDemandSerializer,
    PlanDetailSerializer,
    PlanSerializer,
    SchemeSerializer,
)


def _plan(request, pk) -> Plan:
    """The plan by id through the permission check: 404 if missing, 403 if not allowed."""
    return permissions.get_plan(
        request.user, pk, permissions.VIEW, queryset=Plan.objects.select_related("area")
    )


class PlanListApi(APIView):
    @extend_schema(
        operation_id="plans_list",
        summary="The plans you may see",
        responses=PlanSerializer(many=True),
    )
    def get(self, request):
        plans = plans_for(user=request.user)
        return Response(PlanSerializer(plans, many=True).data)


class PlanDetailApi(APIView):
    @extend_schema(
        operation_id="plans_retrieve",
        summary="A plan with its pooled budget against its schemes, per financial year",
        responses={200: PlanDetailSerializer, **REFUSALS},
    )
    def get(self, request, pk):
        # A version whose content is not among the sources is given, with what they say of
        # it, and no budget.
        plan = permissions.get_plan(
            request.user,
            pk,
            permissions.VIEW,
            queryset=Plan.objects.select_related("area"),
            content=False,
        )
        budget = plan_budget_summary(plan=plan) if plan.content_held else None
        return Response(PlanDetailSerializer(plan, context={"budget": budget}).data)


class PlanSchemesApi(APIView):
    @extend_schema(
        operation_id="plans_schemes_list",
        summary="A plan's schemes with their budgets per financial year",
        responses={200: SchemeSerializer(many=True), **REFUSALS},
    )
    def get(self, request, pk):
        plan = _plan(request, pk)
        return Response(SchemeSerializer(scheme_list(plan=plan), many=True).data)


class PlanCapacityDemandApi(APIView):
    @extend_schema(
        operation_id="plans_capacity_demand_retrieve",
        summary="A plan's intermediate care capacity and demand: each service type of its "
        "framework, each month, demand and capacity in people, the gaps flagged, the schemes "
        "funding it",
        responses={200: CapacityDemandSerializer, **REFUSALS},
    )
    def get(self, request, pk):
        plan = permissions.get_plan(
            request.user,
            pk,
            permissions.VIEW,
            queryset=Plan.objects.select_related("area", "framework"),
        )
        return Response(CapacityDemandSerializer(capacity_demand(plan)).data)


urlpatterns = [
    path("plans/", PlanListApi.as_view(), name="api-plan-list"),
    path("plans/<int:pk>/", PlanDetailApi.as_view(), name="api-plan-detail"),
    path("plans/<int:pk>/schemes/", PlanSchemesApi.as_view(), name="api-plan-schemes"),
    path(
        "plans/<int:pk>/capacity-demand/",
        PlanCapacityDemandApi.as_view(),
        name="api-plan-capacity-demand",
    ),
]
