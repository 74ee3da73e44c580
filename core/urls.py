from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("classes/", views.class_list, name="classes"),
    path("classes/<int:class_id>/", views.class_detail, name="class_detail"),
    path("staff/", views.staff_list, name="staff"),
    path("administration/", views.administration, name="administration"),
]
