"""URLs of the timetable editor pages (included by timetable/urls.py, namespace "timetable")."""

urlpatterns: list = []
