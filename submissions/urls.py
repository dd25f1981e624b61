from django.urls import path

from submissions import views

app_name = "submissions"
urlpatterns = [
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/retry/", views.job_retry_view, name="job_retry"),
]

from submissions.documents import urls as documents_urls  # noqa: E402

urlpatterns += documents_urls.urlpatterns

# Quarterly returns and the Integration Executive's dashboard (submissions/views_returns.py).
from submissions import views_returns  # noqa: E402

urlpatterns += [
    path("plans/<int:pk>/dashboard/", views_returns.dashboard, name="dashboard"),
    path("plans/<int:pk>/returns/", views_returns.return_list, name="return_list"),
    path("returns/<int:pk>/", views_returns.return_detail, name="return_detail"),
    path("returns/<int:pk>/prepare/", views_returns.return_prepare, name="return_prepare"),
    path("returns/<int:pk>/narrative/", views_returns.return_narrative, name="return_narrative"),
    path("returns/<int:pk>/ready/", views_returns.return_ready, name="return_ready"),
    path("returns/<int:pk>/submit/", views_returns.return_submit, name="return_submit"),
    path(
        "returns/<int:pk>/new-version/", views_returns.return_new_version, name="return_new_version"
    ),
    path("returns/<int:pk>/diff/", views_returns.return_diff, name="return_diff"),
    path("returns/<int:pk>/approve/", views_returns.return_approve, name="return_approve"),
]

# The national view of every area (submissions/views_national.py).
from submissions import views_national  # noqa: E402

urlpatterns += [path("national/", views_national.national_view, name="national")]

# Preparing a plan version and putting it forward for agreement (submissions/views_cycle.py).
from submissions import views_cycle  # noqa: E402

urlpatterns += [
    path("plans/<int:pk>/prepare/", views_cycle.plan_prepare, name="plan_prepare"),
    path("plans/<int:pk>/put-forward/", views_cycle.plan_put_forward, name="plan_put_forward"),
]

# The assurance of a submitted plan version (submissions/views_assurance.py).
from submissions import views_assurance  # noqa: E402

urlpatterns += [
    path("plans/<int:pk>/assurance/", views_assurance.assurance_page, name="assurance"),
    path(
        "plans/<int:pk>/assurance/outcome/",
        views_assurance.assurance_outcome,
        name="assurance_outcome",
    ),
    path(
        "assurance/conditions/<int:pk>/met/",
        views_assurance.condition_close,
        name="assurance_condition_close",
    ),
]
