"""The journal grid: what it shows, who opens it, the cell endpoint from the grid (default
works, attendance, period marks), and a constant number of queries whatever the size."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gradebook.models import Attendance, AttendanceCode, PeriodMark, Work
from gradebook.selectors.journal import journal_grid
from tests.gradebook import test_journal_world
from tests.gradebook.factories import mark_make, work_make
from tests.gradebook.test_journal_world import World, class_with_students

world = test_journal_world.world  # the fixture, shared by the journal tests


def _url(w: World) -> str:
    return f"/journal/{w.j.school_class.pk}/{w.j.subject.pk}/?period={w.j.period.pk}"


def test_grid_shows_students_lessons_marks_and_absences(world: World):
    work = world.j.work(lesson=world.j.lesson)
    five = mark_make(work, world.j.student, "5")
    test = world.j.work(kind="Контрольная работа", title="Контрольная №1", is_important=True)
    three = mark_make(test, world.j.classmate, "3")
    absent = AttendanceCode.objects.get(code="н")
    entry = Attendance.objects.create(lesson=world.j.lesson, student=world.j.classmate, code=absent)

    response = world.teacher.get(_url(world))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="journal-grid"' in html
    assert world.j.student.short_name in html
    assert f'/journal/lessons/{world.j.lesson.pk}/' in html
    assert 'title="Контрольная №1"' in html
    # The demo's own marks and absences are in the grid too: these cells are found by their ids.
    assert f'data-a="{entry.pk}"><b class="jr-a">н</b>' in html
    assert f'data-m="{five.pk}" data-p="0">5</td>' in html and f'data-m="{three.pk}" data-p="0">3</td>' in html
    assert world.j.period.name in html


def test_who_may_open_the_grid(world: World, school1, school2):
    from tests.conftest import client_for

    url = _url(world)
    assert world.client(world.colleague).get(url).status_code == 200  # teaches in the class: reads
    assert world.client(school1.admin).get(url).status_code == 200
    assert world.client(world.stranger).get(url).status_code == 404
    assert world.client(school1.parent).get(url).status_code == 404
    assert world.client(school1.student).get(url).status_code == 404
    assert client_for(school2.host, school2.admin).get(
        f"/journal/{world.j.school_class.pk}/999999/").status_code == 404
    assert world.teacher.get(f"/journal/{world.j.school_class.pk}/{world.j.subject.pk}/?period=999999").status_code \
        == 404


def test_grid_cells_save_default_work_attendance_and_period_mark(world: World):
    s = world.j.newcomer()  # no marks yet this period (the demo student has a term of them)
    cell = "/journal/cell/"
    first = world.teacher.post(cell, {"kind": "mark", "student": s.pk, "lesson": world.j.lesson.pk,
                                      "class": world.j.school_class.pk, "raw": "5"})
    assert first.status_code == 200
    data = first.json()
    assert Work.objects.get(pk=data["work"]).lesson_id == world.j.lesson.pk
    assert data["average"] in ("5,00", "5.00") and data["proposed"] == "5"

    absent = world.teacher.post(cell, {"kind": "attendance", "student": world.j.classmate.pk,
                                       "lesson": world.j.lesson.pk, "code": "б"})
    assert absent.status_code == 200

    period = world.teacher.post(cell, {"kind": "period", "pkind": "period", "student": s.pk,
                                       "class": world.j.school_class.pk, "subject": world.j.subject.pk,
                                       "period": world.j.period.pk, "raw": "5"})
    assert period.status_code == 200, period.content
    confirmed = PeriodMark.objects.get(student=s, subject=world.j.subject, kind="period", period=world.j.period)
    assert confirmed.raw == "5"
    # Someone else's stale view of the period mark: a conflict, not an overwrite.
    stale = world.teacher.post(cell, {"kind": "period", "pkind": "period", "student": s.pk,
                                      "class": world.j.school_class.pk, "subject": world.j.subject.pk,
                                      "period": world.j.period.pk, "raw": "4"})
    assert stale.status_code == 409
    # A colleague of another subject may not set this subject's period mark.
    refused = world.client(world.colleague).post(cell, {
        "kind": "period", "pkind": "period", "student": s.pk, "class": world.j.school_class.pk,
        "subject": world.j.subject.pk, "period": world.j.period.pk, "raw": "2",
        "version": period.json()["version"]})
    assert refused.status_code == 403

    html = world.teacher.get(_url(world)).content.decode()
    # The demo has absences of its own: this one is found by its id.
    entry = Attendance.objects.get(lesson=world.j.lesson, student=world.j.classmate)
    assert f'data-a="{entry.pk}"><b class="jr-a">б</b>' in html
    assert re.search(rf'data-k="period" data-v="\d+" data-m="{confirmed.pk}">5<', html)


def _grid_queries(teacher, school_class, subject, today, period_id) -> int:
    with CaptureQueriesContext(connection) as queries:
        grid = journal_grid(teacher, school_class=school_class, subject=subject, today=today, period_id=period_id)
    assert grid.rows
    return _selects(queries)


def _selects(queries: CaptureQueriesContext) -> int:
    # The test connection re-sends `SET search_path` before each query; only reads count.
    return sum(1 for q in queries.captured_queries if not q["sql"].startswith("SET search_path"))


def test_grid_runs_a_constant_number_of_queries(world: World):
    j = world.j
    small, few = class_with_students("Я", 5, j.teacher, j.subject)
    big, many = class_with_students("Ю", 30, j.teacher, j.subject)
    code = AttendanceCode.objects.get(code="н")
    start = j.period.starts_on
    for day in range(2):
        lesson = j.lesson_at(start + timedelta(days=day), classes=[small])
        mark_make(work_make(small, j.subject, day=lesson.date, lesson=lesson), few[0], "4")
    for day in range(20):
        lesson = j.lesson_at(start + timedelta(days=day), bell=9, classes=[big])
        works = [work_make(big, j.subject, day=lesson.date, lesson=lesson)]
        if day % 5 == 0:
            works.append(work_make(big, j.subject, day=lesson.date, lesson=lesson, kind="Самостоятельная работа"))
        for work in works:
            for student in many:
                mark_make(work, student, "5")
        Attendance.objects.bulk_create([Attendance(lesson=lesson, student=s, code=code) for s in many[:3]])
    work_make(big, j.subject, day=start + timedelta(days=3), kind="Контрольная работа")

    small_count = _grid_queries(j.teacher, small, j.subject, j.day, j.period.pk)
    big_count = _grid_queries(j.teacher, big, j.subject, j.day, j.period.pk)

    assert small_count == big_count
    assert big_count <= 14, big_count

    # The whole page too: the same count for the small and the big class.
    def page_queries(school_class) -> int:
        client = world.teacher
        client.get("/journal/")  # warm the session and membership caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/journal/{school_class.pk}/{j.subject.pk}/?period={j.period.pk}").status_code == 200
        return _selects(queries)

    assert page_queries(small) == page_queries(big)


def test_index_lists_the_teachers_classes_and_todays_lessons(world: World, school1):
    response = world.teacher.get("/journal/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/journal/{world.j.school_class.pk}/{world.j.subject.pk}/" in html
    admin = world.client(school1.admin).get(f"/journal/?class={world.j.school_class.pk}")
    assert admin.status_code == 200
    assert 'data-testid="class-subjects"' in admin.content.decode()
    assert world.client(school1.parent).get("/journal/").status_code == 404
