from django.urls import path

from timetable import views

app_name = "timetable"
urlpatterns = [
    path("timetable/", views.home, name="home"),
    path("calendar/", views.calendar, name="calendar"),
    path("rooms/", views.rooms, name="rooms"),
    path("subjects/", views.subjects, name="subjects"),
]
