from django.urls import path

from core.api import views

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="api-me"),
    path("classes/", views.ClassListApi.as_view(), name="api-classes"),
    path("classes/<int:class_id>/", views.ClassDetailApi.as_view(), name="api-class-detail"),
]
