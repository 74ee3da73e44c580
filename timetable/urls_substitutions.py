"""URLs of the timetable substitutions pages (included by timetable/urls.py, namespace "timetable")."""

from django.urls import path

from timetable.views import substitutions as views

urlpatterns: list = [
    path("timetable/changes/", views.changes, name="changes"),
    path("timetable/changes/report/", views.report, name="changes_report"),
    path("timetable/absences/new/", views.absence_new, name="absence_new"),
    path("timetable/absences/<int:absence_id>/", views.absence_detail, name="absence"),
    path("notifications/", views.notifications, name="notifications"),
]
