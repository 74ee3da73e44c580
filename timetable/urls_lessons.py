"""URLs of the timetable lessons pages (included by timetable/urls.py, namespace "timetable")."""

from django.urls import path

from timetable.views import lessons as views

urlpatterns: list = [
    path("timetable/lessons/", views.generate, name="lessons_generate"),
]
