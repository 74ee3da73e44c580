"""URLs of the teacher's journal (under /journal/, namespace "gradebook")."""

from django.urls import path

from gradebook.views import absences, lesson
from gradebook.views import journal as views

urlpatterns = [
    path("", views.index, name="journal"),
    path("lessons/<int:lesson_id>/", lesson.lesson_page, name="journal_lesson"),
    path("lessons/<int:lesson_id>/works/", lesson.work_add, name="journal_work_add"),
    path("lessons/<int:lesson_id>/works/<int:work_id>/remove/", lesson.work_remove, name="journal_work_remove"),
    path("lessons/<int:lesson_id>/template/", lesson.template_save, name="journal_template_save"),
    path("cell/", views.cell, name="journal_cell"),
    path("absences/", absences.absences, name="journal_absences"),
    path("history/<str:kind>/<int:object_id>/", views.history, name="journal_history"),
    path("<int:class_id>/<int:subject_id>/", views.grid, name="journal_grid"),
]
