"""Marks: who may give them, in whose lessons and to whom; bad input saves nothing; the
period average follows every change; concurrent edits never overwrite each other (a stale
version and two real connections racing for one empty cell); closed periods and old marks."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

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
from gradebook.models import GradebookSettings, JournalChange, Mark, PeriodMark, Work
from gradebook.services import marks as services
from tests.conftest import run_committed
from tests.gradebook.factories import journal_build, mark_make, work_type
from timetable.models import Lesson, Subgroup
from timetable.services.substitutions import lesson_teacher_replace


@pytest.fixture
def j(school1, in_school):
    with in_school(school1.school):
        yield journal_build(school1)


@pytest.fixture
def sent(monkeypatch):
    """What the services asked the notification centre to send."""
    calls: list[tuple[str, list[int]]] = []
    monkeypatch.setattr(notifications, "notify_marks", lambda *, mark_ids: calls.append(("marks", mark_ids)))
    monkeypatch.setattr(notifications, "notify_absences",
                        lambda *, attendance_ids: calls.append(("absences", attendance_ids)))
    return calls


def _default_work(j) -> Work:
    return services.lesson_work(j.teacher, lesson=j.lesson, school_class=j.school_class)


def _cache(j, student) -> PeriodMark:
    return PeriodMark.objects.get(student=student, subject=j.subject, kind="period", period=j.period)


def test_the_teacher_gives_a_mark_in_their_lesson(j, sent, django_capture_on_commit_callbacks):
    work = _default_work(j)
    assert work.lesson == j.lesson and work.work_type.is_default and work.date == j.lesson.date
    assert _default_work(j).pk == work.pk  # created once, then found
    with django_capture_on_commit_callbacks(execute=True):
        mark = services.mark_set(j.teacher, work=work, student=j.student, raw=" 5 ", comment="у доски")
    mark.refresh_from_db()
    assert (mark.raw, mark.numeric, mark.version, mark.comment, mark.scale.kind) == (
        "5", Decimal(5), 1, "у доски", "five")
    assert sent == [("marks", [mark.pk])]
    change = JournalChange.objects.get(kind="mark", object_id=mark.pk)
    assert (change.action, change.actor_id, change.student_id, change.work_id, change.lesson_id) == (
        "create", j.teacher.pk, j.student.pk, work.pk, j.lesson.pk)
    assert change.before == {} and change.after["raw"] == mark.raw


def test_signs_are_refused_on_the_plain_scale_and_nothing_is_saved(j, sent, django_capture_on_commit_callbacks):
    student = j.newcomer()  # no period average yet (the demo student has one)
    work = _default_work(j)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(GradebookError) as caught:
        services.mark_set(j.teacher, work=work, student=student, raw="6")
    assert caught.value.code == INVALID_MARK and "5, 4, 3, 2, 1" in caught.value.message
    assert not Mark.objects.filter(work=work).exists()
    assert not JournalChange.objects.filter(work=work).exists()
    assert not PeriodMark.objects.filter(student=student, subject=j.subject, period=j.period).exists()
    assert sent == []


def test_the_period_average_follows_every_change(j):
    student = j.newcomer()  # no marks yet this period (the demo student has a term of them)
    test = services.work_create(j.teacher, school_class=j.school_class, subject=j.subject,
                                work_type=work_type("Контрольная работа"), date=j.day, title="Контрольная №2")
    answer = _default_work(j)
    services.mark_set(j.teacher, work=answer, student=student, raw="5")
    assert (_cache(j, student).average, _cache(j, student).proposed) == (Decimal("5.00"), "5")
    mark = services.mark_set(j.teacher, work=test, student=student, raw="3")
    # (5·1 + 3·2) / 3 = 3.67 → 4
    cache = _cache(j, student)
    assert (cache.weighted_sum, cache.weight_total, cache.average, cache.proposed) == (
        Decimal("11.00"), Decimal("3.00"), Decimal("3.67"), "4")
    services.mark_set(j.teacher, work=test, student=student, raw="3", excluded=True, expected_version=mark.version)
    assert _cache(j, student).average == Decimal("5.00")
    services.mark_set(j.teacher, work=answer, student=student, raw="", expected_version=1)
    cache = _cache(j, student)
    assert (cache.average, cache.proposed) == (None, "")


def test_the_proposal_follows_the_schools_rounding(j):
    GradebookSettings.objects.filter(pk=1).update(rounding="six_tenths")
    student = j.newcomer()  # no marks yet this period
    first, second = _default_work(j), j.work()
    services.mark_set(j.teacher, work=first, student=student, raw="4")
    services.mark_set(j.teacher, work=second, student=student, raw="3")
    assert (_cache(j, student).average, _cache(j, student).proposed) == (Decimal("3.50"), "3")


def test_another_teacher_may_not_give_marks_in_the_lesson(j):
    work = _default_work(j)
    with pytest.raises(GradebookError) as caught:
        services.mark_set(j.other_teacher, work=work, student=j.student, raw="5")
    assert caught.value.code == FORBIDDEN
    with pytest.raises(GradebookError) as caught:
        services.lesson_work(j.other_teacher, lesson=j.lesson, school_class=j.school_class)
    assert caught.value.code == FORBIDDEN
    assert not Mark.objects.filter(work=work).exists()


def test_the_substitute_and_the_administration_may(j):
    work = _default_work(j)
    services.mark_set(j.admin, work=work, student=j.student, raw="4")
    lesson_teacher_replace(actor=j.admin, lesson=j.lesson, substitute=j.other_teacher)
    services.mark_set(j.other_teacher, work=work, student=j.classmate, raw="5")
    assert Mark.objects.filter(work=work).count() == 2
    # The replaced teacher is no longer the lesson's.
    with pytest.raises(GradebookError) as caught:
        services.mark_set(j.teacher, work=work, student=j.student, raw="5", expected_version=1)
    assert caught.value.code == FORBIDDEN


def test_a_free_standing_work_is_for_the_subjects_teachers(j):
    test = services.work_create(j.teacher, school_class=j.school_class, subject=j.subject, work_type=None,
                                date=j.day, title="Проверочная")
    assert services.mark_set(j.teacher, work=test, student=j.student, raw="4").raw == "4"
    with pytest.raises(GradebookError) as caught:
        services.mark_set(j.other_teacher, work=test, student=j.classmate, raw="4")
    assert caught.value.code == FORBIDDEN
    with pytest.raises(GradebookError) as caught:
        services.work_create(j.other_teacher, school_class=j.school_class, subject=j.subject, work_type=None,
                             date=j.day)
    assert caught.value.code == FORBIDDEN
    assert services.mark_set(j.admin, work=test, student=j.classmate, raw="3").raw == "3"


def test_only_students_of_the_lesson(j):
    work = _default_work(j)
    with pytest.raises(GradebookError) as caught:
        services.mark_set(j.teacher, work=work, student=j.outsider, raw="5")
    assert caught.value.code == NOT_A_STUDENT
    group = Subgroup.objects.create(name="Группа 1 (тест)", school_class=j.school_class)
    group.students.add(j.student)
    lesson = j.lesson_at(bell=9, subgroup=group)
    group_work = services.lesson_work(j.teacher, lesson=lesson, school_class=j.school_class)
    assert group_work.subgroup == group
    services.mark_set(j.teacher, work=group_work, student=j.student, raw="5")
    with pytest.raises(GradebookError) as caught:
        services.mark_set(j.teacher, work=group_work, student=j.classmate, raw="5")
    assert caught.value.code == NOT_A_STUDENT


def test_a_cancelled_lesson_takes_no_marks(j):
    work = _default_work(j)
    Lesson.objects.filter(pk=j.lesson.pk).update(status=Lesson.Status.CANCELLED)
    with pytest.raises(GradebookError) as caught:
        services.mark_set(j.teacher, work=work, student=j.student, raw="5")
    assert caught.value.code == LESSON_CANCELLED


def test_one_mark_per_student_unless_the_work_allows_several(j):
    work = _default_work(j)
    services.mark_set(j.teacher, work=work, student=j.student, raw="5")
    with pytest.raises(GradebookError) as caught:
        services.mark_set(j.teacher, work=work, student=j.student, raw="4", position=1)
    assert caught.value.code == INVALID_MARK
    several = services.work_update(j.teacher, work=work, allows_several=True)
    assert several.allows_several
    services.mark_set(j.teacher, work=work, student=j.student, raw="4", position=1)
    assert list(Mark.objects.filter(work=work, student=j.student).values_list("raw", flat=True)) == ["5", "4"]


# ---- concurrency ------------------------------------------------------------------------------

def test_a_stale_version_is_refused_with_what_is_there_now(j):
    work = _default_work(j)
    mark = services.mark_set(j.teacher, work=work, student=j.student, raw="4")
    services.mark_set(j.admin, work=work, student=j.student, raw="5", expected_version=mark.version)
    with pytest.raises(EditConflict) as caught:
        services.mark_set(j.teacher, work=work, student=j.student, raw="3", expected_version=mark.version)
    assert caught.value.code == CONFLICT
    assert caught.value.current["raw"] == "5" and caught.value.current["version"] == 2
    assert caught.value.current["by"] == j.admin.short_name
    # "I saw an empty cell" while there is a mark is a conflict too, and so is removing a changed mark.
    with pytest.raises(EditConflict):
        services.mark_set(j.teacher, work=work, student=j.student, raw="3")
    with pytest.raises(EditConflict):
        services.mark_set(j.teacher, work=work, student=j.student, raw="", expected_version=1)
    assert Mark.objects.get(work=work, student=j.student).raw == "5"
    assert JournalChange.objects.filter(kind="mark", object_id=mark.pk).count() == 2


def test_a_create_that_loses_the_race_for_the_cell_is_a_conflict(j, monkeypatch):
    """The read saw an empty cell, but someone inserted before us: the unique constraint
    answers, inside a savepoint, so the transaction stays usable."""
    work = _default_work(j)
    mark_make(work, j.student, "2")
    real_filter = Mark.objects.filter
    reads: list[int] = []

    class Stale:
        def first(self):
            return None

    def stale_filter(*args, **kwargs):
        # Only the service's first read of the cell is stale; the re-read after the clash is real.
        if kwargs.get("student_id") == j.student.pk and not reads:
            reads.append(1)
            return Stale()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Mark.objects, "filter", stale_filter)
    with pytest.raises(EditConflict) as caught:
        services.mark_set(j.teacher, work=work, student=j.student, raw="5")
    monkeypatch.undo()
    assert caught.value.current["raw"] == "2"
    assert Mark.objects.get(work=work, student=j.student).raw == "2"  # the transaction still works


@pytest.fixture
def committed_lesson(school1, django_db_blocker):
    """A lesson and its default work committed for real, so two connections can race."""

    def setup():
        with schema_context(school1.school.schema_name):
            j = journal_build(school1)
            work = services.lesson_work(j.teacher, lesson=j.lesson, school_class=j.school_class)
            had_cache = PeriodMark.objects.filter(subject=j.subject, period=j.period, student=j.student,
                                                  kind="period").exists()
            return j, work, had_cache

    j, work, had_cache = run_committed(django_db_blocker, setup)
    yield j, work

    def teardown():
        with schema_context(school1.school.schema_name), connection.cursor() as cursor:
            # History is append-only; only this clean-up of committed test rows lifts the lock.
            cursor.execute("ALTER TABLE gradebook_journalchange DISABLE TRIGGER gradebook_journalchange_readonly")
            JournalChange.objects.filter(work_id=work.pk).delete()
            cursor.execute("ALTER TABLE gradebook_journalchange ENABLE TRIGGER gradebook_journalchange_readonly")
            Lesson.objects.filter(pk=j.lesson.pk).delete()  # and its work and marks
            if had_cache:  # the demo's average of the student: back to what the demo marks make it
                services.period_marks_recompute(student_ids=[j.student.pk], subject_id=j.subject.pk,
                                                period=j.period)
            else:
                PeriodMark.objects.filter(subject=j.subject, period=j.period, student=j.student).delete()

    run_committed(django_db_blocker, teardown)


def test_two_teachers_racing_for_one_empty_cell_one_wins_one_is_told(school1, committed_lesson, django_db_blocker,
                                                                      monkeypatch):
    j, work = committed_lesson
    both_read = threading.Barrier(2, timeout=20)
    real_state = services.history.mark_state

    def state_after_reading(mark):
        if mark is None:  # both have read the empty cell: now both try to insert
            both_read.wait()
        return real_state(mark)

    monkeypatch.setattr(services.history, "mark_state", state_after_reading)
    outcomes: dict[str, str] = {}

    def race(actor, raw):
        with django_db_blocker.unblock():
            try:
                with schema_context(school1.school.schema_name):
                    services.mark_set(actor, work=work, student=j.student, raw=raw)
                outcomes[raw] = "saved"
            except EditConflict as exc:
                outcomes[raw] = f"conflict:{exc.current['raw']}"
            finally:
                connections.close_all()

    threads = [threading.Thread(target=race, args=(j.teacher, "5")), threading.Thread(target=race, args=(j.admin, "3"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    monkeypatch.undo()
    winner = next(raw for raw, outcome in outcomes.items() if outcome == "saved")
    loser = next(raw for raw in outcomes if raw != winner)
    assert outcomes[loser] == f"conflict:{winner}", outcomes

    def facts():
        with schema_context(school1.school.schema_name):
            return (list(Mark.objects.filter(work=work).values_list("raw", flat=True)),
                    JournalChange.objects.filter(work_id=work.pk).count())

    assert run_committed(django_db_blocker, facts) == ([winner], 1)


# ---- locks ------------------------------------------------------------------------------------

def test_a_closed_period_locks_its_marks_even_for_the_administration(j):
    work = _default_work(j)
    mark = services.mark_set(j.teacher, work=work, student=j.student, raw="4")
    j.period.is_closed = True
    j.period.save()
    for actor in (j.teacher, j.admin):
        with pytest.raises(GradebookError) as caught:
            services.mark_set(actor, work=work, student=j.student, raw="5", expected_version=mark.version)
        assert caught.value.code == PERIOD_CLOSED
        with pytest.raises(GradebookError) as caught:
            services.mark_set(actor, work=work, student=j.classmate, raw="5")
        assert caught.value.code == PERIOD_CLOSED
    with pytest.raises(GradebookError) as caught:
        services.work_delete(j.admin, work=work, reason="ошибка")
    assert caught.value.code == PERIOD_CLOSED
    # A period for other grades does not lock this class.
    j.period.grades = [j.school_class.grade + 1]
    j.period.save()
    assert services.mark_set(j.teacher, work=work, student=j.student, raw="5", expected_version=1).raw == "5"


def test_changing_an_old_mark_needs_a_reason(j):
    work = _default_work(j)
    mark = services.mark_set(j.teacher, work=work, student=j.student, raw="4")
    Mark.objects.filter(pk=mark.pk).update(created_at=mark.created_at - timedelta(days=8))
    with pytest.raises(GradebookError) as caught:
        services.mark_set(j.teacher, work=work, student=j.student, raw="5", expected_version=1)
    assert caught.value.code == REASON_REQUIRED and caught.value.field == "reason"
    with pytest.raises(GradebookError):
        services.mark_set(j.teacher, work=work, student=j.student, raw="", expected_version=1, reason="  ")
    services.mark_set(j.teacher, work=work, student=j.student, raw="5", expected_version=1, reason="пересдал")
    change = JournalChange.objects.filter(kind="mark", object_id=mark.pk).first()
    assert (change.action, change.reason, change.before["raw"], change.after["raw"]) == (
        "update", "пересдал", "4", "5")
    # A recent mark changes freely.
    other = services.mark_set(j.teacher, work=work, student=j.classmate, raw="3")
    services.mark_set(j.teacher, work=work, student=j.classmate, raw="4", expected_version=other.version)


def test_a_work_and_its_marks_removed_are_in_the_history(j):
    student = j.newcomer()  # no other marks this period: the average goes with the work
    work = j.work(title="Диктант")
    services.mark_set(j.teacher, work=work, student=student, raw="2")
    assert _cache(j, student).average == Decimal("2.00")
    services.work_delete(j.teacher, work=work)
    assert not Work.objects.filter(pk=work.pk).exists()
    change = JournalChange.objects.filter(kind="mark", work_id=work.pk).first()
    assert (change.action, change.before["raw"], change.after) == ("delete", "2", {})
    assert _cache(j, student).average is None


# ---- a lesson's page at once ---------------------------------------------------------------------

def test_a_lesson_page_is_saved_all_or_nothing(j, sent, django_capture_on_commit_callbacks):
    entries = [{"student": j.student.pk, "raw": "5"}, {"student": j.classmate.pk, "attendance": "н"},
               {"student": j.outsider.pk, "raw": "4"}, {"student": j.classmate.pk, "raw": "7"}]
    with pytest.raises(services.LessonEntriesError) as caught:
        services.lesson_marks_write(j.teacher, lesson=j.lesson, entries=entries)
    assert [(index, error.code) for index, error in caught.value.errors] == [(2, NOT_A_STUDENT), (3, INVALID_MARK)]
    assert not Mark.objects.filter(work__lesson=j.lesson).exists()
    assert not JournalChange.objects.filter(lesson_id=j.lesson.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        results = services.lesson_marks_write(j.teacher, lesson=j.lesson, entries=entries[:2])
    assert results[0].raw == "5" and results[1].code.code == "н"
    assert {kind for kind, _ids in sent} == {"marks", "absences"}
    # A stale page (it saw an empty cell) is refused; with the version it saw, it saves.
    with pytest.raises(services.LessonEntriesError) as caught:
        services.lesson_marks_write(j.teacher, lesson=j.lesson, entries=[{"student": j.student.pk, "raw": "4"}])
    assert caught.value.code == CONFLICT and caught.value.errors[0][1].current["raw"] == "5"
    services.lesson_marks_write(j.teacher, lesson=j.lesson, entries=[{"student": j.student.pk, "raw": "4",
                                                                       "version": 1}])
    assert Mark.objects.get(work__lesson=j.lesson, student=j.student).raw == "4"
    # Another teacher's page is refused as a whole.
    with pytest.raises(GradebookError) as caught:
        services.lesson_marks_write(j.other_teacher, lesson=j.lesson, entries=entries[:1])
    assert caught.value.code == FORBIDDEN


def test_a_lesson_page_costs_the_same_for_five_or_twenty_entries(j):
    from core.models import Enrollment

    students = list(Enrollment.objects.filter(school_class=j.school_class).values_list("student_id", flat=True)
                    .order_by("student_id"))
    small_lesson, big_lesson = j.lesson, j.lesson_at(bell=9)
    assert len(students) >= 20

    def run(lesson, count):
        services.lesson_work(j.teacher, lesson=lesson, school_class=j.school_class)
        entries = [{"student": s, "raw": "4"} for s in students[:count]]
        with CaptureQueriesContext(connection) as queries:
            services.lesson_marks_write(j.teacher, lesson=lesson, entries=entries)
        return len([q for q in queries if not q["sql"].startswith("SET ")])

    small, big = run(small_lesson, 5), run(big_lesson, 20)
    # Per entry: a savepoint, the insert, its release. Nothing else grows with the entries.
    assert big - small == 15 * 3, (small, big)

