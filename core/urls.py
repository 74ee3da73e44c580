from django.urls import path

from core.views import imports, invitations, pages, people, setup

app_name = "core"
urlpatterns = [
    path("", pages.home, name="home"),
    path("classes/", pages.class_list, name="classes"),
    path("classes/<int:class_id>/", pages.class_detail, name="class_detail"),
    path("classes/<int:class_id>/invitations/", invitations.class_invitations, name="class_invitations"),
    path("staff/", pages.staff_list, name="staff"),
    path("administration/", pages.administration, name="administration"),
    # People management (the school's administrator).
    path("people/", people.people_list, name="people"),
    path("people/new/<str:group>/", people.person_create, name="person_create"),
    path("people/<int:person_id>/", people.person_edit, name="person_edit"),
    path("people/<int:person_id>/unlink/", people.person_unlink, name="person_unlink"),
    path("people/<int:person_id>/invitation/", invitations.person_invitation, name="person_invitation"),
    path("people/import/", imports.import_start, name="people_import"),
    path("people/import/template/<str:group>/", imports.import_template, name="people_import_template"),
    path("people/import/<int:import_id>/", imports.import_detail, name="people_import_detail"),
    path("people/import/<int:import_id>/apply/", imports.import_apply, name="people_import_apply"),
    path("invitations/", invitations.invitations_overview, name="invitations"),
    path("invitations/staff/", invitations.staff_invitations, name="staff_invitations"),
    # The setup wizard (steps 2, 6 and 7 are timetable:calendar, timetable:rooms, timetable:subjects).
    path("setup/", setup.overview, name="setup"),
    path("setup/later/", setup.skip, name="setup_skip"),
    path("setup/school/", setup.school_step, name="setup_school"),
    path("setup/staff/", setup.staff_step, name="setup_staff"),
    path("setup/classes/", setup.classes_step, name="setup_classes"),
    path("setup/students/", setup.students_step, name="setup_students"),
    path("setup/timetable/", setup.timetable_step, name="setup_timetable"),
    path("school-logo/", setup.logo, name="school_logo"),
]
