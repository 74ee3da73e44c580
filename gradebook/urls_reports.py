from django.urls import path

from gradebook.views import reports as views

urlpatterns = [
    path("", views.index, name="reports"),
    path("summary/", views.summary, name="report-summary"),
    path("progress/", views.progress, name="report-progress"),
    path("attendance/", views.attendance, name="report-attendance"),
    path("journal-keeping/", views.journal_keeping, name="report-journal-keeping"),
    path("report-card/", views.report_card, name="report-card"),
]
