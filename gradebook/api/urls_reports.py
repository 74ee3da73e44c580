from django.urls import path

from gradebook.api import reports as views

urlpatterns = [
    path("reports/summary/", views.SummaryReportApi.as_view(), name="api-report-summary"),
    path("reports/progress/", views.ProgressReportApi.as_view(), name="api-report-progress"),
    path("reports/attendance/", views.AttendanceReportApi.as_view(), name="api-report-attendance"),
    path("reports/journal-keeping/", views.JournalKeepingReportApi.as_view(), name="api-report-journal-keeping"),
    path("reports/report-card/", views.ReportCardApi.as_view(), name="api-report-card"),
]
