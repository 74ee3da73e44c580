"""Groups across classes (electives): created from students of several classes on their
page, offered as an audience in the template editor, and seen by the conflict checks —
a member cannot be in the elective and in their class's lesson at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.models import Enrollment, Person, SchoolClass
from tests.conftest import client_for
from timetable import conflicts as checks
from timetable import selectors
from timetable.models import BellSchedule, Room, Subgroup, Subject, TemplateEntry
from timetable.services import groups as services
from timetable.services import template as template_services


@pytest.fixture
def el(school1):
    with schema_context(school1.school.schema_name):
        admin = Person.objects.get(account_id=school1.admin.pk)
        year = selectors.current_year()
        version = template_services.timetable_version_create(
            actor=admin, year=year, name="Элективы", valid_from=year.starts_on, valid_to=year.ends_on,
            bell_schedule=BellSchedule.objects.get(is_default=True))
        c5a, c5b = SchoolClass.objects.get(grade=5, letter="А"), SchoolClass.objects.get(grade=5, letter="Б")
        a_students = [e.student for e in Enrollment.objects.filter(school_class=c5a).select_related("student")[:2]]
        b_students = [e.student for e in Enrollment.objects.filter(school_class=c5b).select_related("student")[:2]]
        teachers = list(Person.objects.filter(roles__contains=["teacher"]).order_by("pk")[:2])
        yield type("Electives", (), {
            "cast": school1, "admin": admin, "version": version, "c5a": c5a, "c5b": c5b, "a": a_students,
            "b": b_students, "t1": teachers[0], "t2": teachers[1], "math": Subject.objects.get(name="Математика"),
            "r101": Room.objects.get(name="101"), "r102": Room.objects.get(name="102"),
            "client": client_for(school1.host, school1.admin)})


def _set(el, **kwargs):
    defaults = {"version": el.version, "weekday": 1, "bell_number": 1, "week_type": "every", "subject": el.math,
                "teachers": [el.t1], "room": el.r101, "classes": [el.c5a]}
    return template_services.template_entry_set(actor=el.admin, **{**defaults, **kwargs})


def test_the_administrator_creates_a_group_from_two_classes(el):
    response = el.client.post("/timetable/groups/new/", {"name": "Робототехника",
                                                         "students": [el.a[0].pk, el.b[0].pk, el.b[1].pk]})
    group = Subgroup.objects.get(name="Робототехника")
    assert response.status_code == 302 and response["Location"] == f"/timetable/groups/{group.pk}/"
    assert group.school_class_id is None
    assert set(group.students.values_list("pk", flat=True)) == {el.a[0].pk, el.b[0].pk, el.b[1].pk}
    listing = el.client.get("/timetable/groups/").content.decode()
    assert "Робототехника" in listing
    page = el.client.get(f"/timetable/groups/{group.pk}/").content.decode()
    assert f'id="student-{el.a[0].pk}" name="students" value="{el.a[0].pk}" checked' in page
    assert 'data-member-filter' in page and "5А" in page and "5Б" in page
    # The template editor offers it as the audience of a 5А lesson.
    form = el.client.get(f"/timetable/editor/{el.version.pk}/entry/new/?class={el.c5a.pk}").content.decode()
    assert "Робототехника" in form


@pytest.mark.parametrize("who", ["teacher", "student", "parent"])
def test_only_administrators_manage_groups(el, who):
    group = services.elective_group_set(actor=None, name="Химия+", students=[el.a[0]])
    client = client_for(el.cast.host, getattr(el.cast, who))
    assert client.get("/timetable/groups/").status_code in (403, 404)
    assert client.post(f"/timetable/groups/{group.pk}/", {"name": "Взлом", "students": []}).status_code in (403, 404)
    assert Subgroup.objects.get(pk=group.pk).name == "Химия+"


def test_a_class_group_is_not_found_on_the_electives_page(el):
    class_group = Subgroup.objects.create(name="группа для теста", school_class=el.c5a)
    assert el.client.get(f"/timetable/groups/{class_group.pk}/").status_code == 404


def test_bad_input_is_refused_and_nothing_saved(el):
    services.elective_group_set(actor=None, name="Химия+", students=[el.a[0]])
    duplicate = el.client.post("/timetable/groups/new/", {"name": "химия+", "students": [el.b[0].pk]})
    assert duplicate.status_code == 200
    assert [e.code for e in duplicate.context["form"].non_field_errors().as_data()] == ["group_name_taken"]
    teacher = el.client.post("/timetable/groups/new/", {"name": "С учителем", "students": [el.t1.pk]})
    assert teacher.status_code == 200 and teacher.context["form"].errors["students"]
    empty = el.client.post("/timetable/groups/new/", {"name": " ", "students": [el.a[0].pk]})
    assert empty.status_code == 200
    assert list(Subgroup.objects.filter(school_class__isnull=True).values_list("name", flat=True)) == ["Химия+"]


def test_an_elective_lesson_clashes_with_a_members_class_lesson(el):
    group = services.elective_group_set(actor=None, name="Робототехника", students=[el.a[0], el.b[0]])
    _set(el, classes=[el.c5b], teachers=[el.t2], room=el.r102)  # 5Б's maths, Monday 1
    with pytest.raises(template_services.TemplateConflictError) as refused:
        _set(el, classes=[el.c5a], subgroup=group)  # the elective, listed under 5А only
    assert [c.code for c in refused.value.conflicts] == [checks.STUDENT]
    assert el.b[0].short_name in refused.value.conflicts[0].message
    assert TemplateEntry.objects.filter(version=el.version).count() == 1
    # Without 5Б's member it fits; adding them back afterwards is refused on the group page.
    services.elective_group_set(actor=None, name="Робототехника", students=[el.a[0]], group=group)
    _set(el, classes=[el.c5a], subgroup=group)
    response = el.client.post(f"/timetable/groups/{group.pk}/", {"name": "Робототехника",
                                                                 "students": [el.a[0].pk, el.b[0].pk]})
    assert response.status_code == 200 and 'data-testid="refused"' in response.content.decode()
    assert list(group.students.values_list("pk", flat=True)) == [el.a[0].pk]


def test_two_groups_with_no_common_member_may_meet(el):
    first = services.elective_group_set(actor=None, name="Робототехника", students=[el.a[0], el.b[0]])
    second = services.elective_group_set(actor=None, name="Химия+", students=[el.a[1], el.b[1]])
    _set(el, classes=[el.c5a, el.c5b], subgroup=first)
    _entry, warnings, _snapshot = _set(el, classes=[el.c5a, el.c5b], subgroup=second, teachers=[el.t2],
                                       room=el.r102)
    assert not [w for w in warnings if w.is_hard]


def test_a_group_with_lessons_cannot_be_removed(el):
    group = services.elective_group_set(actor=None, name="Робототехника", students=[el.a[0]])
    _set(el, classes=[el.c5a], subgroup=group)
    with pytest.raises(ValidationError) as refused:
        services.elective_group_delete(actor=el.admin, group=group)
    assert refused.value.code == "group_in_use"
    response = el.client.post(f"/timetable/groups/{group.pk}/", {"action": "delete"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Subgroup.objects.filter(pk=group.pk).exists()
    TemplateEntry.objects.filter(subgroup=group).delete()
    el.client.post(f"/timetable/groups/{group.pk}/", {"action": "delete"})
    assert not Subgroup.objects.filter(pk=group.pk).exists()
