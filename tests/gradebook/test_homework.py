"""Homework services and selectors: giving homework to a class, a group or chosen students,
the status flow with its log (and the transitions it refuses), marks going to the
journal, who sees what (a substitute included) and constant query counts for the lists."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Enrollment, Person
from gradebook.errors import BAD_STATUS, FILE_TYPE, FORBIDDEN, NOT_A_STUDENT, GradebookError
from gradebook.models import Homework, HomeworkEvent, HomeworkStudent, Mark, Submission
from gradebook.selectors import homework as sel
from gradebook.services import homework as services
from tests.gradebook.factories import Journal, journal_build
from timetable.models import Substitution, TeachingAssignment

Status = HomeworkStudent.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def j(school1, in_school, settings, tmp_path) -> Journal:
    settings.MEDIA_ROOT = tmp_path
    with in_school(school1.school):
        yield journal_build(school1)


def give(j: Journal, **kwargs) -> Homework:
    kwargs.setdefault("subject", j.subject)
    kwargs.setdefault("school_class", j.school_class)
    kwargs.setdefault("text", "Параграф 12, упражнения 3–5.")
    kwargs.setdefault("due_date", j.day + timedelta(days=2))
    return services.homework_create(j.teacher, **kwargs)


def item_of(homework: Homework, student: Person) -> HomeworkStudent:
    return HomeworkStudent.objects.get(homework=homework, student=student)


def statuses(item: HomeworkStudent) -> list[str]:
    return list(HomeworkEvent.objects.filter(item=item).order_by("at", "pk").values_list("status", flat=True))


def test_homework_for_the_whole_class_reaches_every_student_and_is_announced(
        j: Journal, django_capture_on_commit_callbacks):
    with mock.patch("gradebook.notifications.notify_homework") as notify, \
            django_capture_on_commit_callbacks(execute=True):
        homework = give(j, lesson=j.lesson, links=["https://resh.edu.ru/subject/lesson/1/"])

    class_ids = set(Enrollment.objects.filter(school_class=j.school_class).values_list("student_id", flat=True))
    assert set(homework.students.values_list("student_id", flat=True)) == class_ids
    assert set(homework.students.values_list("status", flat=True)) == {Status.ASSIGNED}
    assert HomeworkEvent.objects.filter(item__homework=homework, status=Status.ASSIGNED).count() == len(class_ids)
    assert homework.created_by == j.teacher
    notify.assert_called_once_with(homework_id=homework.pk)


def test_due_by_a_lesson_takes_its_date(j: Journal):
    due = j.lesson_at(j.day + timedelta(days=3), bell=9)
    homework = give(j, due_date=None, due_lesson=due)
    assert homework.due_date == due.date and homework.due_lesson == due


def test_group_and_chosen_students(j: Journal):
    group = j.school_class.subgroups.create(name="Гр. 1")
    group.students.add(j.student)
    for_group = give(j, subgroup=group)
    assert list(for_group.students.values_list("student_id", flat=True)) == [j.student.pk]

    chosen = give(j, students=[j.classmate])
    assert list(chosen.students.values_list("student_id", flat=True)) == [j.classmate.pk]


def test_refusals_save_nothing(j: Journal):
    before = Homework.objects.count()
    cases = [
        ({"students": [j.student, j.outsider]}, NOT_A_STUDENT),
        ({"due_date": None}, services.DUE_MISSING),
        ({"text": "   "}, services.TEXT_REQUIRED),
        ({"links": ["javascript:alert(1)"]}, services.BAD_LINK),
        ({"lesson": j.lesson, "due_date": j.lesson.date - timedelta(days=1)}, services.DUE_BEFORE_LESSON),
        ({"files": [SimpleUploadedFile("task.pdf", b"<html><script>alert(1)</script></html>")]}, FILE_TYPE),
    ]
    for kwargs, code in cases:
        with pytest.raises(GradebookError) as refused:
            give(j, **kwargs)
        assert refused.value.code == code, kwargs
    with pytest.raises(GradebookError) as refused:
        services.homework_create(j.other_teacher, subject=j.subject, school_class=j.school_class, text="Чужое",
                                 due_date=j.day)
    assert refused.value.code == FORBIDDEN
    assert Homework.objects.count() == before


def test_the_status_flow_with_its_log_and_a_mark_in_the_journal(j: Journal):
    homework = give(j, needs_submission=True, files=[SimpleUploadedFile("task.pdf", PDF)])
    item = item_of(homework, j.student)

    services.homework_seen(j.student, item=item)
    services.homework_seen(j.student, item=item)  # a second open changes nothing
    services.submission_create(j.student, item=item, text="Ответ: 42",
                               files=[SimpleUploadedFile("answer.pdf", PDF)])
    services.submission_return(j.teacher, item=item, comment="Нет решения задачи 5")
    services.submission_create(j.student, item=item, text="Ответ: 42, задача 5 решена")
    services.submission_accept(j.teacher, item=item, raw="5", comment="Молодец")

    item.refresh_from_db()
    assert item.status == Status.ACCEPTED
    assert statuses(item) == ["assigned", "seen", "submitted", "returned", "submitted", "accepted"]
    assert HomeworkEvent.objects.get(item=item, status=Status.RETURNED).comment == "Нет решения задачи 5"
    assert item.submissions.count() == 2
    assert item.submissions.last().files.get().name == "answer.pdf"
    homework.refresh_from_db()
    assert homework.work is not None and homework.work.subject == j.subject
    assert item.mark.raw == "5" and item.mark.work == homework.work and item.mark.student == j.student
    assert Mark.objects.filter(work=homework.work).count() == 1


def test_illegal_transitions_are_refused(j: Journal):
    homework = give(j, needs_submission=True)
    item = item_of(homework, j.student)

    with pytest.raises(GradebookError) as refused:
        services.submission_accept(j.teacher, item=item)  # nothing handed in yet
    assert refused.value.code == BAD_STATUS
    with pytest.raises(GradebookError) as refused:
        services.submission_return(j.teacher, item=item, comment="?")
    assert refused.value.code == BAD_STATUS
    with pytest.raises(GradebookError) as refused:
        services.submission_create(j.student, item=item, text="")
    assert refused.value.code == services.ANSWER_REQUIRED

    services.submission_create(j.student, item=item, text="Готово")
    with pytest.raises(GradebookError) as refused:
        services.submission_create(j.student, item=item, text="Ещё раз")
    assert refused.value.code == BAD_STATUS
    with pytest.raises(GradebookError) as refused:
        services.submission_return(j.teacher, item=item, comment="")
    assert refused.value.code == services.COMMENT_REQUIRED

    services.submission_accept(j.teacher, item=item)
    for attempt in (lambda: services.submission_accept(j.teacher, item=item, raw="4"),
                    lambda: services.submission_create(j.student, item=item, text="После"),
                    lambda: services.submission_return(j.teacher, item=item, comment="Передумал")):
        with pytest.raises(GradebookError) as refused:
            attempt()
        assert refused.value.code == BAD_STATUS
    assert statuses(item) == ["assigned", "submitted", "accepted"]


def test_only_the_student_hands_in_and_only_teachers_check(j: Journal):
    homework = give(j, needs_submission=True)
    item = item_of(homework, j.student)
    with pytest.raises(GradebookError) as refused:
        services.submission_create(j.classmate, item=item, text="Не моё")
    assert refused.value.code == FORBIDDEN
    with pytest.raises(GradebookError) as refused:
        services.homework_seen(j.parent, item=item)
    assert refused.value.code == FORBIDDEN
    services.submission_create(j.student, item=item, text="Моё")
    with pytest.raises(GradebookError) as refused:
        services.submission_accept(j.other_teacher, item=item, raw="5")
    assert refused.value.code == FORBIDDEN
    with pytest.raises(GradebookError) as refused:
        services.submission_accept(j.student, item=item, raw="5")
    assert refused.value.code == FORBIDDEN
    assert item_of(homework, j.student).status == Status.SUBMITTED


def test_homework_without_hand_in_can_be_marked_done_or_accepted_in_class(j: Journal):
    homework = give(j)
    mine, theirs = item_of(homework, j.student), item_of(homework, j.classmate)
    services.submission_create(j.student, item=mine)
    services.submission_accept(j.teacher, item=theirs, raw="4")
    assert item_of(homework, j.student).status == Status.SUBMITTED
    assert item_of(homework, j.classmate).mark.raw == "4"


def test_a_refused_file_saves_nothing_of_the_submission(j: Journal):
    homework = give(j, needs_submission=True)
    item = item_of(homework, j.student)
    fake = SimpleUploadedFile("answer.pdf", b"<!DOCTYPE html><html><body>hi</body></html>")
    with pytest.raises(GradebookError) as refused:
        services.submission_create(j.student, item=item, text="Ответ", files=[fake])
    assert refused.value.code == FILE_TYPE
    assert not Submission.objects.filter(item=item).exists()
    assert item_of(homework, j.student).status == Status.ASSIGNED


def test_update_and_delete(j: Journal):
    homework = give(j, work_type=None)
    later = j.day + timedelta(days=5)
    services.homework_update(j.teacher, homework=homework, text="Новый текст", due_date=later)
    homework.refresh_from_db()
    assert (homework.text, homework.due_date) == ("Новый текст", later)
    with pytest.raises(GradebookError) as refused:
        services.homework_update(j.other_teacher, homework=homework, text="Взлом")
    assert refused.value.code == FORBIDDEN
    services.homework_delete(j.teacher, homework=homework)
    assert not Homework.objects.filter(pk=homework.pk).exists()


def test_who_sees_homework_as_a_teacher(j: Journal):
    homework = give(j, lesson=j.lesson)
    assert sel.homework_get_for(j.teacher, homework.pk) == homework
    assert sel.homework_get_for(j.admin, homework.pk) == homework
    for person in (j.other_teacher, j.student, j.parent):
        with pytest.raises(sel.NotFoundForActor):
            sel.homework_get_for(person, homework.pk)
    assert homework not in sel.homework_given(j.other_teacher)


def test_a_substitute_sees_the_homework_of_the_class_they_cover(j: Journal):
    substitute = j.other_teacher
    assert not TeachingAssignment.objects.filter(teacher=substitute, school_class=j.school_class,
                                                 subject=j.subject).exists()
    covered = j.lesson_at(j.day + timedelta(days=2), bell=9, teachers=[substitute])
    Substitution.objects.create(lesson=covered, kind=Substitution.Kind.TEACHER, substitute=substitute)
    due_then = give(j, due_date=covered.date)
    due_at_lesson = give(j, due_date=None, due_lesson=covered)
    long_ago = give(j, due_date=covered.date - timedelta(days=40))

    seen = set(sel.homework_given(substitute).values_list("pk", flat=True))
    assert {due_then.pk, due_at_lesson.pk} <= seen
    assert long_ago.pk not in seen
    # They check what is handed in at the lesson they take.
    item = item_of(due_at_lesson, j.student)
    services.submission_create(j.student, item=item)
    services.submission_accept(substitute, item=item)
    assert item_of(due_at_lesson, j.student).status == Status.ACCEPTED


def test_lists_run_a_constant_number_of_queries(j: Journal):
    def measure(student_ids: list[int]) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as student_queries:
            for item in sel.items_not_done(student_ids, today=j.day):
                _ = (item.homework.subject.name, item.homework.created_by, item.mark, item.student.short_name)
            for item in sel.items_done(student_ids)[:30]:
                _ = (item.homework.subject.name, item.mark)
        with CaptureQueriesContext(connection) as teacher_queries:
            for homework in sel.homework_given(j.teacher)[:30]:
                _ = (homework.subject.name, homework.school_class.name, homework.n_total, homework.n_submitted)
        return len(student_queries), len(teacher_queries)

    give(j)
    few = measure([j.student.pk])
    for n in range(6):
        homework = give(j, text=f"Задание {n}", needs_submission=True)
        services.submission_create(j.student, item=item_of(homework, j.student), text="Ответ")
    assert measure([j.student.pk, j.classmate.pk]) == few


def test_the_table_runs_a_constant_number_of_queries(j: Journal):
    homework = give(j, needs_submission=True)

    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            for item in sel.homework_table(homework):
                _ = (item.student.short_name, item.mark, [s.files.all() for s in item.submissions.all()],
                 [e.actor for e in item.events.all()])
        return len(queries)

    def hand_in(student_ids) -> None:
        for student_id in student_ids:
            item = HomeworkStudent.objects.get(homework=homework, student_id=student_id)
            services.submission_create(Person.objects.get(pk=student_id), item=item, text="Ответ",
                                       files=[SimpleUploadedFile("a.pdf", PDF)])
            services.submission_return(j.teacher, item=item, comment="Ещё раз")

    students = list(Enrollment.objects.filter(school_class=j.school_class).values_list("student_id", flat=True))
    hand_in(students[:1])
    before = measure()
    hand_in(students[1:6])
    assert measure() == before
