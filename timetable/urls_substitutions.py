"""URLs of the timetable substitutions pages (included by timetable/urls.py, namespace "timetable")."""

from django.urls import path
from django.views.generic import RedirectView

from timetable.views import substitutions as views

urlpatterns: list = [
    path("timetable/changes/", views.changes, name="changes"),
    path("timetable/changes/report/", views.report, name="changes_report"),
    path("timetable/absences/new/", views.absence_new, name="absence_new"),
    path("timetable/absences/<int:absence_id>/", views.absence_detail, name="absence"),
    # The inbox moved to the notification centre; old links and bookmarks land there.
    path("notifications/", RedirectView.as_view(pattern_name="accounts:notifications", permanent=True,
                                                query_string=True), name="notifications"),
]
