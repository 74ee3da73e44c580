"""The diary in the API: a student's week and marks by period, the same permissions as the
pages (404 for a parent of another child and a student of another class), and the schema."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.models import Enrollment
from gradebook.models import DiaryVisit, GradebookSettings, HomeworkStudent
from tests.conftest import client_for
from tests.gradebook.test_diary_world import Diary, account_for, diary_build
from timetable.models import Lesson


@pytest.fixture
def diary(school1):
    with schema_context(school1.school.schema_name):
        yield diary_build(school1)


def _api(cast, account, path):
    return client_for(cast.host, account).get(f"/api/v1/gradebook/{path}")


def test_week_carries_lessons_marks_attendance_and_homework(school1, diary: Diary):
    lesson = diary.lesson(2, 1)
    Lesson.objects.filter(pk=lesson.pk).update(topic="Дроби")
    diary.mark(lesson, "4", comment="Молодец")
    diary.absent(diary.lesson(2, 2), "н")
    diary.homework(lesson, "№ 12", status=HomeworkStudent.Status.SUBMITTED)
    diary.free_mark(diary.test_work(3), "5")

    response = _api(school1, school1.parent, f"diary/{diary.student.pk}/week/?week={diary.world.monday}")

    assert response.status_code == 200
    data = response.json()
    assert data["student"]["id"] == diary.student.pk
    tuesday = next(d for d in data["days"] if d["date"] == diary.day(2).isoformat())
    first, second = tuesday["lessons"]
    assert first["lesson"]["topic"] == "Дроби"
    assert [(m["raw"], m["comment"], m["work"]["weight"]) for m in first["marks"]] == [("4", "Молодец", "1.00")]
    assert first["homework"][0]["text"] == "№ 12" and first["homework"][0]["status"] == "submitted"
    assert second["attendance"]["code"] == "н" and first["attendance"] is None
    wednesday = next(d for d in data["days"] if d["date"] == diary.day(3).isoformat())
    assert [(m["raw"], m["work"]["is_important"]) for m in wednesday["other_marks"]] == [("5", True)]
    assert DiaryVisit.objects.filter(viewer=diary.parent, student=diary.student).exists()


def test_week_queries_do_not_grow_with_lessons(school1, diary: Diary):
    """Teachers, classes and files come with the week's queries, not one query a lesson."""
    path = f"/api/v1/gradebook/diary/{diary.student.pk}/week/?week={diary.world.monday}"
    client = client_for(school1.host, school1.student)

    def count() -> int:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    diary.homework(diary.lesson(1, 1), "№ 1")
    few = count()
    for bell in range(2, 7):
        lesson = diary.lesson(2, bell, subject=diary.world.subjects[bell % 4])
        diary.mark(lesson, "4")
        diary.homework(lesson, f"№ {bell}")

    assert count() == few


def test_marks_by_period_with_average_and_no_rating_by_default(school1, diary: Diary):
    diary.mark(diary.lesson(1, 1), "5")
    diary.free_mark(diary.test_work(2), "3")

    response = _api(school1, school1.student, f"diary/{diary.student.pk}/marks/?period={diary.period.pk}")

    assert response.status_code == 200
    data = response.json()
    assert data["period"]["id"] == diary.period.pk and data["rating"] is None
    line = next(s for s in data["subjects"] if s["subject"]["id"] == diary.world.subjects[0].pk)
    assert [m["raw"] for m in line["marks"]] == ["5", "3"]
    assert line["average"] == "3.67" and line["period_mark"] is None
    assert [v for _d, v in line["running_average"]] == ["5.00", "3.67"]


def test_rating_in_the_api_is_the_place_alone(school1, diary: Diary):
    GradebookSettings.objects.filter(pk=1).update(rating_enabled=True)
    lesson = diary.lesson(1, 1)
    diary.mark(lesson, "5")
    diary.mark(lesson, "3", student=diary.classmates(1)[0])

    data = _api(school1, school1.student, f"diary/{diary.student.pk}/marks/?period={diary.period.pk}").json()

    assert data["rating"]["place"] == 1
    assert set(data["rating"]) == {"place", "of"}


@pytest.mark.parametrize("kind", ["week", "marks"])
def test_parent_of_another_child_and_student_of_another_class_get_404(school1, diary: Diary, kind):
    stranger = diary.classmates(1)[0]
    other = Enrollment.objects.filter(school_class=diary.world.other_class).first().student

    assert _api(school1, school1.parent, f"diary/{stranger.pk}/{kind}/").status_code == 404
    assert _api(school1, account_for(school1, other), f"diary/{diary.student.pk}/{kind}/").status_code == 404
    assert _api(school1, school1.parent, f"diary/999999/{kind}/").status_code == 404
    assert _api(school1, school1.parent, f"diary/{diary.student.pk}/{kind}/").status_code == 200


def test_bad_period_is_404(school1, diary: Diary):
    assert _api(school1, school1.student, f"diary/{diary.student.pk}/marks/?period=x").status_code == 404
    assert _api(school1, school1.student, f"diary/{diary.student.pk}/marks/?period=999999").status_code == 404


def test_the_endpoints_are_in_the_schema(school1):
    response = client_for(school1.host, school1.admin).get("/api/schema/?format=json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/gradebook/diary/{student_id}/week/" in paths
    assert "/api/v1/gradebook/diary/{student_id}/marks/" in paths
