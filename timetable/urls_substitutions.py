"""URLs of the timetable substitutions pages (included by timetable/urls.py, namespace "timetable")."""

urlpatterns: list = []
