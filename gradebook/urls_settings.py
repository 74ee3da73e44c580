from django.urls import path

from gradebook.views import settings as views

urlpatterns = [
    path("", views.index, name="settings"),
]
