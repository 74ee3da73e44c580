from django.urls import path

from gradebook.views import settings as views

urlpatterns = [
    path("", views.index, name="settings"),
    path("scales/<int:scale_id>/", views.scale, name="settings_scale"),
    path("work-types/<int:type_id>/", views.work_type, name="settings_work_type"),
    path("codes/<int:code_id>/", views.attendance_code, name="settings_code"),
]
