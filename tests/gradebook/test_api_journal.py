"""The journal API: a lesson's marks (read, bulk write all or nothing, 400 per entry, 409
on conflict) and a class's journal in a subject, with the pages' permissions."""

from __future__ import annotations

import json

from gradebook.models import Attendance, Mark
from tests.conftest import client_for
from tests.gradebook import test_journal_world
from tests.gradebook.factories import mark_make
from tests.gradebook.test_journal_world import World

world = test_journal_world.world  # the fixture, shared by the journal tests


def _url(w: World) -> str:
    return f"/api/v1/gradebook/lessons/{w.j.lesson.pk}/marks/"


def _post(client, url: str, entries: list[dict]):
    return client.post(url, json.dumps({"entries": entries}), content_type="application/json")


def test_lesson_marks_read(world: World, school1, school2):
    work = world.j.work(lesson=world.j.lesson)
    mark_make(work, world.j.student, "4")

    response = world.teacher.get(_url(world))

    assert response.status_code == 200
    data = response.json()
    assert data["may_write"] is True
    assert work.pk in [w["id"] for w in data["works"]]
    row = next(r for r in data["students"] if r["student"]["id"] == world.j.student.pk)
    assert [m["raw"] for m in row["marks"]] == ["4"]
    assert world.client(school1.parent).get(_url(world)).status_code == 404
    assert world.client(world.stranger).get(_url(world)).status_code == 404
    assert client_for(school2.host, school2.teacher).get(_url(world)).status_code == 404
    colleague = world.client(world.colleague).get(_url(world))
    assert colleague.status_code == 200, colleague.content
    assert colleague.json()["may_write"] is False


def test_bulk_write_saves_everything(world: World):
    s, c = world.j.student, world.j.classmate
    response = _post(world.teacher, _url(world), [
        {"student": s.pk, "raw": "5"}, {"student": c.pk, "raw": "3"}, {"student": c.pk, "attendance": "оп"}])

    assert response.status_code == 200, response.content
    assert sorted(Mark.objects.filter(work__lesson=world.j.lesson).values_list("raw", flat=True)) == ["3", "5"]
    assert Attendance.objects.get(lesson=world.j.lesson, student=c).code.code == "оп"


def test_bulk_write_is_all_or_nothing_with_errors_per_entry(world: World):
    s, c = world.j.student, world.j.classmate
    response = _post(world.teacher, _url(world), [
        {"student": s.pk, "raw": "5"}, {"student": c.pk, "raw": "8"}, {"student": world.j.outsider.pk, "raw": "4"}])

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["index"], e["code"]) for e in errors] == [(1, "invalid_mark"), (2, "not_a_student")]
    assert not Mark.objects.filter(work__lesson=world.j.lesson).exists()
    # Malformed entries are refused before anything is tried.
    assert _post(world.teacher, _url(world), [{"student": s.pk}]).status_code == 400


def test_bulk_write_conflict_is_409_and_saves_nothing(world: World):
    s, c = world.j.student, world.j.classmate
    work = world.j.work(lesson=world.j.lesson)
    mark_make(work, s, "3")

    response = _post(world.teacher, _url(world), [
        {"student": c.pk, "work": work.pk, "raw": "5"}, {"student": s.pk, "work": work.pk, "raw": "4"}])

    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["index"] == 1 and error["code"] == "conflict" and error["current"]["raw"] == "3"
    assert list(Mark.objects.filter(work=work).values_list("raw", flat=True)) == ["3"]


def test_bulk_write_permissions(world: World, school1):
    entries = [{"student": world.j.student.pk, "raw": "5"}]
    assert _post(world.client(world.colleague), _url(world), entries).status_code == 403
    assert _post(world.client(world.stranger), _url(world), entries).status_code == 404
    assert _post(world.client(school1.parent), _url(world), entries).status_code == 404
    assert not Mark.objects.filter(work__lesson=world.j.lesson).exists()
    assert _post(world.client(school1.admin), _url(world), entries).status_code == 200


def test_class_journal(world: World, school1):
    work = world.j.work(lesson=world.j.lesson)
    mark_make(work, world.j.student, "5")
    url = f"/api/v1/gradebook/journal/{world.j.school_class.pk}/{world.j.subject.pk}/?period={world.j.period.pk}"

    response = world.teacher.get(url)

    assert response.status_code == 200
    data = response.json()
    assert data["period"]["id"] == world.j.period.pk
    index = next(i for i, col in enumerate(data["columns"]) if col["work"] == work.pk)
    row = next(r for r in data["students"] if r["student"]["id"] == world.j.student.pk)
    assert row["cells"][index]["marks"] == ["5"]
    assert world.client(school1.parent).get(url).status_code == 404
    assert world.client(world.stranger).get(url).status_code == 404
    assert world.teacher.get(url.replace(f"period={world.j.period.pk}", "period=x")).status_code == 404
