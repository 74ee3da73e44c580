from django.urls import path

from gradebook.views import diary as views

urlpatterns = [
    path("", views.index, name="diary"),
]
