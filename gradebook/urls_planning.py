from django.urls import path

from gradebook.views import planning as views

urlpatterns = [
    path("", views.index, name="planning"),
    path("<int:class_id>/<int:subject_id>/", views.plan, name="plan"),
    path("topics/<int:topic_id>/", views.topic, name="plan_topic"),
    path("template.xlsx", views.plan_template_xlsx, name="plan_template_xlsx"),
    path("template.csv", views.plan_template_csv, name="plan_template_csv"),
    path("materials/", views.materials, name="materials"),
    path("materials/<int:material_id>/download/", views.material_download, name="material_download"),
    path("materials/<int:material_id>/delete/", views.material_delete, name="material_delete"),
    path("templates/", views.templates, name="lesson_templates"),
    path("templates/<int:template_id>/", views.template_edit, name="lesson_template"),
]
