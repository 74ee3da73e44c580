"""URLs of the timetable week pages (included by timetable/urls.py, namespace "timetable").
`timetable:home` (/timetable/) is the person's own week, routed in timetable/urls.py."""

from django.urls import path

from timetable.views import week

# Routed as `timetable:home` by timetable/urls.py (it replaced the placeholder there).
home = week.home

urlpatterns = [
    path("timetable/class/<int:class_id>/", week.class_week, name="class_week"),
    path("timetable/teacher/<int:person_id>/", week.teacher_week, name="teacher_week"),
    path("timetable/room/<int:room_id>/", week.room_week, name="room_week"),
    path("timetable/child/<int:person_id>/", week.child_week, name="child_week"),
    path("timetable/print/", week.print_week, name="print"),
    # Under /timetable/feed/, which the membership middleware lets through without a session.
    path("timetable/feed/", week.feed_settings, name="feed"),
    path("timetable/feed/<str:token>.ics", week.feed_ics, name="feed_ics"),
]
