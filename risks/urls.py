from django.urls import path

from plans.imports import import_page
from risks import views
from risks.imports import RiskImport

app_name = "risks"
urlpatterns = [
    path("<int:pk>/risks/", views.register, name="register"),
    path("<int:pk>/risks/register/", views.register_edit, name="register_edit"),
    path("<int:pk>/risks/add/", views.risk_edit, name="risk_create"),
    path("<int:pk>/risks/import/", import_page, {"importer": RiskImport()}, name="risk_import"),
    path("<int:pk>/risks/heat-map/", views.heat_map, name="heat_map"),
    path("<int:pk>/risks/history/", views.risk_history, name="risk_history"),
    path("<int:pk>/risks/<int:risk_pk>/", views.risk_detail, name="risk_detail"),
    path("<int:pk>/risks/<int:risk_pk>/edit/", views.risk_edit, name="risk_edit"),
    path("<int:pk>/risks/<int:risk_pk>/review/", views.risk_review, name="risk_review"),
    path("<int:pk>/risk-sharing/", views.scenario_list, name="scenario_list"),
    path("<int:pk>/risk-sharing/add/", views.scenario_edit, name="scenario_create"),
    path(
        "<int:pk>/risk-sharing/<int:scenario_pk>/edit/",
        views.scenario_edit,
        name="scenario_edit",
    ),
    path("<int:pk>/funds/", views.fund_list, name="fund_list"),
    path("<int:pk>/funds/add/", views.fund_create, name="fund_create"),
    path("<int:pk>/funds/history/", views.fund_history, name="fund_history"),
    path("<int:pk>/funds/<int:fund_pk>/release/", views.fund_release, name="fund_release"),
]
