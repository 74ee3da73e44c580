"""The gradebook's REST API, under /api/v1/gradebook/. Each area has its own module."""

from django.urls import include, path

urlpatterns = [
    path("", include("gradebook.api.urls_journal")),
    path("", include("gradebook.api.urls_diary")),
    path("", include("gradebook.api.urls_homework")),
    path("", include("gradebook.api.urls_reports")),
]
