from django.urls import path

from gradebook.views import planning as views

urlpatterns = [
    path("", views.index, name="planning"),
]
