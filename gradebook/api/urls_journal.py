from django.urls import path

from gradebook.api import journal

urlpatterns = [
    path("lessons/<int:lesson_id>/marks/", journal.LessonMarksApi.as_view(), name="api-gradebook-lesson-marks"),
    path("journal/<int:class_id>/<int:subject_id>/", journal.JournalApi.as_view(), name="api-gradebook-journal"),
    path("students/<int:student_id>/day-absence/", journal.DayAbsenceApi.as_view(),
         name="api-gradebook-day-absence"),
]
