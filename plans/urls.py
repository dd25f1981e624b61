from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/sections/", views.section_list, name="section_list"),
    path("<int:pk>/sections/<slug:key>/edit/", views.section_edit, name="section_edit"),
    path("<int:pk>/history/", views.plan_history, name="plan_history"),
]

# National conditions' status per quarter (plans/views_conditions.py).
from plans import views_conditions  # noqa: E402

urlpatterns += [
    path(
        "<int:pk>/conditions/<int:year>/<int:quarter>/",
        views_conditions.condition_edit,
        name="condition_edit",
    ),
]
