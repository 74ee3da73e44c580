"""URLs of the timetable week pages (included by timetable/urls.py, namespace "timetable")."""

urlpatterns: list = []
