from django.urls import path

from timetable.api import views

urlpatterns = [
    path("week/", views.MyWeekApi.as_view(), name="api-timetable-my-week"),
    path("classes/<int:class_id>/week/", views.ClassWeekApi.as_view(), name="api-timetable-class-week"),
    path("teachers/<int:person_id>/week/", views.TeacherWeekApi.as_view(), name="api-timetable-teacher-week"),
    path("lessons/<int:lesson_id>/", views.LessonDetailApi.as_view(), name="api-timetable-lesson"),
]
