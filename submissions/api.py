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
