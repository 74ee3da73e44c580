from django.urls import path

from gradebook.views import diary as views

urlpatterns = [
    path("", views.index, name="diary"),
    path("marks/", views.marks, name="diary_marks"),
    path("works/<int:work_id>/", views.work, name="diary_work"),
    path("read/", views.read, name="diary_read"),
]
