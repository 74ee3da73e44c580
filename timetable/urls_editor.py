"""URLs of the timetable editor pages (included by timetable/urls.py, namespace "timetable")."""

from django.urls import path

from timetable.views import editor

urlpatterns: list = [
    path("timetable/editor/", editor.editor_index, name="editor"),
    path("timetable/editor/<int:version_id>/", editor.editor_version, name="editor_version"),
    path("timetable/editor/<int:version_id>/class/<int:class_id>/", editor.editor_class, name="editor_class"),
    path("timetable/editor/<int:version_id>/class/<int:class_id>/copy-day/", editor.day_copy,
         name="editor_day_copy"),
    path("timetable/editor/<int:version_id>/teacher/<int:person_id>/", editor.editor_teacher,
         name="editor_teacher"),
    path("timetable/editor/<int:version_id>/entry/new/", editor.entry_form, name="editor_entry_new"),
    path("timetable/editor/<int:version_id>/entry/<int:entry_id>/", editor.entry_form, name="editor_entry"),
    path("timetable/editor/<int:version_id>/entry/<int:entry_id>/move/", editor.entry_move,
         name="editor_entry_move"),
    path("timetable/editor/<int:version_id>/entry/<int:entry_id>/delete/", editor.entry_delete,
         name="editor_entry_delete"),
    path("timetable/editor/<int:version_id>/copy-week/", editor.week_copy, name="editor_week_copy"),
    path("timetable/editor/<int:version_id>/undo/", editor.undo, name="editor_undo"),
    path("timetable/editor/<int:version_id>/import/", editor.csv_import, name="editor_import"),
]
