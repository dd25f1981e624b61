from django.urls import path

from plans import views, views_partners, views_setup, views_sign_offs

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views_setup.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/sections/", views.section_list, name="section_list"),
    path("<int:pk>/sections/<slug:key>/edit/", views.section_edit, name="section_edit"),
    path("<int:pk>/sections/preview/", views.narrative_preview, name="narrative_preview"),
    path("<int:pk>/sections/from-html/", views.narrative_from_html, name="narrative_from_html"),
    path("<int:pk>/history/", views.plan_history, name="plan_history"),
    path("<int:pk>/partners/", views_partners.partners_edit, name="partners_edit"),
    path("<int:pk>/contributions/", views_partners.contributions, name="contributions"),
    path("<int:pk>/sign-offs/", views_sign_offs.sign_off_list, name="sign_off_list"),
    path(
        "<int:pk>/sign-offs/<int:sign_off_pk>/", views_sign_offs.sign_off_edit, name="sign_off_edit"
    ),
    # Setting up areas (administrators).
    path("areas/", views_setup.area_list, name="area_list"),
    path("areas/<int:area_pk>/", views_setup.area_detail, name="area_detail"),
    path("areas/<int:area_pk>/users/add/", views_setup.area_user_add, name="area_user_add"),
    path(
        "areas/<int:area_pk>/users/<int:user_pk>/",
        views_setup.area_user_edit,
        name="area_user_edit",
    ),
]

# National conditions' status per quarter (plans/views_conditions.py).
from plans import views_conditions  # noqa: E402

urlpatterns += [
    path("<int:pk>/conditions/", views_conditions.condition_list, name="condition_list"),
    path(
        "<int:pk>/conditions/<int:year>/<int:quarter>/",
        views_conditions.condition_edit,
        name="condition_edit",
    ),
]
