"""The lesson page: who sees and writes it, the form that works without JavaScript, the
per-cell endpoint the keyboard entry uses, works and description templates."""

from __future__ import annotations

import re

from gradebook.models import Attendance, JournalChange, LessonTemplate, Mark, Work
from gradebook.services.marks import mark_set
from tests.gradebook import test_journal_world
from tests.gradebook.factories import mark_make
from tests.gradebook.test_journal_world import World
from timetable.models import Lesson

world = test_journal_world.world  # the fixture, shared by the journal tests


def _url(w: World) -> str:
    return f"/journal/lessons/{w.j.lesson.pk}/"


def _default_key(w: World) -> str:
    return f"d{w.j.school_class.pk}"


def test_teacher_sees_the_lesson_with_its_students_and_inputs(world: World):
    response = world.teacher.get(_url(world))

    assert response.status_code == 200
    html = response.content.decode()
    assert world.j.student.short_name in html and world.j.classmate.short_name in html
    assert f'name="m-{world.j.student.pk}-{_default_key(world)}"' in html
    assert f'name="a-{world.j.student.pk}"' in html
    assert "/homework/new/?lesson=" in html
    assert world.j.outsider.short_name not in html
    # Enter in a mark field submits the form's first button: it must be "save".
    form = html[html.index('id="lesson-form"'):]
    assert re.search(r'<button type="submit"[^>]*>', form).group(0).count('value="save"') == 1


def test_plain_form_post_saves_marks_attendance_and_topic(world: World):
    s, c = world.j.student, world.j.classmate
    response = world.teacher.post(_url(world), {
        "action": "save", "topic": "Дроби", "description": "Повторение",
        f"m-{s.pk}-{_default_key(world)}": "5", f"o-{s.pk}-{_default_key(world)}": "",
        f"a-{c.pk}": "н", "ao-" + str(c.pk): "",
    })

    assert response.status_code == 302
    mark = Mark.objects.get(student=s, work__lesson=world.j.lesson)
    assert mark.raw == "5"
    assert Attendance.objects.get(student=c, lesson=world.j.lesson).code.code == "н"
    lesson = Lesson.objects.get(pk=world.j.lesson.pk)
    assert (lesson.topic, lesson.description) == ("Дроби", "Повторение")
    assert JournalChange.objects.filter(kind="mark", object_id=mark.pk).count() == 1
    page = world.teacher.get(_url(world)).content.decode()
    assert 'value="5"' in page


def test_a_bad_mark_saves_nothing_and_is_shown_next_to_its_cell(world: World):
    s, c = world.j.student, world.j.classmate
    key = _default_key(world)
    response = world.teacher.post(_url(world), {
        "action": "save", "topic": "", "description": "",
        f"m-{s.pk}-{key}": "4", f"m-{c.pk}-{key}": "7",
    })

    assert response.status_code == 400
    html = response.content.decode()
    assert "Allowed" in html or "Допустим" in html or "5, 4" in html
    assert 'value="7"' in html  # what was typed stays in the form
    assert not Mark.objects.filter(work__lesson=world.j.lesson).exists()


def test_a_stale_form_shows_the_conflict_and_overwrites_on_the_second_save(world: World):
    s = world.j.student
    key = _default_key(world)
    # Somebody else put a 3 in the cell after the teacher opened the page (the form saw it empty).
    mark_set(world.j.admin, work=world.j.work(lesson=world.j.lesson), student=s, raw="3")
    Work.objects.filter(lesson=world.j.lesson).exclude(marks__isnull=False).delete()
    work = Work.objects.get(lesson=world.j.lesson)
    key = f"w{work.pk}"
    response = world.teacher.post(_url(world), {"action": "save", f"m-{s.pk}-{key}": "5",
                                                f"o-{s.pk}-{key}": "", f"v-{s.pk}-{key}": ""})

    assert response.status_code == 400
    html = response.content.decode()
    assert "«3»" in html
    assert Mark.objects.get(work=work, student=s).raw == "3"
    # The page now carries the current version: saving again overwrites.
    response = world.teacher.post(_url(world), {"action": "save", f"m-{s.pk}-{key}": "5",
                                                f"o-{s.pk}-{key}": "3", f"v-{s.pk}-{key}": "1"})
    assert response.status_code == 302
    assert Mark.objects.get(work=work, student=s).raw == "5"


def test_who_may_open_and_write_the_lesson(world: World, school1, school2):
    url = _url(world)
    post = {"action": "save", f"m-{world.j.student.pk}-{_default_key(world)}": "5"}
    # A colleague teaching another subject in the class reads, but may not write.
    colleague = world.client(world.colleague)
    page = colleague.get(url)
    assert page.status_code == 200
    assert 'data-testid="read-only"' in page.content.decode()
    assert colleague.post(url, post).status_code == 403
    # A teacher with nothing in the class, the student and a parent: the lesson does not exist.
    assert world.client(world.stranger).get(url).status_code == 404
    assert world.client(world.stranger).post(url, post).status_code == 404
    assert world.client(school1.student).get(url).status_code == 404
    assert world.client(school1.parent).get(url).status_code == 404
    # Another school's teacher, by id on their own school's address: not found either.
    from tests.conftest import client_for

    assert client_for(school2.host, school2.teacher).get(url).status_code == 404
    assert not Mark.objects.filter(work__lesson=world.j.lesson).exists()
    # The administration writes.
    assert world.client(school1.admin).post(url, {**post, "topic": ""}).status_code == 302


