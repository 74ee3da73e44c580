"""URLs of the timetable lessons pages (included by timetable/urls.py, namespace "timetable")."""

urlpatterns: list = []
