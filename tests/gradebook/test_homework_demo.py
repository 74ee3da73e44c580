"""The demo homework: spread over recent and coming lessons, the demo student's promised
cases present, deterministic, idempotent and quick."""

from __future__ import annotations

import time
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from gradebook.demo_homework import demo_homework_seed
from gradebook.models import Homework, HomeworkEvent, HomeworkStudent, Submission
from tests.gradebook.factories import local_today

Status = HomeworkStudent.Status


def _snapshot() -> list[tuple]:
    return list(HomeworkStudent.objects.order_by("homework__due_date", "homework__school_class_id",
                                                 "homework__subject_id", "student_id", "homework__lesson__bell_number")
                .values_list("homework__text", "homework__due_date", "student_id", "status"))


def test_demo_homework(school1, in_school):
    with in_school(school1.school):
        Homework.objects.all().delete()
        started = time.monotonic()
        demo_homework_seed(school1.school)
        took = time.monotonic() - started
        print(f"demo homework: {Homework.objects.count()} homework, {HomeworkStudent.objects.count()} items, "
              f"{took:.2f} s")
        assert took < 6  # budget 2 s on a quiet machine; the test machine is shared
        today = local_today(school1.school)
        assert Homework.objects.filter(due_date__lt=today).exists()
        assert Homework.objects.filter(due_date__gt=today).exists()
        assert not Homework.objects.filter(lesson__date__lt=today - timedelta(days=15)).exists()
        past = HomeworkStudent.objects.filter(homework__due_date__lt=today)
        done = past.filter(status__in=[Status.SUBMITTED, Status.ACCEPTED]).count()
        assert done > past.count() / 2
        assert past.filter(status=Status.RETURNED).exists()
        assert HomeworkEvent.objects.filter(status=Status.ASSIGNED).count() == HomeworkStudent.objects.count()
        assert Submission.objects.exists()

        student = school1.person(school1.student)
        mine = HomeworkStudent.objects.filter(student=student)
        next_due = mine.filter(homework__due_date__gt=today).order_by("homework__due_date").first()
        assert next_due.status in (Status.ASSIGNED, Status.SEEN) and next_due.homework.needs_submission
        assert mine.filter(status=Status.SUBMITTED, homework__due_date__lt=today,
                           homework__needs_submission=True).exists()
        # Homework of a lesson still to come is only assigned: nobody has seen it, handed it in
        # or had it accepted (the demo student may have looked at today's).
        now = timezone.now()
        coming = HomeworkStudent.objects.filter(homework__lesson__ends_at__gt=now)
        assert coming.exists()
        assert not coming.exclude(status=Status.ASSIGNED).exclude(
            student=student, status=Status.SEEN, homework__lesson__date__lte=today).exists()
        assert not Submission.objects.filter(item__homework__lesson__ends_at__gt=now).exists()
        assert not HomeworkEvent.objects.filter(at__gt=now).exists()
        # Handed in before it was due, and never before it was set.
        assert not HomeworkStudent.objects.filter(submitted_at__lt=F("homework__lesson__starts_at")).exists()
        # No homework in the first grade.
        assert not Homework.objects.filter(school_class__grade=1).exists()
        # The log's moments are the demo's own, never in the future.
        assert HomeworkEvent.objects.filter(item__student=student).order_by("at").first().at < (
            HomeworkEvent.objects.filter(item__student=student).order_by("at").last().at)

        first = _snapshot()
        demo_homework_seed(school1.school)  # idempotent
        assert _snapshot() == first
        Homework.objects.all().delete()
        demo_homework_seed(school1.school)  # deterministic
        assert _snapshot() == first
