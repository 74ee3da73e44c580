"""The setup wizard: opens at the administrator's sign-in, saves progress per step,
resumes where it stopped, and every step stays reachable afterwards."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import schema_context
from PIL import Image

from accounts.models import Invitation
from core.models import SchoolClass, SchoolSettings
from core.services.setup import class_names_parse
from core.setup import STEP_KEYS, STEPS
from gradebook.models import GradingScale
from tenants.models import School
from tests.conftest import client_for
from timetable.models import AcademicYear, Bell, Room, Subject, TeachingAssignment


@pytest.fixture
def fresh(school2):
    """School 2 as if it had just been activated: nothing of the wizard done."""
    with schema_context(school2.school.schema_name):
        SchoolSettings.objects.update_or_create(pk=1, defaults={"setup_done": [], "setup_completed_at": None})
    return school2


def _admin(cast):
    return client_for(cast.host, cast.admin)


def test_the_wizard_opens_at_the_administrators_sign_in_and_not_for_others(fresh):
    response = _admin(fresh).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/setup/school/"
    assert client_for(fresh.host, fresh.teacher).get("/").status_code == 200


def test_it_resumes_at_the_first_step_not_done(fresh):
    with schema_context(fresh.school.schema_name):
        SchoolSettings.objects.filter(pk=1).update(setup_done=["school", "calendar"])
    assert _admin(fresh).get("/")["Location"] == "/setup/staff/"


def test_later_stops_the_redirect_for_the_session(fresh):
    client = _admin(fresh)
    client.post("/setup/later/")
    assert client.get("/").status_code == 200
    assert "Настройка школы" in client.get("/setup/").content.decode()


def _png(size=(40, 20)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 95, 191)).save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def _school_form(**overrides):
    data = {"name": "МБОУ «Лицей № 2» г. Обнинска", "short_name": "Лицей № 2 (Обнинск)",
            "timezone": "Asia/Yekaterinburg", "grading": "ten", "week_days": "6", "modules": ["journal", "timetable"],
            "phone": "+7 484 390-00-02", "email": "lyceum2@obninsk.test", "website": "", "address": "пр. Ленина, 1"}
    return {**data, **overrides}


def test_school_step_saves_the_registry_row_and_the_settings_and_moves_on(fresh):
    client = _admin(fresh)
    response = client.post("/setup/school/", {**_school_form(), "logo": _png(), "continue": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/calendar/"
    school = School.objects.get(pk=fresh.school.pk)
    assert (school.short_name, school.timezone) == ("Лицей № 2 (Обнинск)", "Asia/Yekaterinburg")
    with schema_context(fresh.school.schema_name):
        settings = SchoolSettings.objects.get()
        assert settings.grading == "ten" and settings.week_days == 6
        # The grading system chosen here is the journal's default scale.
        assert list(GradingScale.objects.filter(is_default=True).values_list("kind", flat=True)) == ["ten"]
        assert settings.modules == ["journal", "timetable"]
        assert settings.setup_done == ["school"]
        assert settings.logo.name.startswith(f"{fresh.school.schema_name}/logo/")
    logo = client.get("/school-logo/")
    assert logo.status_code == 200
    assert logo["X-Content-Type-Options"] == "nosniff"


def test_a_file_that_is_not_an_image_is_refused_as_logo(fresh):
    fake = SimpleUploadedFile("logo.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    response = _admin(fresh).post("/setup/school/", {**_school_form(), "logo": fake})
    assert response.status_code == 200
    assert "изображение" in response.content.decode().lower()
    with schema_context(fresh.school.schema_name):
        assert SchoolSettings.objects.get().setup_done == []
    assert School.objects.get(pk=fresh.school.pk).short_name == fresh.school.short_name


def test_calendar_step_saves_the_year_periods_and_bells(fresh):
    client = _admin(fresh)
    with schema_context(fresh.school.schema_name):
        AcademicYear.objects.all().delete()
    preview = client.post("/calendar/", {"action": "preview", "name": "2026/2027", "starts_on": "2026-09-01",
                                         "ends_on": "2027-05-31", "period_kind": "semester"})
    assert preview.context["period_formset"].initial[1]["name"] == "2-е полугодие"
    data = {"action": "year", "name": "2026/2027", "starts_on": "2026-09-01", "ends_on": "2027-05-31",
            "period_kind": "semester", "periods-TOTAL_FORMS": "2", "periods-INITIAL_FORMS": "0",
            "periods-MIN_NUM_FORMS": "1", "periods-MAX_NUM_FORMS": "1000",
            "periods-0-name": "1-е полугодие", "periods-0-starts_on": "2026-09-01", "periods-0-ends_on": "2026-12-27",
            "periods-1-name": "2-е полугодие", "periods-1-starts_on": "2027-01-09", "periods-1-ends_on": "2027-05-31"}
    assert client.post("/calendar/", data).status_code == 302
    bells = {"action": "bells", "name": "Основное", "bells-TOTAL_FORMS": "2", "bells-INITIAL_FORMS": "0",
             "bells-MIN_NUM_FORMS": "0", "bells-MAX_NUM_FORMS": "1000",
             "bells-0-starts_at": "08:00", "bells-0-ends_at": "08:40",
             "bells-1-starts_at": "08:50", "bells-1-ends_at": "09:30"}
    response = client.post("/calendar/", bells)
    assert response.status_code == 302, (response.context["bell_form"].errors, response.context["bell_formset"].errors)
    with schema_context(fresh.school.schema_name):
        year = AcademicYear.objects.get(name="2026/2027")
        assert [p.name for p in year.periods.order_by("number")] == ["1-е полугодие", "2-е полугодие"]
        assert Bell.objects.filter(schedule__name="Основное").count() == 2
        assert "calendar" in SchoolSettings.objects.get().setup_done


def test_rooms_and_subjects_steps(fresh):
    client = _admin(fresh)
    response = client.post("/rooms/", {"names": "401-403, актовый зал", "capacity": "25", "kind": "classroom",
                                       "new_building": "Новый корпус"})
    assert response.status_code == 302
    with schema_context(fresh.school.schema_name):
        assert Room.objects.filter(building__name="Новый корпус").count() == 4
    client.post("/subjects/", {"action": "subjects", "standard": ["Математика"], "other": "Шахматы\nРобототехника"})
    with schema_context(fresh.school.schema_name):
        assert Subject.objects.filter(name__in=["Шахматы", "Робототехника", "Математика"]).count() == 3
        chess = Subject.objects.get(name="Шахматы")
        school_class = SchoolClass.objects.get(grade=5, letter="А")
        teacher = fresh.person(fresh.teacher)
        subject_ids = list(Subject.objects.values_list("pk", flat=True))
    grid = {"action": "load"}
    for pk in subject_ids:
        grid[f"s{pk}-subject"] = str(pk)
    grid[f"s{chess.pk}-teacher"] = str(teacher.pk)
    grid[f"s{chess.pk}-hours"] = "1"
    response = client.post(f"/subjects/?class={school_class.pk}", grid)
    assert response.status_code == 302
    with schema_context(fresh.school.schema_name):
        assert TeachingAssignment.objects.filter(school_class=school_class, subject=chess, teacher=teacher).exists()


def test_class_names_are_understood_as_schools_write_them():
    assert class_names_parse("1-2 АБ; 5А, 10") == [(1, "А"), (1, "Б"), (2, "А"), (2, "Б"), (5, "А"), (10, "")]
    assert class_names_parse("5a") == [(5, "А")]  # a Latin «a» typed on an English layout


def test_classes_step_adds_classes_and_refuses_nonsense_without_saving(fresh):
    client = _admin(fresh)
    with schema_context(fresh.school.schema_name):
        before = SchoolClass.objects.count()
    response = client.post("/setup/classes/", {"action": "add", "names": "10-11 АБ, 5Ы"})
    assert "не буква класса" in response.content.decode()
    with schema_context(fresh.school.schema_name):
        assert SchoolClass.objects.count() == before
    client.post("/setup/classes/", {"action": "add", "names": "10-11 АБ"})
    with schema_context(fresh.school.schema_name):
        assert SchoolClass.objects.count() == before + 4


def test_staff_step_needs_a_teacher_before_it_is_done(fresh):
    client = _admin(fresh)
    with schema_context(fresh.school.schema_name):
        from core.models import Person

        Person.objects.filter(roles__contains=["teacher"]).update(is_active=False)
    client.post("/setup/staff/")
    with schema_context(fresh.school.schema_name):
        assert "staff" not in SchoolSettings.objects.get().setup_done
        Person.objects.filter(roles__contains=["teacher"]).update(is_active=True)
    client.post("/setup/staff/")
    with schema_context(fresh.school.schema_name):
        assert "staff" in SchoolSettings.objects.get().setup_done


def test_finishing_every_step_completes_the_setup(fresh):
    client = _admin(fresh)
    with schema_context(fresh.school.schema_name):
        SchoolSettings.objects.filter(pk=1).update(setup_done=STEP_KEYS[:-1])
    response = client.post("/setup/timetable/", {"continue": "1"})
    assert response["Location"] == "/setup/"
    with schema_context(fresh.school.schema_name):
        assert SchoolSettings.objects.get().setup_completed_at is not None
    assert client.get("/").status_code == 200
    page = client.get("/setup/").content.decode()
    assert page.count("✓") == len(STEPS)


@pytest.mark.parametrize("path", ["/setup/", "/setup/school/", "/setup/staff/", "/setup/classes/", "/setup/students/",
                                  "/setup/timetable/", "/calendar/", "/rooms/", "/subjects/"])
def test_only_the_administrator_sees_the_wizard(fresh, path):
    for role in ("teacher", "director", "student", "parent"):
        assert client_for(fresh.host, getattr(fresh, role)).get(path).status_code == 404, (role, path)
    assert _admin(fresh).get(path).status_code == 200


def test_a_pilot_limits_invitations_to_the_pilot_classes(fresh):
    client = _admin(fresh)
    with schema_context(fresh.school.schema_name):
        SchoolSettings.objects.filter(pk=1).update(pilot_only=True)
        outside = SchoolClass.objects.get(grade=5, letter="А")
        SchoolClass.objects.exclude(pk=outside.pk).update(in_pilot=True)
        SchoolClass.objects.filter(pk=outside.pk).update(in_pilot=False)
    overview = client.get("/invitations/").content.decode()
    assert "не участвует в пилоте" in overview
    response = client.post(f"/classes/{outside.pk}/invitations/", {"scope": "both"})
    assert response.status_code == 302
    assert response["Location"] == "/invitations/"
    assert not Invitation.objects.filter(school=fresh.school).exists()
    with schema_context(fresh.school.schema_name):
        SchoolSettings.objects.filter(pk=1).update(pilot_only=False)
    response = client.post(f"/classes/{outside.pk}/invitations/", {"scope": "students"})
    assert response["Content-Type"] == "application/pdf"


def test_every_step_is_in_the_administration_menu(fresh):
    with schema_context(fresh.school.schema_name):
        SchoolSettings.objects.filter(pk=1).update(setup_done=STEP_KEYS, setup_completed_at="2026-09-01T00:00Z")
    page = _admin(fresh).get("/administration/").content.decode()
    for step in STEPS:
        assert f'href="{reverse(step.url_name)}"' in page


def test_a_group_of_a_class_gets_its_own_teacher_on_the_subjects_page(fresh):
    client = _admin(fresh)
    with schema_context(fresh.school.schema_name):
        school_class = SchoolClass.objects.get(grade=5, letter="А")
        english = Subject.objects.get(name="Иностранный язык (английский)")
        teacher = fresh.person(fresh.teacher)
    response = client.post(f"/subjects/?class={school_class.pk}", {
        "action": "group", "subject": english.pk, "group_name": "группа 2", "teacher": teacher.pk, "hours": "3"})
    assert response.status_code == 302
    page = client.get(f"/subjects/?class={school_class.pk}").content.decode()
    assert "группа 2" in page
    with schema_context(fresh.school.schema_name):
        assert TeachingAssignment.objects.filter(subgroup__name="группа 2", teacher=teacher).exists()
