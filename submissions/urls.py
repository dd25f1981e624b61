from django.urls import path

from submissions.views import jobs

app_name = "submissions"
urlpatterns = [
    path("jobs/<int:pk>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:pk>/retry/", jobs.job_retry_view, name="job_retry"),
]

from submissions.documents import urls as documents_urls  # noqa: E402

urlpatterns += documents_urls.urlpatterns

# Quarterly returns and the Integration Executive's dashboard (submissions/views/returns.py).
from submissions.views import returns  # noqa: E402

urlpatterns += [
    path("plans/<int:pk>/dashboard/", returns.dashboard, name="dashboard"),
    path(
        "plans/<int:pk>/dashboard/board-pack/",
        returns.dashboard_board_pack,
        name="dashboard_board_pack",
    ),
    path("plans/<int:pk>/returns/", returns.return_list, name="return_list"),
    path("returns/<int:pk>/", returns.return_detail, name="return_detail"),
    path("returns/<int:pk>/prepare/", returns.return_prepare, name="return_prepare"),
    path("returns/<int:pk>/narrative/", returns.return_narrative, name="return_narrative"),
    path("returns/<int:pk>/ready/", returns.return_ready, name="return_ready"),
    path("returns/<int:pk>/submit/", returns.return_submit, name="return_submit"),
    path("returns/<int:pk>/new-version/", returns.return_new_version, name="return_new_version"),
    path("returns/<int:pk>/diff/", returns.return_diff, name="return_diff"),
    path("returns/<int:pk>/approve/", returns.return_approve, name="return_approve"),
]

# The national view of every area (submissions/views/national.py).
from submissions.views import national  # noqa: E402

urlpatterns += [path("national/", national.national_view, name="national")]

# Preparing a plan version and putting it forward for agreement (submissions/views/cycle.py).
from submissions.views import cycle  # noqa: E402

urlpatterns += [
    path("plans/<int:pk>/prepare/", cycle.plan_prepare, name="plan_prepare"),
    path("plans/<int:pk>/put-forward/", cycle.plan_put_forward, name="plan_put_forward"),
]

# The assurance of a submitted plan version (submissions/views/assurance.py).
from submissions.views import assurance  # noqa: E402

urlpatterns += [
    path("plans/<int:pk>/assurance/", assurance.assurance_page, name="assurance"),
    path(
        "plans/<int:pk>/assurance/outcome/",
        assurance.assurance_outcome,
        name="assurance_outcome",
    ),
    path(
        "assurance/conditions/<int:pk>/met/",
        assurance.condition_close,
        name="assurance_condition_close",
    ),
]

# National publications imported for every area (submissions/views/publications.py).
from submissions.views import publications  # noqa: E402

urlpatterns += [
    path("publications/", publications.publication_list, name="publication_list"),
    path("publications/<int:pk>/", publications.publication_detail, name="publication_detail"),
]
