from django.urls import path

from plans.imports import import_page
from schemes.imports import SchemeImport, SpendImport
from schemes.views import scheme

app_name = "schemes"
urlpatterns = [
    path("<int:pk>/schemes/", scheme.scheme_list, name="scheme_list"),
    path("<int:pk>/schemes/add/", scheme.scheme_edit, name="scheme_create"),
    path(
        "<int:pk>/schemes/import/",
        import_page,
        {"importer": SchemeImport()},
        name="scheme_import",
    ),
    path("<int:pk>/schemes/history/", scheme.scheme_history, name="scheme_history_all"),
    path("<int:pk>/schemes/sub-types/", scheme.sub_type_options, name="sub_type_options"),
    path("<int:pk>/schemes/<int:scheme_pk>/", scheme.scheme_detail, name="scheme_detail"),
    path("<int:pk>/schemes/<int:scheme_pk>/edit/", scheme.scheme_edit, name="scheme_edit"),
    path("<int:pk>/schemes/<int:scheme_pk>/delete/", scheme.scheme_delete, name="scheme_delete"),
    path("<int:pk>/schemes/<int:scheme_pk>/history/", scheme.scheme_history, name="scheme_history"),
]

# Quarterly spend (schemes/views/spend.py).
from schemes.views import spend  # noqa: E402

urlpatterns += [
    path("<int:pk>/spend/", spend.spend_index, name="spend_index"),
    path("<int:pk>/spend/<int:year>/<int:quarter>/", spend.spend_edit, name="spend_edit"),
    path(
        "<int:pk>/spend/<int:year>/<int:quarter>/totals/",
        spend.spend_totals,
        name="spend_totals",
    ),
    path(
        "<int:pk>/spend/<int:year>/<int:quarter>/import/",
        import_page,
        {"importer": SpendImport()},
        name="spend_import",
    ),
]

# The budget grid (schemes/views/budgets.py).
from schemes.views import budgets  # noqa: E402

urlpatterns += [
    path("<int:pk>/budgets/", budgets.budget_grid, name="budget_grid"),
    path("<int:pk>/budgets/totals/", budgets.budget_grid_totals, name="budget_grid_totals"),
]

# Themes (schemes/views/themes.py).
from schemes.views import themes  # noqa: E402

urlpatterns += [path("<int:pk>/themes/", themes.theme_list, name="theme_list")]

# Programme milestones (schemes/views/milestones.py).
from schemes.views import milestones  # noqa: E402

urlpatterns += [
    path("<int:pk>/milestones/", milestones.milestone_list, name="milestone_list"),
    path("<int:pk>/milestones/add/", milestones.milestone_edit, name="milestone_create"),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/edit/",
        milestones.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/delete/",
        milestones.milestone_delete,
        name="milestone_delete",
    ),
]

# Intermediate care capacity and demand (schemes/capacity/).
from schemes.capacity import views as capacity_views  # noqa: E402
from schemes.capacity.imports import CapacityImport  # noqa: E402

urlpatterns += [
    path("<int:pk>/capacity-demand/", capacity_views.capacity_grid, name="capacity_grid"),
    path(
        "<int:pk>/capacity-demand/<int:year>/",
        capacity_views.capacity_grid,
        name="capacity_year",
    ),
    path(
        "<int:pk>/capacity-demand/<int:year>/totals/",
        capacity_views.capacity_totals,
        name="capacity_totals",
    ),
    path(
        "<int:pk>/capacity-demand/schemes/",
        capacity_views.capacity_schemes,
        name="capacity_schemes",
    ),
    path(
        "<int:pk>/capacity-demand/workbook/",
        capacity_views.capacity_export,
        name="capacity_export",
    ),
    path(
        "<int:pk>/capacity-demand/import/",
        import_page,
        {"importer": CapacityImport()},
        name="capacity_import",
    ),
]

# Funding streams in the money and the ring-fences (schemes/funding/).
from schemes.funding import views as funding_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/funding-streams/", funding_views.funding_streams, name="funding_streams"),
]
