from django.urls import path

from gradebook.api import diary

urlpatterns = [
    path("diary/<int:student_id>/week/", diary.DiaryWeekApi.as_view(), name="api-gradebook-diary-week"),
    path("diary/<int:student_id>/marks/", diary.DiaryMarksApi.as_view(), name="api-gradebook-diary-marks"),
]
