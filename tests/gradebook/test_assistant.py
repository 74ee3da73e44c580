"""The teacher's assistant: one reminder per teacher and day listing today's lessons held
without a topic or with nothing in the journal, hand-ins waiting to be checked and a
period ending with marks missing; a re-run is a no-op; off when the school says so; the
task runs per school at its local hour."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.delivery import KIND_REMINDER
from accounts.models import Notification
from core.models import Enrollment
from gradebook.models import GradebookSettings, Homework, HomeworkStudent
from gradebook.services import marks
from gradebook.services.assistant import assistant_remind
from tests.gradebook.test_notifications import build_world
from tests.timetable.substitution_world import make_lesson
from timetable.models import AcademicYear, Lesson, ReportingPeriod


@pytest.fixture(autouse=True)
def _english(settings):
    """The reminders are written in the school's language; these tests read the English source."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _empty_inboxes(db):
    Notification.objects.all().delete()


def _past_monday() -> date:
    """Long before the demo's school year, so only this test's lessons are on that day."""
    day = date.today() - timedelta(days=700)
    return day - timedelta(days=day.weekday())


def _reminders(account_id: int) -> list[Notification]:
    return list(Notification.objects.filter(account_id=account_id, kind=KIND_REMINDER))


@pytest.fixture
def world(school1):
    with schema_context(school1.school.schema_name):
        day = _past_monday()
        Lesson.objects.filter(date__gte=day - timedelta(days=45), date__lte=day + timedelta(days=7)).delete()
        year = AcademicYear.objects.create(name="test-past", starts_on=day - timedelta(days=100),
                                           ends_on=day + timedelta(days=100))
        period = ReportingPeriod.objects.create(year=year, kind=ReportingPeriod.Kind.QUARTER, number=1,
                                                name="Тестовая четверть", starts_on=day - timedelta(days=40),
                                                ends_on=day + timedelta(days=3), grades=[5])
        world = build_world(school1)
        world.day, world.period = day, period
        first, second = world.families
        lessons = [make_lesson(day, bell, world.subject, [world.teacher], [world.school_class])
                   for bell in (1, 2, 3, 4)]
        Lesson.objects.filter(pk=lessons[1].pk).update(topic="Дроби")
        Lesson.objects.filter(pk=lessons[2].pk).update(topic="Дроби, закрепление")
        Lesson.objects.filter(pk=lessons[3].pk).update(status=Lesson.Status.CANCELLED)
        # Lesson 2 has a mark; the first student has two marks in the period, fewer than three.
        work = marks.lesson_work(world.teacher, lesson=lessons[1], school_class=world.school_class)
        marks.mark_set(world.teacher, work=work, student=first.student, raw="4")
        other = marks.work_create(world.teacher, school_class=world.school_class, subject=world.subject,
                                  work_type=None, date=day - timedelta(days=3))
        marks.mark_set(world.teacher, work=other, student=first.student, raw="5")
        homework = Homework.objects.create(subject=world.subject, school_class=world.school_class, due_date=day,
                                           text="Упр. 1", created_by=world.teacher)
        HomeworkStudent.objects.create(homework=homework, student=first.student,
                                       status=HomeworkStudent.Status.SUBMITTED)
        HomeworkStudent.objects.create(homework=homework, student=second.student)
        world.class_size = Enrollment.objects.filter(school_class=world.school_class,
                                                     student__is_active=True).count()
        yield world


