from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from plans.forms import SignInForm
from submissions.views import home

urlpatterns = [
    path("", home.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("plans/", include("plans.urls")),
    path("plans/", include("schemes.urls")),
    path("plans/", include("metrics.urls")),
    path("plans/", include("risks.urls")),
    path("governance/", include("governance.urls")),
    path("submissions/", include("submissions.urls")),
    path("api/", include("frameworks.api")),
    path("api/", include("schemes.api")),
    path("api/", include("metrics.api")),
    path("api/", include("risks.api")),
    path("api/", include("governance.api")),
    path("api/", include("submissions.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]

handler403 = "bcf.views.permission_denied"
handler404 = "bcf.views.page_not_found"
