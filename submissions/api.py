from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.generics import RetrieveAPIView

from plans.openapi import REFUSALS
from submissions.selectors import job_for
from submissions.serializers import JobSerializer


@extend_schema_view(get=extend_schema(responses={200: JobSerializer, **REFUSALS}))
class JobDetail(RetrieveAPIView):
    """A background job's state (pending, running, success, failure), progress and result."""

    serializer_class = JobSerializer

    def get_object(self):
        return job_for(user=self.request.user, pk=self.kwargs["pk"])


urlpatterns = [
    path("jobs/<int:pk>/", JobDetail.as_view(), name="api-job-detail"),
]

from submissions.documents import api as documents_api  # noqa: E402

urlpatterns += documents_api.urlpatterns


# Quarterly returns ------------------------------------------------------------------------

from django.core.exceptions import ValidationError as DjangoValidationError  # noqa: E402
from drf_spectacular.utils import OpenApiResponse, extend_schema  # noqa: E402
from rest_framework import status  # noqa: E402
from rest_framework.exceptions import PermissionDenied, ValidationError  # noqa: E402
from rest_framework.generics import ListAPIView  # noqa: E402
from rest_framework.response import Response  # noqa: E402

from plans import permissions  # noqa: E402
from plans.openapi import REFUSALS  # noqa: E402
from submissions import selectors, services  # noqa: E402
from submissions.serializers import (  # noqa: E402
    JobStartedSerializer,
    ReturnDetailSerializer,
    ReturnSerializer,
    ReturnStartSerializer,
)


class PlanReturns(ListAPIView):
    """A plan's quarterly and year-end returns (a year-end return is the year's quarter 4
    return, `kind` `year_end`); POST `{"year": "2016/17", "quarter": 3}` starts preparing
    one (202 with the job's id; the quarter's draft is reused, never duplicated)."""

    serializer_class = ReturnSerializer
    pagination_class = None

    def get_plan(self):
        if not hasattr(self, "_plan"):
            self._plan = permissions.get_plan(
                self.request.user, self.kwargs["pk"], permissions.VIEW
            )
        return self._plan

    def get_queryset(self):
        return selectors.returns_of(plan=self.get_plan()).prefetch_related("documents")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.method == "GET" and not getattr(self, "swagger_fake_view", False):
            context["year_end_declared"] = selectors.year_end_declared(self.get_plan())
        return context

    @extend_schema(responses={200: ReturnSerializer(many=True), **REFUSALS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ReturnStartSerializer,
        responses={
            202: JobStartedSerializer,
            400: OpenApiResponse(description="Field errors, or a return that may not start."),
            **REFUSALS,
        },
    )
    def post(self, request, pk):
        plan = self.get_plan()
        if not permissions.can_in_area(request.user, permissions.EDIT_PLAN, plan.area_id):
            raise PermissionDenied()
        data = ReturnStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            _, job = services.return_start(
                plan=plan,
                year=data.validated_data["year"],
                quarter=data.validated_data["quarter"],
                user=request.user,
            )
        except DjangoValidationError as error:
            raise ValidationError({"detail": error.messages}) from None
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(get=extend_schema(responses={200: ReturnDetailSerializer, **REFUSALS}))
class ReturnDetail(RetrieveAPIView):
    """One return with its snapshot (a year-end return's holds `year_end`)."""

    serializer_class = ReturnDetailSerializer

    @extend_schema(responses={200: ReturnDetailSerializer, **REFUSALS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return selectors.return_for(user=self.request.user, pk=self.kwargs["pk"])


urlpatterns += [
    path("plans/<int:pk>/returns/", PlanReturns.as_view(), name="api-plan-returns"),
    path("returns/<int:pk>/", ReturnDetail.as_view(), name="api-return-detail"),
]
