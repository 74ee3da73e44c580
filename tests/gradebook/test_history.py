"""The journal's history: one row per change of a mark, attendance entry or period mark,
written in the same transaction as the change, readable per cell and per student, and
impossible to edit or delete afterwards — for anybody, the ORM and raw SQL alike."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from gradebook.models import JournalChange, Mark
from gradebook.selectors.history import cell_history, changes_for
from gradebook.services import history
from gradebook.services import marks as services
from tests.gradebook.factories import journal_build


@pytest.fixture
def j(school1, in_school):
    with in_school(school1.school):
        yield journal_build(school1)


def _work(j):
    return services.lesson_work(j.teacher, lesson=j.lesson, school_class=j.school_class)


def test_a_cells_story_reads_as_one_even_when_the_mark_was_removed_and_given_again(j):
    work = _work(j)
    first = services.mark_set(j.teacher, work=work, student=j.student, raw="3")
    services.mark_set(j.teacher, work=work, student=j.student, raw="4", expected_version=1, comment="исправил")
    services.mark_set(j.admin, work=work, student=j.student, raw="", expected_version=2, reason="не тот ученик")
    second = services.mark_set(j.teacher, work=work, student=j.student, raw="5")
    assert first.pk != second.pk
    by_object = cell_history(kind="mark", object_id=first.pk)
    assert [(c.action, c.before.get("raw"), c.after.get("raw")) for c in by_object] == [
        ("create", None, "3"), ("update", "3", "4"), ("delete", "4", None)]
    assert by_object[1].after["comment"] == "исправил" and by_object[2].reason == "не тот ученик"
    assert by_object[2].actor == j.admin
    with CaptureQueriesContext(connection) as queries:
        story = cell_history(kind="mark", work_id=work.pk, student_id=j.student.pk)
        names = [c.actor.short_name for c in story]
    assert len([q for q in queries if not q["sql"].startswith("SET ")]) == 1
    assert [c.action for c in story] == ["create", "update", "delete", "create"]
    assert names == [j.teacher.short_name, j.teacher.short_name, j.admin.short_name, j.teacher.short_name]
    with pytest.raises(ValueError, match="object_id"):
        cell_history(kind="mark")


def test_changes_of_a_student_and_of_a_lesson(j):
    student = j.newcomer()  # no history yet (the demo student has a term of it)
    work = _work(j)
    services.mark_set(j.teacher, work=work, student=student, raw="5")
    services.mark_set(j.teacher, work=work, student=j.classmate, raw="4")
    services.attendance_set(j.teacher, lesson=j.lesson, student=student, code="оп")
    services.period_mark_set(j.teacher, student=student, subject=j.subject, school_class=j.school_class,
                             kind="period", period=j.period, raw="5")
    mine = changes_for(student_ids=[student.pk])
    assert [c.kind for c in mine] == ["period_mark", "attendance", "mark"]
    assert {c.kind for c in changes_for(lesson_ids=[j.lesson.pk])} == {"mark", "attendance"}
    assert len(changes_for(lesson_ids=[j.lesson.pk], kinds=["mark"])) == 2
    assert len(changes_for(work_ids=[work.pk], student_ids=[j.classmate.pk])) == 1
    assert len(changes_for(student_ids=[student.pk], limit=1)) == 1
    assert changes_for(student_ids=[student.pk], subject_id=j.subject.pk)[0].subject_id == j.subject.pk
    cell = cell_history(kind="attendance", lesson_id=j.lesson.pk, student_id=student.pk)
    assert [(c.action, c.after) for c in cell] == [("create", {"code": "оп", "comment": ""})]


def test_history_cannot_be_edited_or_deleted(j):
    mark = services.mark_set(j.teacher, work=_work(j), student=j.student, raw="5")
    change = JournalChange.objects.get(kind="mark", object_id=mark.pk)
    attempts = [
        lambda: JournalChange.objects.filter(pk=change.pk).update(reason="подчистил"),
        lambda: JournalChange.objects.filter(pk=change.pk).delete(),
        lambda: change.save(),
        lambda: connection.cursor().execute("UPDATE gradebook_journalchange SET after = '{}' WHERE id = %s",
                                            [change.pk]),
        lambda: connection.cursor().execute("DELETE FROM gradebook_journalchange"),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    change.refresh_from_db()
    assert change.after["raw"] == "5" and change.reason == ""
    # Inserting stays possible: that is how history grows.
    history.changes_write([history.change_build(kind="mark", action="create", object_id=1, student_id=j.student.pk,
                                                before={}, after={"raw": "4"}, actor_id=None)])


def test_a_change_is_not_saved_without_its_history(j, monkeypatch):
    last = JournalChange.objects.aggregate(last=Max("pk"))["last"] or 0  # the demo's history is there already
    work = _work(j)
    mark = services.mark_set(j.teacher, work=work, student=j.student, raw="4")

    def broken(rows):
        raise DatabaseError("history unavailable")

    monkeypatch.setattr(history, "changes_write", broken)
    with pytest.raises(DatabaseError):
        services.mark_set(j.teacher, work=work, student=j.student, raw="5", expected_version=1)
    with pytest.raises(DatabaseError):
        services.attendance_set(j.teacher, lesson=j.lesson, student=j.student, code="н")
    monkeypatch.undo()
    mark.refresh_from_db()
    assert (mark.raw, mark.version) == ("4", 1)
    assert not j.lesson.attendance.exists()
    assert Mark.objects.filter(work=work).count() == 1
    assert list(JournalChange.objects.filter(pk__gt=last).values_list("kind", "object_id")) == [("mark", mark.pk)]
