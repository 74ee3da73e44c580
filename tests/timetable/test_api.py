"""The timetable API: the same weeks and permissions as the pages, constant query counts,
and its place in the OpenAPI schema."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.models import Enrollment, Guardianship
from tests.conftest import client_for
from tests.timetable.week_factory import World, world_build, world_grow


@pytest.fixture
def world(school1):
    with schema_context(school1.school.schema_name):
        yield world_build(school1)


def _lesson_ids(data) -> set[int]:
    return {lesson["id"] for day in data["days"] for lesson in day["lessons"]}


def test_my_week_for_a_student(school1, world: World):
    own = world.lesson(1, 1, teachers=[world.teacher])
    group = world.lesson(2, 1, subgroup=world.group_in)
    world.lesson(2, 1, subgroup=world.group_out)
    world.lesson(3, 1, classes=[world.other_class])

    response = client_for(school1.host, school1.student).get("/api/v1/timetable/week/")

    assert response.status_code == 200
    data = response.json()
    assert data["monday"] == world.monday.isoformat()
    assert data["timezone"] == school1.school.timezone
    assert _lesson_ids(data) == {own.pk, group.pk}
    first = next(lesson for day in data["days"] for lesson in day["lessons"] if lesson["id"] == own.pk)
    assert datetime.fromisoformat(first["starts_at"]) == own.starts_at
    assert first["starts_at"][11:16] == "08:30"  # local time, with the school's offset
    assert first["subject"]["name"] == own.subject.name
    assert [t["id"] for t in first["teachers"]] == [world.teacher.pk]
    assert [c["name"] for c in first["classes"]] == [world.own_class.name]


def test_my_week_for_a_parent_all_children_or_one(school1, world: World):
    second = Enrollment.objects.filter(school_class=world.other_class).first().student
    Guardianship.objects.get_or_create(parent=world.parent, child=second)
    mine = world.lesson(1, 1)
    theirs = world.lesson(1, 2, classes=[world.other_class])
    client = client_for(school1.host, school1.parent)

    assert _lesson_ids(client.get("/api/v1/timetable/week/").json()) == {mine.pk, theirs.pk}
    assert _lesson_ids(client.get(f"/api/v1/timetable/week/?child={second.pk}").json()) == {theirs.pk}
    stranger = Enrollment.objects.exclude(student_id__in=[world.student.pk, second.pk]).first().student_id
    assert client.get(f"/api/v1/timetable/week/?child={stranger}").status_code == 404


def test_a_teachers_week_includes_covered_lessons_and_is_for_staff_only(school1, world: World):
    mine = world.lesson(1, 1, teachers=[world.teacher])
    covered = world.lesson(1, 2, classes=[world.other_class], teachers=[world.teacher])
    url = f"/api/v1/timetable/teachers/{world.teacher.pk}/week/"

    assert _lesson_ids(client_for(school1.host, school1.deputy).get(url).json()) == {mine.pk, covered.pk}
    assert _lesson_ids(client_for(school1.host, school1.teacher).get("/api/v1/timetable/week/").json()) == {
        mine.pk, covered.pk}
    assert client_for(school1.host, school1.student).get(url).status_code == 404
    assert client_for(school1.host, school1.parent).get(url).status_code == 404


def test_class_week_permissions(school1, world: World):
    own = world.lesson(1, 1)
    student = client_for(school1.host, school1.student)
    assert _lesson_ids(student.get(f"/api/v1/timetable/classes/{world.own_class.pk}/week/").json()) == {own.pk}
    assert student.get(f"/api/v1/timetable/classes/{world.other_class.pk}/week/").status_code == 404
    assert client_for(school1.host, school1.teacher).get(
        f"/api/v1/timetable/classes/{world.other_class.pk}/week/").status_code == 200


def test_lesson_detail_permissions(school1, world: World):
    own = world.lesson(1, 1)
    other_group = world.lesson(1, 2, subgroup=world.group_out)
    other_class = world.lesson(1, 3, classes=[world.other_class])

    student = client_for(school1.host, school1.student)
    parent = client_for(school1.host, school1.parent)
    teacher = client_for(school1.host, school1.teacher)

    assert student.get(f"/api/v1/timetable/lessons/{own.pk}/").json()["id"] == own.pk
    assert student.get(f"/api/v1/timetable/lessons/{other_group.pk}/").status_code == 404
    assert student.get(f"/api/v1/timetable/lessons/{other_class.pk}/").status_code == 404
    assert parent.get(f"/api/v1/timetable/lessons/{own.pk}/").status_code == 200
    assert parent.get(f"/api/v1/timetable/lessons/{other_class.pk}/").status_code == 404
    assert teacher.get(f"/api/v1/timetable/lessons/{other_class.pk}/").status_code == 200


def test_another_schools_member_is_refused(school1, school2, world: World):
    lesson = world.lesson(1, 1)
    assert client_for(school1.host, school2.student).get("/api/v1/timetable/week/").status_code == 403
    assert client_for(school1.host, school2.admin).get(f"/api/v1/timetable/lessons/{lesson.pk}/").status_code == 403


@pytest.mark.parametrize("who", ["student", "teacher", "parent"])
def test_my_week_costs_the_same_whatever_the_size(school1, world: World, who, django_assert_num_queries):
    world.lesson(1, 1, teachers=[world.teacher])
    client = client_for(school1.host, getattr(school1, who))
    client.get("/api/v1/timetable/week/")
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/timetable/week/")

    world_grow(world)

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/api/v1/timetable/week/")
    assert len(_lesson_ids(response.json())) > 5


def test_the_endpoints_are_in_the_openapi_schema(school1):
    schema = client_for(school1.host, school1.admin).get("/api/schema/?format=json").json()
    for path in ("/api/v1/timetable/week/", "/api/v1/timetable/classes/{class_id}/week/",
                 "/api/v1/timetable/teachers/{person_id}/week/", "/api/v1/timetable/lessons/{lesson_id}/"):
        assert path in schema["paths"], path


def test_the_openapi_schema_builds_without_warnings():
    """drf-spectacular warns about clashing component names, which give a wrong schema."""
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", "/dev/null")
