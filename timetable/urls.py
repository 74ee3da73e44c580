from django.urls import path

from timetable import urls_editor, urls_lessons, urls_substitutions, urls_week
from timetable.views import bells as bell_views
from timetable.views import groups as group_views
from timetable.views import setup as views

app_name = "timetable"
urlpatterns = [
    path("timetable/", urls_week.home, name="home"),
    path("calendar/", views.calendar, name="calendar"),
    path("rooms/", views.rooms, name="rooms"),
    path("subjects/", views.subjects, name="subjects"),
    path("calendar/bells/", bell_views.bells, name="bells"),
    path("timetable/groups/", group_views.groups, name="groups"),
    path("timetable/groups/new/", group_views.group_form, name="group_new"),
    path("timetable/groups/<int:group_id>/", group_views.group_form, name="group"),
]
# Each concern keeps its own URL list (they are written side by side).
urlpatterns += urls_week.urlpatterns + urls_editor.urlpatterns + urls_lessons.urlpatterns
urlpatterns += urls_substitutions.urlpatterns