def test_the_reminder_lists_what_is_left_to_do(school1, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert assistant_remind(today=world.day) >= 1
    [reminder] = _reminders(school1.teacher.pk)
    assert reminder.school_id == school1.school.pk and reminder.url == "/journal/"
    assert "2 lessons to fill in" in reminder.title and "hand-in" in reminder.title
    body = reminder.body
    assert "Lesson 1, 5А, Тестоведение: no topic, no attendance or marks" in body
    assert "Lesson 3, 5А, Тестоведение: no attendance or marks" in body
    assert "Lesson 2," not in body and "Lesson 4," not in body  # filled in; cancelled
    assert "5А, Тестоведение: 1 hand-in to check" in body
    n = world.class_size
    assert (f"Тестовая четверть ends {world.period.ends_on:%d.%m} — 5А, Тестоведение: {n} without a period mark, "
            f"{n} with fewer than 3 marks") in body
    # Families are not reminded of anything.
    assert not Notification.objects.filter(kind=KIND_REMINDER, account_id__in=[
        f.parent.account_id for f in world.families]).exists()


def test_a_rerun_the_same_day_is_a_no_op(school1, world, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        assistant_remind(today=world.day)
    sent = len(mailoutbox)
    assert any(m.to == [school1.teacher.email] for m in mailoutbox)  # e-mailed at once by default
    with django_capture_on_commit_callbacks(execute=True):
        assistant_remind(today=world.day)
    assert len(_reminders(school1.teacher.pk)) == 1 and len(mailoutbox) == sent


def test_an_attended_lesson_is_filled_in(school1, world, django_capture_on_commit_callbacks):
    lesson = Lesson.objects.get(date=world.day, bell_number=3, subject=world.subject)
    marks.attendance_set(world.teacher, lesson=lesson, student=world.families[0].student, code="н")
    with django_capture_on_commit_callbacks(execute=True):
        assistant_remind(today=world.day)
    [reminder] = _reminders(school1.teacher.pk)
    assert "Lesson 3," not in reminder.body and "1 lesson to fill in" in reminder.title


def test_nothing_when_the_school_turned_it_off(school1, world, django_capture_on_commit_callbacks):
    GradebookSettings.objects.filter(pk=1).update(assistant_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert assistant_remind(today=world.day) == 0
    assert not Notification.objects.filter(kind=KIND_REMINDER).exists()


def test_the_task_runs_in_every_school_at_its_local_hour(school1, school2, settings,
                                                         django_capture_on_commit_callbacks):
    import gradebook.tasks  # noqa: F401 — registers the task, as the worker's autodiscovery does
    from tenants.tasks import schools_fan_out_task

    for cast in (school1, school2):
        with schema_context(cast.school.schema_name):
            world = build_world(cast, families=1)
            homework = Homework.objects.create(subject=world.subject, school_class=world.school_class,
                                               due_date=timezone.localdate(), text="Упр. 2", created_by=world.teacher)
            HomeworkStudent.objects.create(homework=homework, student=world.families[0].student,
                                           status=HomeworkStudent.Status.SUBMITTED)
    local_hour = timezone.localtime().hour  # both demo schools are on Moscow time, as TIME_ZONE
    settings.NOTIFY_ASSISTANT_HOUR = (local_hour + 1) % 24
    with django_capture_on_commit_callbacks(execute=True):
        schools_fan_out_task("gradebook.tasks.assistant_remind_task", 0)
    assert not Notification.objects.filter(kind=KIND_REMINDER).exists()  # not the hour yet
    settings.NOTIFY_ASSISTANT_HOUR = local_hour
    with django_capture_on_commit_callbacks(execute=True):
        schools_fan_out_task("gradebook.tasks.assistant_remind_task", 0)
    for cast in (school1, school2):
        [reminder] = _reminders(cast.teacher.pk)
        assert reminder.school_id == cast.school.pk and "Тестоведение: 1 hand-in to check" in reminder.body


def test_the_reminder_is_written_in_russian_by_default(school1, world, settings, django_capture_on_commit_callbacks):
    settings.LANGUAGE_CODE = "ru"
    with django_capture_on_commit_callbacks(execute=True):
        assistant_remind(today=world.day)
    [reminder] = _reminders(school1.teacher.pk)
    assert "1-й урок, 5А, Тестоведение: нет темы" in reminder.body, reminder.body