def test_cell_endpoint_saves_refuses_and_reports_conflicts(world: World):
    s = world.j.student
    cell = "/journal/cell/"
    base = {"kind": "mark", "student": s.pk, "lesson": world.j.lesson.pk, "class": world.j.school_class.pk}

    ok = world.teacher.post(cell, {**base, "raw": " 4 "})
    assert ok.status_code == 200
    data = ok.json()
    assert data["ok"] and data["text"] == "4"
    work_id = data["work"]

    bad = world.teacher.post(cell, {"kind": "mark", "student": s.pk, "work": work_id, "raw": "9",
                                    "version": data["version"]})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_mark"

    stale = world.teacher.post(cell, {"kind": "mark", "student": s.pk, "work": work_id, "raw": "5"})
    assert stale.status_code == 409
    assert stale.json()["current"]["raw"] == data["raw"]
    assert stale.json()["current"]["version"] == data["version"]

    over = world.teacher.post(cell, {"kind": "mark", "student": s.pk, "work": work_id, "raw": "5",
                                     "version": stale.json()["current"]["version"]})
    assert over.status_code == 200 and over.json()["text"] == "5"

    absent = world.teacher.post(cell, {"kind": "attendance", "student": s.pk, "lesson": world.j.lesson.pk,
                                       "code": "Н"})
    assert absent.status_code == 200 and absent.json()["text"] == "н"
    wrong = world.teacher.post(cell, {"kind": "attendance", "student": world.j.classmate.pk,
                                      "lesson": world.j.lesson.pk, "code": "x"})
    assert wrong.status_code == 400

    assert world.client(world.colleague).post(cell, {"kind": "mark", "student": s.pk, "work": work_id, "raw": "2",
                                                     "version": over.json()["version"]}).status_code == 403
    assert world.client(world.stranger).post(cell, {"kind": "mark", "student": s.pk, "work": work_id,
                                                    "raw": "2"}).status_code == 404
    assert Mark.objects.get(pk=over.json()["id"]).raw == "5"


def test_cell_history_is_shown_to_journal_readers_only(world: World, school1):
    s = world.j.student
    first = world.teacher.post("/journal/cell/", {"kind": "mark", "student": s.pk, "lesson": world.j.lesson.pk,
                                                  "class": world.j.school_class.pk, "raw": "3"}).json()
    world.teacher.post("/journal/cell/", {"kind": "mark", "student": s.pk, "work": first["work"], "raw": "4",
                                          "version": first["version"]})
    url = f"/journal/history/mark/{first['id']}/?partial=1"

    response = world.teacher.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "«3» → «4»" in html
    assert world.client(world.stranger).get(url).status_code == 404
    assert world.client(school1.parent).get(url).status_code == 404


def test_works_are_added_and_removed(world: World):
    url = _url(world)
    response = world.teacher.post(url + "works/", {"work_type": world.j.work().work_type_id, "title": "Тест",
                                                   "is_important": "on"})
    assert response.status_code == 302
    work = Work.objects.get(lesson=world.j.lesson, title="Тест")
    assert work.is_important
    assert "Тест" in world.teacher.get(url).content.decode()
    assert world.client(world.colleague).post(url + f"works/{work.pk}/remove/").status_code == 403
    assert world.teacher.post(url + f"works/{work.pk}/remove/").status_code == 302
    assert not Work.objects.filter(pk=work.pk).exists()


def test_description_templates_are_saved_and_inserted_without_javascript(world: World):
    url = _url(world)
    world.teacher.post(url + "template/", {"description": "Работа над ошибками", "template_title": "Ошибки"})
    template = LessonTemplate.objects.get(owner=world.j.teacher, title="Ошибки")
    response = world.teacher.post(url, {"action": "insert_template", "template": template.pk, "description": "",
                                        "topic": "Тема"})
    assert response.status_code == 200
    assert "Работа над ошибками</textarea>" in response.content.decode()


def test_several_marks_and_existing_marks_show(world: World):
    work = world.j.work(lesson=world.j.lesson, allows_several=True)
    mark_make(work, world.j.student, "5")
    mark_make(work, world.j.student, "4", position=1)
    html = world.teacher.get(_url(world)).content.decode()
    assert "5 4" in html
    response = world.teacher.post("/journal/cell/", {"kind": "mark", "student": world.j.student.pk, "work": work.pk,
                                                     "raw": "3", "position": "new"})
    assert response.status_code == 200 and response.json()["text"] == "5 4 3"
