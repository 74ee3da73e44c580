from django.urls import path

from gradebook.views import reports as views

urlpatterns = [
    path("", views.index, name="reports"),
]
