"""The read API of a plan's risk register and funds.

Who may see what is decided by `plans.permissions`; the rows come from the selectors the
pages use, so the API and the pages cannot disagree.
"""

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from plans import permissions
from plans.openapi import REFUSALS
from risks import selectors
from risks.serializers import FundSerializer, RiskSerializer


class PlanRisksApi(APIView):
    @extend_schema(
        operation_id="plans_risks_list",
        summary="A plan's risk register, ratings as written on its scale",
        responses={200: RiskSerializer(many=True), **REFUSALS},
    )
    def get(self, request, pk):
        plan = permissions.get_plan(request.user, pk, permissions.VIEW)
        risks = selectors.risk_list(plan=plan)
        context = {"today": timezone.localdate()}
        return Response(RiskSerializer(risks, many=True, context=context).data)


class PlanFundsApi(APIView):
    @extend_schema(
        operation_id="plans_funds_list",
        summary="A plan's contingency, risk pool and reserves with released and balance",
        responses={200: FundSerializer(many=True), **REFUSALS},
    )
    def get(self, request, pk):
        plan = permissions.get_plan(request.user, pk, permissions.VIEW)
        funds = list(selectors.fund_list(plan=plan))
        for fund in funds:
            fund.balance = selectors.fund_balance(fund)
        return Response(FundSerializer(funds, many=True).data)


urlpatterns = [
    path("plans/<int:pk>/risks/", PlanRisksApi.as_view(), name="api-plan-risks"),
    path("plans/<int:pk>/funds/", PlanFundsApi.as_view(), name="api-plan-funds"),
]
