from django.urls import path

from gradebook.views import homework as views

urlpatterns = [
    path("", views.index, name="homework"),
    path("new/", views.new, name="homework-new"),
    path("archive/", views.archive, name="homework-archive"),
    path("<int:homework_id>/", views.detail, name="homework-detail"),
    path("<int:homework_id>/edit/", views.edit, name="homework-edit"),
    path("<int:homework_id>/delete/", views.delete, name="homework-delete"),
    path("item/<int:item_id>/", views.item, name="homework-item"),
    path("item/<int:item_id>/submit/", views.submit, name="homework-submit"),
    path("item/<int:item_id>/accept/", views.accept, name="homework-accept"),
    path("item/<int:item_id>/return/", views.return_, name="homework-return"),
    path("files/<int:file_id>/", views.homework_file, name="homework-file"),
    path("submission-files/<int:file_id>/", views.submission_file, name="homework-submission-file"),
]
