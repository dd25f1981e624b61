"""Pages of a plan's submission documents; included in the `submissions` namespace."""

from django.urls import path

from plans.imports import import_page
from submissions.documents import views
from submissions.documents.part2_import import Part2Import

urlpatterns = [
    path("plans/<int:pk>/documents/", views.document_list, name="document_list"),
    path("plans/<int:pk>/documents/render/", views.document_render, name="document_render"),
    path(
        "plans/<int:pk>/documents/import/",
        import_page,
        {"importer": Part2Import()},
        name="workbook_import",
    ),
    path("plans/<int:pk>/checklist/", views.checklist, name="checklist"),
    path("plans/<int:pk>/versions/", views.version_list, name="version_list"),
    path("plans/<int:pk>/versions/<int:other>/", views.version_diff, name="version_diff"),
    path(
        "returns/<int:pk>/documents/render/",
        views.return_document_render,
        name="return_document_render",
    ),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
]
