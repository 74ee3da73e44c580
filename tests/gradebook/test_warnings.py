"""Early warning: a low average, a falling average and unexcused absences each raise one
warning per period, told to the class teacher and the parents (not the student, not other
families), and never again; the daily task runs per school at its local hour."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.delivery import KIND_WARNING
from accounts.models import Notification
from gradebook.models import EarlyWarning, GradebookSettings
from gradebook.services import marks
from gradebook.services.warnings import falling, warnings_check
from tests.gradebook.test_notifications import World, build_world, inbox
from tests.timetable.substitution_world import far_monday, make_lesson
from timetable.models import AcademicYear, Lesson, ReportingPeriod

D = Decimal


@pytest.fixture(autouse=True)
def _empty_inboxes(db):
    Notification.objects.all().delete()


@pytest.fixture
def world(school1):
    """A quarter of our own for the 5th grade, far from the demo's dates (a period made
    for some grades wins over the school's), with a new subject and new families."""
    with schema_context(school1.school.schema_name):
        start = far_monday()
        Lesson.objects.filter(date__gte=start, date__lte=start + timedelta(days=70)).delete()
        year = AcademicYear.objects.create(name="test-far", starts_on=start, ends_on=start + timedelta(days=300))
        period = ReportingPeriod.objects.create(year=year, kind=ReportingPeriod.Kind.QUARTER, number=1,
                                                name="Тестовая четверть", starts_on=start,
                                                ends_on=start + timedelta(days=59), grades=[5])
        world = build_world(school1)
        world.period = period
        world.today = start + timedelta(days=30)
        yield world


def _marks(world: World, student, raws: list[str], work_type=None) -> None:
    for n, raw in enumerate(raws):
        work = marks.work_create(world.teacher, school_class=world.school_class, subject=world.subject,
                                 work_type=work_type, date=world.period.starts_on + timedelta(days=n))
        marks.mark_set(world.teacher, work=work, student=student, raw=raw)


def _recipients(rows) -> set[int]:
    return {n.account_id for n in rows}


def test_falling_means_each_of_the_last_marks_lowered_the_average():
    one = D(1)
    assert falling([(D(5), one), (D(4), one), (D(4), one), (D(3), one)], 3) == D("4.00")  # 5, 4.5, 4.33, 4
    assert falling([(D(5), one), (D(4), one), (D(5), one), (D(3), one)], 3) is None  # 4.5 → 4.67 rose
    assert falling([(D(4), one), (D(3), one), (D(3), one)], 3) is None  # three marks: two falls only
    assert falling([(D(5), one), (D(5), one), (D(5), one), (D(5), one)], 3) is None  # flat is not falling


def test_a_low_average_warns_the_class_teacher_and_the_parents_once(school1, world,
                                                                    django_capture_on_commit_callbacks):
    first, second = world.families
    _marks(world, first.student, ["2", "3"])  # 2.5 < 3
    _marks(world, second.student, ["4", "3"])  # 3.5: fine
    with django_capture_on_commit_callbacks(execute=True):
        raised = warnings_check(today=world.today)
    [warning] = [w for w in raised if w.student_id in {first.student.pk, second.student.pk}]
    assert (warning.student_id, warning.subject_id, warning.kind, warning.value) == (
        first.student.pk, world.subject.pk, EarlyWarning.Kind.LOW_AVERAGE, D("2.50"))
    assert warning.period_id == world.period.pk
    rows = list(Notification.objects.filter(kind=KIND_WARNING, key=f"warning:{school1.school.pk}:{warning.pk}"))
    assert _recipients(rows) == {first.parent.account_id, school1.teacher.pk}  # teacher@ leads 5А
    assert "2.50" in rows[0].title and "Тестоведение" in rows[0].title and first.student.short_name in rows[0].title
    assert inbox(first.student) == [] and inbox(second.parent) == []
    # Raised once: the next day's run finds it and tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        again = warnings_check(today=world.today + timedelta(days=1))
    assert warning.pk not in {w.pk for w in again}
    assert Notification.objects.filter(kind=KIND_WARNING, account_id=first.parent.account_id).count() == 1


