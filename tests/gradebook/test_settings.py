"""The journal settings of the administration: the rules with their ranges, custom scales
and the default, the scale of each class (which the engine then uses), work types and
attendance codes that cannot be deleted while in use; nobody else reaches the page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.models import SchoolClass, SchoolSettings
from gradebook.errors import FORBIDDEN, GradebookError
from gradebook.models import Attendance, AttendanceCode, ClassScale, GradebookSettings, GradingScale, Work, WorkType
from gradebook.scales import scale_for_class
from gradebook.services import settings as services
from tests.conftest import client_for
from tests.timetable.week_factory import lesson_make
from timetable.models import Subject

RULES = {"action": "rules", "rounding": "six_tenths", "reason_after_days": "10", "rating_enabled": "on",
         "warning_average_below": "3.2", "warning_falling_marks": "4", "warning_absences": "12",
         "assistant_enabled": ""}


@pytest.fixture
def cast(school1, in_school):
    with in_school(school1.school):
        yield school1


def admin(cast):
    return client_for(cast.host, cast.admin)


def test_rules_are_saved_and_bad_values_leave_them_as_they_were(cast):
    assert admin(cast).post("/journal-settings/", RULES).status_code == 302
    rules = GradebookSettings.objects.get()
    assert (rules.rounding, rules.reason_after_days, rules.rating_enabled, rules.warning_average_below,
            rules.warning_falling_marks, rules.warning_absences, rules.assistant_enabled) == (
        "six_tenths", 10, True, Decimal("3.20"), 4, 12, False)

    response = admin(cast).post("/journal-settings/", {**RULES, "rounding": "up", "reason_after_days": "-1",
                                                       "warning_falling_marks": "1", "warning_absences": "9"})
    assert response.status_code == 422
    assert set(response.context["rules_form"].errors) >= {"rounding", "reason_after_days"}
    assert GradebookSettings.objects.get().warning_absences == 12

    response = admin(cast).post("/journal-settings/", {**RULES, "warning_falling_marks": "1"})
    assert response.status_code == 422 and response.context["rules_form"].errors["warning_falling_marks"]


def test_a_custom_scale_with_words_and_numbers(cast):
    response = admin(cast).post("/journal-settings/", {
        "action": "scale_add", "name": "Словесная", "values": "отл=5, хор=4; уд=3, неуд=2",
        "pass_from": "3", "good_from": "4", "counts_in_average": "on"})

    assert response.status_code == 302
    scale = GradingScale.objects.get(name="Словесная")
    assert scale.kind == "custom" and (scale.min_value, scale.max_value) == (2, 5)
    assert scale.values == [{"raw": "отл", "numeric": "5"}, {"raw": "хор", "numeric": "4"},
                            {"raw": "уд", "numeric": "3"}, {"raw": "неуд", "numeric": "2"}]


@pytest.mark.parametrize(("values", "pass_from", "field"), [
    ("5", "3", "values"),  # one value
    ("A, B, C", "3", "values"),  # words without numbers
    ("5, 4, 4", "3", "values"),  # twice
    ("5, 4, 3, 2", "7", "pass_from"),  # out of the scale
])
def test_a_scale_that_cannot_work_is_refused_with_the_field_named(cast, values, pass_from, field):
    response = admin(cast).post("/journal-settings/", {
        "action": "scale_add", "name": "Плохая", "values": values, "pass_from": pass_from, "good_from": "4"})
    assert response.status_code == 422
    assert response.context["scale_form"].errors[field]
    assert not GradingScale.objects.filter(name="Плохая").exists()


def test_the_class_scale_changes_the_scale_the_engine_uses(cast):
    five_a = SchoolClass.objects.get(grade=5, letter="А")
    ten = GradingScale.objects.get(kind="ten")
    default = GradingScale.objects.get(is_default=True)
    assert scale_for_class(five_a) == default

    assert admin(cast).post("/journal-settings/", {"action": "class_scales",
                                                   f"class-{five_a.pk}": str(ten.pk)}).status_code == 302
    assert scale_for_class(five_a) == ten

    admin(cast).post("/journal-settings/", {"action": "class_scales", f"class-{five_a.pk}": ""})
    assert scale_for_class(five_a) == default and not ClassScale.objects.filter(school_class=five_a).exists()


def test_setting_the_default_moves_classes_without_their_own_scale(cast):
    five_a = SchoolClass.objects.get(grade=5, letter="А")
    twelve = GradingScale.objects.get(kind="twelve")
    assert admin(cast).post(f"/journal-settings/scales/{twelve.pk}/", {"action": "default"}).status_code == 302
    assert list(GradingScale.objects.filter(is_default=True)) == [twelve]
    assert scale_for_class(five_a) == twelve
    assert SchoolSettings.objects.get().grading == "twelve"  # the setup wizard shows the same choice


def test_a_scale_in_use_or_the_default_is_not_deleted(cast):
    default = GradingScale.objects.get(is_default=True)
    with pytest.raises(GradebookError) as error:
        services.grading_scale_delete(cast.person(cast.admin), scale=default)
    assert error.value.code == services.IN_USE
    custom = services.grading_scale_create(cast.person(cast.admin), name="Временная", values="1,0", pass_from=1,
                                           good_from=1)
    admin(cast).post(f"/journal-settings/scales/{custom.pk}/", {"action": "delete"})
    assert not GradingScale.objects.filter(pk=custom.pk).exists()


def test_work_types_are_added_edited_reordered_and_protected_when_used(cast):
    client = admin(cast)
    assert client.post("/journal-settings/", {"action": "work_type_add", "name": "Зачёт по теме",
                                              "short_name": "зач", "weight": "2.5"}).status_code == 302
    new = WorkType.objects.get(name="Зачёт по теме")
    assert new.weight == Decimal("2.5") and new.position == WorkType.objects.order_by("-position")[0].position

    response = client.post("/journal-settings/", {"action": "work_type_add", "name": "зачёт по теме", "weight": "1"})
    assert response.status_code == 422 and response.context["work_type_form"].errors["name"]
    response = client.post("/journal-settings/", {"action": "work_type_add", "name": "Ноль", "weight": "0"})
    assert response.status_code == 422 and response.context["work_type_form"].errors["weight"]

    client.post(f"/journal-settings/work-types/{new.pk}/", {"action": "up"})
    assert list(WorkType.objects.order_by("position").values_list("name", flat=True))[-2] == "Зачёт по теме"

    assert client.post(f"/journal-settings/work-types/{new.pk}/", {
        "action": "save", "name": "Зачёт", "short_name": "зч", "weight": "3", "is_default": "on"}).status_code == 302
    assert WorkType.objects.get(is_default=True).name == "Зачёт"

    used = WorkType.objects.exclude(pk=new.pk).order_by("pk").first()
    five_a = SchoolClass.objects.get(grade=5, letter="А")
    Work.objects.create(subject=Subject.objects.first(), school_class=five_a, work_type=used, date=date.today())
    response = client.post(f"/journal-settings/work-types/{used.pk}/", {"action": "delete"}, follow=True)
    assert WorkType.objects.filter(pk=used.pk).exists()
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"
    with pytest.raises(GradebookError) as error:
        services.work_type_delete(cast.person(cast.admin), work_type=used)
    assert error.value.code == services.IN_USE


def test_attendance_codes_are_added_edited_and_protected_when_used(cast):
    client = admin(cast)
    assert client.post("/journal-settings/", {"action": "code_add", "code": "ОСВ", "name": "освобождён",
                                              "is_excused": "on"}).status_code == 302
    code = AttendanceCode.objects.get(code="осв")
    assert code.is_excused and not code.is_absence

    response = client.post("/journal-settings/", {"action": "code_add", "code": "н", "name": "ещё раз"})
    assert response.status_code == 422 and response.context["code_form"].errors["code"]

    client.post(f"/journal-settings/codes/{code.pk}/", {"action": "save", "code": "осв", "name": "освобождён от урока",
                                                        "is_absence": "on", "is_excused": "on"})
    code.refresh_from_db()
    assert code.name == "освобождён от урока" and code.is_absence

    five_a = SchoolClass.objects.get(grade=5, letter="А")
    lesson = lesson_make(cast.school, date.today(), 1, subject=Subject.objects.first(), classes=[five_a])
    student = five_a.enrollments.first().student
    Attendance.objects.create(lesson=lesson, student=student, code=code)
    client.post(f"/journal-settings/codes/{code.pk}/", {"action": "delete"})
    assert AttendanceCode.objects.filter(pk=code.pk).exists()
    Attendance.objects.filter(code=code).delete()
    client.post(f"/journal-settings/codes/{code.pk}/", {"action": "delete"})
    assert not AttendanceCode.objects.filter(pk=code.pk).exists()


@pytest.mark.parametrize("who", ["teacher", "student", "parent"])
def test_only_the_administration_reaches_the_settings(cast, who):
    client = client_for(cast.host, getattr(cast, who))
    work_type = WorkType.objects.first()
    assert client.get("/journal-settings/").status_code == 404
    assert client.post("/journal-settings/", RULES).status_code == 404
    assert client.post(f"/journal-settings/work-types/{work_type.pk}/", {"action": "delete"}).status_code == 404
    assert WorkType.objects.filter(pk=work_type.pk).exists()
    with pytest.raises(GradebookError) as error:
        services.work_type_delete(cast.person(getattr(cast, who)), work_type=work_type)
    assert error.value.code == FORBIDDEN


def test_the_page_lists_everything_for_the_director(cast):
    response = client_for(cast.host, cast.director).get("/journal-settings/")
    assert response.status_code == 200
    assert len(response.context["scales"]) >= 7 and response.context["work_types"] and response.context["codes"]


def test_the_edit_pages_show_the_current_values(cast):
    client = admin(cast)
    work_type = WorkType.objects.get(is_default=True)
    code = AttendanceCode.objects.get(code="н")
    scale = GradingScale.objects.get(kind="five_signs")
    assert client.get(f"/journal-settings/work-types/{work_type.pk}/").context["form"].initial["name"] == work_type.name
    assert client.get(f"/journal-settings/codes/{code.pk}/").context["form"].initial["code"] == "н"
    page = client.get(f"/journal-settings/scales/{scale.pk}/")
    assert page.status_code == 200 and "5-" in page.content.decode()
