"""Period marks: the cached average and proposal (also recomputed in bulk), the teacher's
confirmed mark with its history and locks, and the annual proposal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gradebook.errors import FORBIDDEN, INVALID_MARK, NOT_A_STUDENT, PERIOD_CLOSED, REASON_REQUIRED, EditConflict
from gradebook.models import JournalChange, PeriodMark
from gradebook.services import marks as services
from tests.gradebook.factories import journal_build, mark_make
from timetable.models import ReportingPeriod

D = Decimal


@pytest.fixture
def j(school1, in_school):
    with in_school(school1.school):
        yield journal_build(school1)


def test_period_of_a_class_prefers_its_grades_own_period(j):
    assert services.period_of(j.school_class, j.day) == j.period
    own = ReportingPeriod.objects.create(year=j.period.year, kind="semester", number=9, name="Полугодие (тест)",
                                         starts_on=j.period.starts_on - timedelta(days=30), ends_on=j.period.ends_on,
                                         grades=[j.school_class.grade])
    assert services.period_of(j.school_class, j.day) == own
    assert services.period_of(j.school_class, j.period.year.starts_on - timedelta(days=1)) is None


def test_bulk_recompute_in_a_constant_number_of_queries(j):
    # Newcomers: the demo's students already have a term of marks in the subject.
    newcomers = [j.newcomer(f"Новичок{index:02d}") for index in range(12)]
    students = [student.pk for student in newcomers]
    cached = PeriodMark.objects.filter(subject=j.subject, period=j.period).count()  # the demo's class
    answer, test = j.work(), j.work(kind="Контрольная работа")
    for index, student in enumerate(newcomers):
        mark_make(answer, student, "5" if index % 2 else "4")
        mark_make(test, student, "3")
    excluded = j.work()
    mark_make(excluded, newcomers[0], "2", excluded=True)
    with CaptureQueriesContext(connection) as queries:
        services.period_marks_recompute(student_ids=students, subject_id=j.subject.pk, period=j.period)
    assert len([q for q in queries if not q["sql"].startswith("SET ")]) <= 5
    rows = {p.student_id: p for p in PeriodMark.objects.filter(subject=j.subject, period=j.period, kind="period")}
    # Even index: (4 + 3·2) / 3 = 3.33 → 3; odd: (5 + 6) / 3 = 3.67 → 4 (the excluded 2 does not count).
    assert (rows[students[0]].average, rows[students[0]].proposed) == (D("3.33"), "3")
    assert (rows[students[1]].average, rows[students[1]].proposed) == (D("3.67"), "4")
    assert rows[students[0]].school_class_id == j.school_class.pk
    # Idempotent, and it repairs a damaged cache.
    PeriodMark.objects.filter(student_id=students[0]).update(average=D(5), proposed="5")
    services.period_marks_recompute(student_ids=students, subject_id=j.subject.pk, period=j.period)
    assert PeriodMark.objects.get(student_id=students[0], subject=j.subject, period=j.period).proposed == "3"
    assert PeriodMark.objects.filter(subject=j.subject, period=j.period).count() == cached + len(students)


def test_pass_fail_marks_do_not_count_in_averages(j):
    from gradebook.models import ClassScale, GradingScale

    ClassScale.objects.create(school_class=j.school_class, scale=GradingScale.objects.get(kind="pass_fail"))
    student = j.newcomer()  # no marks yet this period
    work = services.lesson_work(j.teacher, lesson=j.lesson, school_class=j.school_class)
    mark = services.mark_set(j.teacher, work=work, student=student, raw="зачёт")
    assert (mark.raw, mark.numeric) == ("зач", D(1))
    cache = PeriodMark.objects.get(student=student, subject=j.subject, period=j.period)
    assert cache.average is None and cache.proposed == ""


def _set(j, actor, raw, student=None, **kwargs):
    kwargs.setdefault("kind", "period")
    kwargs.setdefault("period", j.period if kwargs["kind"] == "period" else None)
    return services.period_mark_set(actor, student=student or j.student, subject=j.subject,
                                    school_class=j.school_class, raw=raw, **kwargs)


def test_the_teacher_confirms_a_period_mark_and_the_annual_proposal_follows(j):
    student = j.newcomer()  # no marks yet this year (the demo student has a term of them)
    work = services.lesson_work(j.teacher, lesson=j.lesson, school_class=j.school_class)
    services.mark_set(j.teacher, work=work, student=student, raw="4")
    cache = PeriodMark.objects.get(student=student, subject=j.subject, period=j.period)
    assert (cache.proposed, cache.raw) == ("4", "")
    # The cell showed the proposal (version 1, no mark yet): confirming it takes that version or none.
    mark = _set(j, j.teacher, "5", student, expected_version=cache.version)
    assert (mark.raw, mark.numeric, mark.version, mark.proposed, mark.updated_by) == ("5", D(5), 2, "4", j.teacher)
    change = JournalChange.objects.get(kind="period_mark", object_id=mark.pk)
    assert (change.action, change.before, change.after["raw"], change.subject_id) == ("create", {}, "5",
                                                                                        j.subject.pk)
    # Another period with a 4: the annual proposal is their average, 4.5 → 5.
    earlier = ReportingPeriod.objects.filter(year=j.period.year, grades=[], ends_on__lt=j.period.starts_on).first()
    if earlier is not None:
        services.period_mark_set(j.teacher, student=student, subject=j.subject, school_class=j.school_class,
                                 kind="period", period=earlier, raw="4")
        annual = PeriodMark.objects.get(student=student, subject=j.subject, kind="annual")
        assert (annual.average, annual.proposed) == (D("4.50"), "5")
    # The annual mark itself.
    annual = _set(j, j.teacher, "5", student, kind="annual",
                  expected_version=PeriodMark.objects.get(student=student, subject=j.subject,
                                                          kind="annual").version)
    assert annual.raw == "5" and annual.period is None
    # A new mark of the period refreshes the cache without touching the confirmed mark.
    services.mark_set(j.teacher, work=work, student=student, raw="2", expected_version=1)
    mark.refresh_from_db()
    assert (mark.raw, mark.proposed, mark.version) == ("5", "2", 2)


def test_who_may_set_period_marks(j):
    with pytest.raises(services.GradebookError) as caught:
        _set(j, j.other_teacher, "5")
    assert caught.value.code == FORBIDDEN
    for actor in (j.student, j.parent):
        with pytest.raises(services.GradebookError) as caught:
            _set(j, actor, "5")
        assert caught.value.code == FORBIDDEN
    with pytest.raises(services.GradebookError) as caught:
        services.period_mark_set(j.teacher, student=j.outsider, subject=j.subject, school_class=j.school_class,
                                 kind="period", period=j.period, raw="5")
    assert caught.value.code == NOT_A_STUDENT
    with pytest.raises(services.GradebookError) as caught:
        _set(j, j.teacher, "отл")
    assert caught.value.code == INVALID_MARK
    assert not PeriodMark.objects.filter(student=j.student, subject=j.subject).exclude(raw="").exists()
    assert _set(j, j.admin, "4").raw == "4"


def test_period_mark_conflicts_locks_and_reasons(j):
    mark = _set(j, j.teacher, "4")
    with pytest.raises(EditConflict) as caught:
        _set(j, j.admin, "5")  # saw an empty cell
    assert caught.value.current["raw"] == "4" and caught.value.current["by"] == j.teacher.short_name
    with pytest.raises(EditConflict):
        _set(j, j.admin, "5", expected_version=mark.version + 5)
    PeriodMark.objects.filter(pk=mark.pk).update(updated_at=mark.updated_at - timedelta(days=10))
    with pytest.raises(services.GradebookError) as caught:
        _set(j, j.teacher, "5", expected_version=mark.version)
    assert caught.value.code == REASON_REQUIRED
    mark = _set(j, j.teacher, "5", expected_version=mark.version, reason="исправил оценку за к/р")
    ReportingPeriod.objects.filter(pk=j.period.pk).update(is_closed=True)
    j.period.refresh_from_db()
    with pytest.raises(services.GradebookError) as caught:
        _set(j, j.admin, "3", expected_version=mark.version, reason="x")
    assert caught.value.code == PERIOD_CLOSED
    assert [c.action for c in JournalChange.objects.filter(kind="period_mark", object_id=mark.pk)
            .order_by("at", "pk")] == ["create", "update"]
    # Clearing takes the mark away and is recorded.
    ReportingPeriod.objects.filter(pk=j.period.pk).update(is_closed=False)
    j.period.refresh_from_db()
    cleared = _set(j, j.teacher, "", expected_version=mark.version, reason="ошибка")
    assert cleared.raw == "" and cleared.numeric is None
    assert JournalChange.objects.filter(kind="period_mark", object_id=mark.pk).first().action == "delete"
