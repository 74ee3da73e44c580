"""The demo journal: realistic figures for the current period, the demo student and class
with marks this week and last week, history beside every mark, no marks in the first grade,
deterministic and idempotent. Run inside the test's transaction on school1, after clearing
what the session's seed_demo wrote (the seeder leaves a school with marks alone). The
history is append-only and cannot be cleared: only its rows written after the clearing count."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import F, Max

from core.models import Enrollment, SchoolClass
from gradebook.demo import demo_figures, demo_gradebook_seed
from gradebook.models import Attendance, JournalChange, Mark, PeriodMark, Work
from tests.gradebook.factories import local_today
from timetable.models import Lesson


class _Undo(Exception):
    pass


def _clear() -> int:
    """Undo the session's demo journal inside the test's transaction: the marks, works,
    attendance, period marks and lesson topics the seeder wrote (no other seeder writes
    them). JournalChange refuses deletion: returns its latest id, after which the rows
    of this test's seeding come."""
    for model in (PeriodMark, Mark, Work, Attendance):
        model.objects.all().delete()
    Lesson.objects.exclude(topic="").update(topic="")
    assert not Lesson.objects.exclude(topic="").exists()
    return JournalChange.objects.aggregate(last=Max("pk"))["last"] or 0


def _fingerprint():
    return (sorted(Mark.objects.values_list("work__lesson_id", "work__work_type_id", "student_id", "raw")),
            sorted(Attendance.objects.values_list("lesson_id", "student_id", "code__code")),
            sorted(Lesson.objects.exclude(topic="").values_list("pk", "topic")))


def test_the_demo_journal(school1, in_school, capsys):
    with in_school(school1.school):
        before = _clear()
        started = time.perf_counter()
        demo_gradebook_seed(school1.school, 1)
        seconds = time.perf_counter() - started
        with capsys.disabled():
            print(f"\ndemo_gradebook_seed(school1): {seconds:.2f} s, {demo_figures()}")
        figures = demo_figures()
        changes = JournalChange.objects.filter(pk__gt=before)
        today = local_today(school1.school)
        marks = Mark.objects.select_related("work")
        assert figures["marks"] > 2000 and figures["works"] > 500
        # Every mark and attendance entry has its history row, by the lesson's teacher, at its time.
        assert changes.count() == figures["marks"] + figures["attendance"]
        assert changes.filter(kind="mark").count() == figures["marks"]
        change = changes.filter(kind="mark").order_by("pk").first()
        mark = Mark.objects.select_related("work__lesson").get(pk=change.object_id)
        assert change.actor_id in set(mark.work.lesson.teachers.values_list("pk", flat=True))
        assert change.at == mark.created_at and mark.created_at >= mark.work.lesson.ends_at
        # Nothing from the future (5А may have today's), nothing on cancelled lessons.
        assert not marks.filter(work__date__gt=today).exists()
        assert not marks.filter(work__lesson__status=Lesson.Status.CANCELLED).exists()
        assert not marks.filter(work__date=today).exclude(work__school_class__grade=5,
                                                          work__school_class__letter="А").exists()
        # Mostly 4s and 5s, some 3s, a few 2s.
        spread = Counter(marks.values_list("raw", flat=True))
        assert set(spread) == {"2", "3", "4", "5"}
        assert spread["2"] < spread["3"] < spread["4"]
        # Tests: marks for everyone present.
        test = Work.objects.filter(work_type__name="Контрольная работа").first()
        assert test is not None and test.marks.count() >= 15
        # About 5% of lesson places have attendance entries, mostly absences.
        codes = Counter(Attendance.objects.values_list("code__code", flat=True))
        assert codes["н"] + codes["б"] > codes["оп"] > 0
        # Nobody has a mark at a lesson they missed.
        assert not Mark.objects.filter(work__lesson__attendance__student=F("student"),
                                       work__lesson__attendance__code__is_absence=True).exists()
        # The demo student and class: marks this week and last week.
        student = school1.person(school1.student)
        five_a = SchoolClass.objects.get(grade=5, letter="А")
        monday = today - timedelta(days=today.weekday())
        for first in (monday - timedelta(days=7), monday):
            week = marks.filter(work__date__gte=first, work__date__lt=first + timedelta(days=7))
            assert week.filter(student=student).exists(), first
            assert week.filter(work__school_class=five_a).count() > 10, first
        # Averages differ between students, and the cache is there with proposals.
        averages = list(PeriodMark.objects.filter(school_class=five_a, kind="period", average__isnull=False)
                        .values_list("average", flat=True))
        assert len(set(averages)) > 10
        assert PeriodMark.objects.filter(student=student, kind="period").exclude(proposed="").exists()
        # The first grade is taught without marks (безотметочное обучение): attendance and topics only.
        assert not marks.filter(work__school_class__grade=1).exists()
        assert not Work.objects.filter(school_class__grade=1).exists()
        assert Attendance.objects.filter(lesson__classes__grade=1).exists()
        assert Mark.objects.filter(work__school_class__grade=2).exists()
        # Past lessons have topics.
        past = Lesson.objects.filter(date__lt=today, date__gte=monday - timedelta(days=7),
                                     status=Lesson.Status.SCHEDULED)
        assert past.exclude(topic="").count() == past.count() > 0
        # Idempotent.
        demo_gradebook_seed(school1.school, 1)
        assert demo_figures() == figures
        students_with_marks = set(marks.filter(work__school_class=five_a).values_list("student_id", flat=True))
        assert students_with_marks == set(Enrollment.objects.filter(school_class=five_a)
                                          .values_list("student_id", flat=True))


def test_the_demo_is_deterministic(school1, in_school):
    with in_school(school1.school):
        before = _clear()
        first = []

        def seed_and_undo():
            with transaction.atomic():
                demo_gradebook_seed(school1.school, 1)
                first.append(_fingerprint())
                raise _Undo

        with pytest.raises(_Undo):
            seed_and_undo()
        assert all(first[0])
        assert not Mark.objects.exists() and not JournalChange.objects.filter(pk__gt=before).exists()
        demo_gradebook_seed(school1.school, 1)
        assert _fingerprint() == first[0]
