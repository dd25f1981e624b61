from django.urls import path

from plans.views import partners, plan, section_75, setup, sign_offs

app_name = "plans"
urlpatterns = [
    path("", plan.plan_list, name="plan_list"),
    path("new/", setup.plan_create, name="plan_create"),
    path("<int:pk>/", plan.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", plan.plan_edit, name="plan_edit"),
    path("<int:pk>/sections/", plan.section_list, name="section_list"),
    path("<int:pk>/sections/<slug:key>/edit/", plan.section_edit, name="section_edit"),
    path("<int:pk>/sections/preview/", plan.narrative_preview, name="narrative_preview"),
    path("<int:pk>/sections/from-html/", plan.narrative_from_html, name="narrative_from_html"),
    path("<int:pk>/history/", plan.plan_history, name="plan_history"),
    path("<int:pk>/partners/", partners.partners_edit, name="partners_edit"),
    path("<int:pk>/contributions/", partners.contributions, name="contributions"),
    path("<int:pk>/sign-offs/", sign_offs.sign_off_list, name="sign_off_list"),
    path("<int:pk>/section-75/", section_75.section_75, name="section_75"),
    path("<int:pk>/sign-offs/<int:sign_off_pk>/", sign_offs.sign_off_edit, name="sign_off_edit"),
    # Setting up areas (administrators).
    path("areas/", setup.area_list, name="area_list"),
    path("areas/<int:area_pk>/", setup.area_detail, name="area_detail"),
    path("areas/<int:area_pk>/users/add/", setup.area_user_add, name="area_user_add"),
    path(
        "areas/<int:area_pk>/users/<int:user_pk>/",
        setup.area_user_edit,
        name="area_user_edit",
    ),
]

# National conditions' status per quarter (plans/views/conditions.py).
from plans.views import conditions  # noqa: E402

urlpatterns += [
    path("<int:pk>/conditions/", conditions.condition_list, name="condition_list"),
    path("<int:pk>/conditions/plan/", conditions.condition_plan_edit, name="condition_plan_edit"),
    path(
        "<int:pk>/conditions/<int:year>/<int:quarter>/",
        conditions.condition_edit,
        name="condition_edit",
    ),
]
