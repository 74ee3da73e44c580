"""The gradebook's pages. Each area has its own URL module (and its own views module)."""

from django.urls import include, path

app_name = "gradebook"
urlpatterns = [
    path("journal/", include("gradebook.urls_journal")),
    path("diary/", include("gradebook.urls_diary")),
    path("homework/", include("gradebook.urls_homework")),
    path("planning/", include("gradebook.urls_planning")),
    path("reports/", include("gradebook.urls_reports")),
    path("journal-settings/", include("gradebook.urls_settings")),
]
