from django.urls import path

from gradebook.views import homework as views

urlpatterns = [
    path("", views.index, name="homework"),
]
