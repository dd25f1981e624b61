from django.urls import path

from schemes import views

app_name = "schemes"
urlpatterns = [
    path("<int:pk>/schemes/", views.scheme_list, name="scheme_list"),
    path("<int:pk>/schemes/add/", views.scheme_edit, name="scheme_create"),
    path("<int:pk>/schemes/import/", views.scheme_import, name="scheme_import"),
    path("<int:pk>/schemes/history/", views.scheme_history, name="scheme_history_all"),
    path("<int:pk>/schemes/<int:scheme_pk>/", views.scheme_detail, name="scheme_detail"),
    path("<int:pk>/schemes/<int:scheme_pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("<int:pk>/schemes/<int:scheme_pk>/delete/", views.scheme_delete, name="scheme_delete"),
    path("<int:pk>/schemes/<int:scheme_pk>/history/", views.scheme_history, name="scheme_history"),
]

# Quarterly spend (schemes/views_spend.py).
from schemes import views_spend  # noqa: E402

urlpatterns += [
    path("<int:pk>/spend/<int:year>/<int:quarter>/", views_spend.spend_edit, name="spend_edit"),
    path(
        "<int:pk>/spend/<int:year>/<int:quarter>/import/",
        views_spend.spend_import,
        name="spend_import",
    ),
]
