from django.urls import path

from timetable import views

app_name = "timetable"
urlpatterns = [path("timetable/", views.home, name="home")]
