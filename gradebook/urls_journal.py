from django.urls import path

from gradebook.views import journal as views

urlpatterns = [
    path("", views.index, name="journal"),
]