def test_a_falling_average_warns(world, django_capture_on_commit_callbacks):
    first = world.families[0]
    _marks(world, first.student, ["5", "4", "4", "3"])  # 5 → 4.5 → 4.33 → 4: three falls in a row
    with django_capture_on_commit_callbacks(execute=True):
        raised = warnings_check(student_ids=[first.student.pk], today=world.today)
    assert [(w.kind, w.subject_id, w.value) for w in raised] == [(EarlyWarning.Kind.FALLING, world.subject.pk,
                                                                  D("4.00"))]
    [told] = inbox(first.parent, KIND_WARNING)
    assert "Тестоведение" in told.title


def test_falling_follows_the_school_setting(world):
    first = world.families[0]
    GradebookSettings.objects.filter(pk=1).update(warning_falling_marks=4)
    _marks(world, first.student, ["5", "4", "4", "3"])
    assert warnings_check(student_ids=[first.student.pk], today=world.today) == []


def test_unexcused_absences_reaching_the_limit_warn(world, django_capture_on_commit_callbacks):
    first, second = world.families
    GradebookSettings.objects.filter(pk=1).update(warning_absences=3)
    lessons = [make_lesson(world.period.starts_on + timedelta(days=n), 1, world.subject, [world.teacher],
                           [world.school_class]) for n in range(3)]
    for lesson in lessons:
        marks.attendance_set(world.teacher, lesson=lesson, student=first.student, code="н")
    for lesson, code in zip(lessons, ["н", "н", "б"], strict=True):  # ill is excused: two only
        marks.attendance_set(world.teacher, lesson=lesson, student=second.student, code=code)
    with django_capture_on_commit_callbacks(execute=True):
        raised = warnings_check(today=world.today)
    mine = [w for w in raised if w.student_id in {first.student.pk, second.student.pk}]
    assert [(w.student_id, w.kind, w.subject_id, w.value) for w in mine] == [
        (first.student.pk, EarlyWarning.Kind.ABSENCES, None, D(3))]
    [told] = inbox(first.parent, KIND_WARNING)
    assert "3" in told.title
    assert warnings_check(today=world.today) == []  # not raised twice


def test_nothing_outside_a_period(world):
    first = world.families[0]
    _marks(world, first.student, ["2"])
    assert warnings_check(student_ids=[first.student.pk], today=world.period.ends_on + timedelta(days=400)) == []


def test_the_daily_task_runs_in_every_school_at_its_local_hour(school1, school2, settings,
                                                               django_capture_on_commit_callbacks):
    import gradebook.tasks  # noqa: F401 — registers the task, as the worker's autodiscovery does
    from tenants.tasks import schools_fan_out_task

    created = {}
    for cast in (school1, school2):
        with schema_context(cast.school.schema_name):
            today = timezone.localdate()
            # A period of the 5th grade around today, whatever the demo calendar says today is.
            year = AcademicYear.objects.create(name="test-now", starts_on=today - timedelta(days=100),
                                               ends_on=today + timedelta(days=100))
            ReportingPeriod.objects.create(year=year, kind=ReportingPeriod.Kind.CUSTOM, number=1, name="Сейчас",
                                           starts_on=today - timedelta(days=5), ends_on=today + timedelta(days=5),
                                           grades=[5])
            world = build_world(cast, families=1)
            work = marks.work_create(world.teacher, school_class=world.school_class, subject=world.subject,
                                     work_type=None, date=today)
            marks.mark_set(world.teacher, work=work, student=world.families[0].student, raw="2")
            created[cast.school.pk] = world.families[0]
    local_hour = timezone.localtime().hour  # both demo schools are on Moscow time, as TIME_ZONE
    settings.NOTIFY_WARNINGS_HOUR = (local_hour + 1) % 24
    with django_capture_on_commit_callbacks(execute=True):
        schools_fan_out_task("gradebook.tasks.warnings_check_task", 0)
    assert not Notification.objects.filter(kind=KIND_WARNING).exists()  # not the hour yet
    settings.NOTIFY_WARNINGS_HOUR = local_hour
    with django_capture_on_commit_callbacks(execute=True):
        schools_fan_out_task("gradebook.tasks.warnings_check_task", 0)
    for cast in (school1, school2):
        family = created[cast.school.pk]
        with schema_context(cast.school.schema_name):
            assert EarlyWarning.objects.filter(student=family.student, kind=EarlyWarning.Kind.LOW_AVERAGE).exists()
        assert Notification.objects.filter(kind=KIND_WARNING, school=cast.school,
                                           account_id=family.parent.account_id).count() == 1
