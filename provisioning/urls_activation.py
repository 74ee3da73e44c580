from django.urls import path

from provisioning.views import activation as views

app_name = "activation"
urlpatterns = [
    path("", views.code_step, name="code"),
    path("school/", views.school_step, name="school"),
    path("school/check/", views.slug_check, name="slug_check"),
    path("admin/", views.admin_step, name="admin"),
    path("job/<uuid:job_id>/", views.job_status, name="job"),
]
