from django.urls import path

from submissions import views

app_name = "submissions"
urlpatterns = [
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/retry/", views.job_retry_view, name="job_retry"),
]

from submissions.documents import urls as documents_urls  # noqa: E402

urlpatterns += documents_urls.urlpatterns
