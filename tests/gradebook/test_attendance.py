"""Attendance: the lesson's teacher marks it, parents hear of new absences, stale pages and
closed periods are refused, and the class teacher marks a whole day at once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gradebook import notifications
from gradebook.errors import (
    CONFLICT,
    FORBIDDEN,
    INVALID_MARK,
    LESSON_CANCELLED,
    NOT_A_STUDENT,
    PERIOD_CLOSED,
    REASON_REQUIRED,
    EditConflict,
    GradebookError,
)
from gradebook.models import Attendance, JournalChange
from gradebook.services import marks as services
from tests.gradebook.factories import journal_build
from timetable.models import Lesson, Subgroup, Subject


@pytest.fixture
def j(school1, in_school):
    with in_school(school1.school):
        yield journal_build(school1)


@pytest.fixture
def sent(monkeypatch):
    calls: list[list[int]] = []
    monkeypatch.setattr(notifications, "notify_absences", lambda *, attendance_ids: calls.append(attendance_ids))
    return calls


def test_the_teacher_marks_an_absence_and_parents_are_told_once(j, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.attendance_set(j.teacher, lesson=j.lesson, student=j.student, code="Н", comment="без записки")
    assert (entry.code.code, entry.comment, entry.version, entry.updated_by) == ("н", "без записки", 1, j.teacher)
    assert sent == [[entry.pk]]
    # Ill instead of absent: still an absence, not a new one — no second message.
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.attendance_set(j.teacher, lesson=j.lesson, student=j.student, code="б", expected_version=1)
    assert entry.version == 2 and sent == [[entry.pk]]
    # Late is not an absence.
    with django_capture_on_commit_callbacks(execute=True):
        late = services.attendance_set(j.teacher, lesson=j.lesson, student=j.classmate, code="оп")
    assert late.code.is_absence is False and len(sent) == 1
    # Present again: the row goes, the history keeps it.
    assert services.attendance_set(j.teacher, lesson=j.lesson, student=j.student, code=None,
                                   expected_version=2) is None
    assert not Attendance.objects.filter(lesson=j.lesson, student=j.student).exists()
    actions = list(JournalChange.objects.filter(kind="attendance", student=j.student, lesson_id=j.lesson.pk)
                   .order_by("at", "pk").values_list("action", "before", "after"))
    assert actions == [
        ("create", {}, {"code": "н", "comment": "без записки"}),
        ("update", {"code": "н", "comment": "без записки"}, {"code": "б", "comment": ""}),
        ("delete", {"code": "б", "comment": ""}, {}),
    ]


def test_unknown_codes_and_strangers_are_refused(j):
    with pytest.raises(GradebookError) as caught:
        services.attendance_set(j.teacher, lesson=j.lesson, student=j.student, code="x")
    assert caught.value.code == INVALID_MARK and "н" in caught.value.message
    with pytest.raises(GradebookError) as caught:
        services.attendance_set(j.teacher, lesson=j.lesson, student=j.outsider, code="н")
    assert caught.value.code == NOT_A_STUDENT
    with pytest.raises(GradebookError) as caught:
        services.attendance_set(j.other_teacher, lesson=j.lesson, student=j.student, code="н")
    assert caught.value.code == FORBIDDEN
    assert not Attendance.objects.filter(lesson=j.lesson).exists()
    assert services.attendance_set(j.admin, lesson=j.lesson, student=j.student, code="н").code.code == "н"


def test_cancelled_lessons_stale_pages_and_closed_periods(j):
    entry = services.attendance_set(j.teacher, lesson=j.lesson, student=j.student, code="н")
    with pytest.raises(EditConflict) as caught:
        services.attendance_set(j.teacher, lesson=j.lesson, student=j.student, code="оп")  # saw an empty cell
    assert caught.value.code == CONFLICT and caught.value.current["raw"] == "н"
    assert caught.value.current["by"] == j.teacher.short_name
    Attendance.objects.filter(pk=entry.pk).update(updated_at=entry.updated_at - timedelta(days=30))
    with pytest.raises(GradebookError) as caught:
        services.attendance_set(j.teacher, lesson=j.lesson, student=j.student, code="у", expected_version=1)
    assert caught.value.code == REASON_REQUIRED
    j.period.is_closed = True
    j.period.save()
    with pytest.raises(GradebookError) as caught:
        services.attendance_set(j.admin, lesson=j.lesson, student=j.student, code="у", expected_version=1,
                                reason="справка")
    assert caught.value.code == PERIOD_CLOSED
    j.period.is_closed = False
    j.period.save()
    Lesson.objects.filter(pk=j.lesson.pk).update(status=Lesson.Status.CANCELLED)
    with pytest.raises(GradebookError) as caught:
        services.attendance_set(j.teacher, lesson=j.lesson, student=j.classmate, code="н")
    assert caught.value.code == LESSON_CANCELLED
    assert Attendance.objects.get(pk=entry.pk).code.code == "н"


def test_a_whole_day_of_absence(j, sent, django_capture_on_commit_callbacks):
    other_subject = Subject.objects.exclude(pk=j.subject.pk).order_by("name").first()
    group_in = Subgroup.objects.create(name="Группа А (тест)", school_class=j.school_class)
    group_in.students.add(j.student)
    group_out = Subgroup.objects.create(name="Группа Б (тест)", school_class=j.school_class)
    group_out.students.add(j.classmate)
    day = j.day
    # The demo's own lessons that day (whole class, or a group the student is in) and j.lesson.
    expected = [lesson.pk for lesson in Lesson.objects.filter(date=day, classes=j.school_class)
                .exclude(status=Lesson.Status.CANCELLED).select_related("subgroup")
                if lesson.subgroup is None or j.student in lesson.subgroup.students.all()]
    mine = j.lesson_at(day, 9, subject=other_subject, teachers=[j.other_teacher], subgroup=group_in)
    j.lesson_at(day, 10, subject=other_subject, teachers=[j.other_teacher], subgroup=group_out)
    j.lesson_at(day, 11, status=Lesson.Status.CANCELLED)
    j.lesson_at(day + timedelta(days=1), 9)
    # One lesson already has a late mark: the day's code replaces it.
    services.attendance_set(j.teacher, lesson=j.lesson, student=j.student, code="оп")
    with django_capture_on_commit_callbacks(execute=True):
        count = services.day_absence_set(j.teacher, student=j.student, day=day, code="б", reason="")
    assert count == len(expected) + 1
    entries = Attendance.objects.filter(student=j.student, lesson__date=day)
    assert set(entries.values_list("lesson_id", flat=True)) == {*expected, mine.pk}
    assert set(entries.values_list("code__code", flat=True)) == {"б"}
    assert len(sent) == 1 and len(sent[0]) == count
    # Clearing the day removes them all.
    assert services.day_absence_set(j.admin, student=j.student, day=day, code=None) == count
    assert not Attendance.objects.filter(student=j.student, lesson__date=day).exists()


def test_only_the_class_teacher_or_the_administration_marks_a_day(j):
    # The demo student has a term of attendance from the demo seed: none of it may change.
    def entries():
        return sorted(Attendance.objects.filter(student=j.student).values_list("pk", "lesson_id", "code_id", "version"))

    before = entries()
    for actor in (j.other_teacher, j.student, j.parent):
        with pytest.raises(GradebookError) as caught:
            services.day_absence_set(actor, student=j.student, day=j.day, code="б")
        assert caught.value.code == FORBIDDEN
    assert entries() == before
    assert not Attendance.objects.filter(student=j.student, lesson=j.lesson).exists()
