from django.urls import path

from metrics import views
from metrics.imports import ActualImport
from plans.imports import import_page

app_name = "metrics"
urlpatterns = [
    path("<int:pk>/metrics/", views.metrics_overview, name="metrics_overview"),
    path(
        "<int:pk>/metrics/import/",
        import_page,
        {"importer": ActualImport()},
        name="actual_import",
    ),
    path("<int:pk>/metrics/history/", views.metric_history, name="metric_history"),
    path("<int:pk>/metrics/<slug:code>/", views.metric_detail, name="metric_detail"),
    path("<int:pk>/metrics/<slug:code>/baseline/", views.baseline_edit, name="baseline_edit"),
    path("<int:pk>/metrics/<slug:code>/targets/add/", views.target_edit, name="target_create"),
    path(
        "<int:pk>/metrics/<slug:code>/targets/<int:target_pk>/",
        views.target_edit,
        name="target_edit",
    ),
    path("<int:pk>/metrics/<slug:code>/actuals/add/", views.actual_edit, name="actual_create"),
    path(
        "<int:pk>/metrics/<slug:code>/spc/rebase/",
        views.spc_rebase_create,
        name="spc_rebase_create",
    ),
    path(
        "<int:pk>/metrics/<slug:code>/spc/rebase/<int:rebase_pk>/withdraw/",
        views.spc_rebase_delete,
        name="spc_rebase_delete",
    ),
    path(
        "<int:pk>/metrics/<slug:code>/actuals/<int:actual_pk>/",
        views.actual_edit,
        name="actual_edit",
    ),
]
