"""Substitutions: each kind of change, refusals, suggested substitutes, an absence applied
in one step, who is notified, the payroll report and its XLSX, and who may open the pages."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import Account, Notification
from core.models import Enrollment, Guardianship, Person
from tests.conftest import client_for
from tests.timetable.substitution_world import build_world, make_lesson, make_teacher
from timetable import selectors_substitutions as selectors
from timetable.demo_substitutions import demo_substitution_seed
from timetable.models import Lesson, Subject, Substitution, TeacherAbsence, TeachingAssignment
from timetable.services import substitutions as services


@pytest.fixture(autouse=True)
def _empty_inboxes(db):
    """The demo's own substitution this week has notified 5А's families already; each test
    counts only the notifications it causes."""
    Notification.objects.all().delete()


@pytest.fixture
def world(school1):
    with schema_context(school1.school.schema_name):
        yield build_world(school1.person(school1.student))


@pytest.fixture
def admin(school1, world):
    return school1.person(school1.admin)


def _selects(context) -> int:
    """Queries that read data; django-tenants' `SET search_path` before each is not counted."""
    return sum(1 for q in context.captured_queries if not q["sql"].startswith("SET "))


def _in(school1):
    return schema_context(school1.school.schema_name)


# ---- the changes ---------------------------------------------------------------------------

def test_cancel_changes_only_that_lesson_and_records_before(world, admin):
    change = services.lesson_cancel(actor=admin, lesson=world.l1, reason="болезнь")
    world.l1.refresh_from_db()
    assert world.l1.status == Lesson.Status.CANCELLED and world.l1.changed_at is not None
    assert change.kind == Substitution.Kind.CANCEL and change.created_by == admin
    assert change.before["teachers"] == [world.absent.pk] and change.before["bell_number"] == 1
    assert change.before["room"] == world.rooms["101"].pk and change.before["status"] == "scheduled"
    others = Lesson.objects.filter(pk__in=[world.l2.pk, world.l_busy.pk, world.l_sub2.pk])
    assert {lesson.status for lesson in others} == {"scheduled"}
    assert all(lesson.changed_at is None for lesson in others)
    with pytest.raises(ValidationError) as error:
        services.lesson_cancel(actor=admin, lesson=world.l1)
    assert error.value.code == services.LESSON_CANCELLED


def test_move_recomputes_the_times_from_the_bells_in_the_schools_time_zone(world, admin):
    new_day = world.day + timedelta(days=1)
    change = services.lesson_move(actor=admin, lesson=world.l1, date=new_day, bell_number=4,
                                  room=world.rooms["105"], reason="перенос")
    lesson = Lesson.objects.get(pk=world.l1.pk)
    moscow = ZoneInfo("Europe/Moscow")
    # The demo's «Основное» schedule: the 4th lesson starts at 11:15 local time.
    assert lesson.starts_at.astimezone(moscow).time() == services.bell_for(new_day, 4).starts_at
    assert lesson.starts_at == datetime.combine(new_day, services.bell_for(new_day, 4).starts_at, tzinfo=moscow)
    assert lesson.ends_at > lesson.starts_at
    assert (lesson.date, lesson.bell_number, lesson.room_id) == (new_day, 4, world.rooms["105"].pk)
    assert change.before["date"] == world.day.isoformat() and change.before["bell_number"] == 1
    assert change.before["room"] == world.rooms["101"].pk


def test_the_bell_schedule_times_are_the_demos(world):
    assert services.bell_for(world.day, 1).starts_at == time(8, 30)


@pytest.mark.parametrize("case", ["teacher", "room", "class"])
def test_a_move_onto_a_busy_slot_is_refused_and_nothing_is_saved(world, admin, case):
    if case == "teacher":  # the absent teacher has the group lesson at bell 2
        lesson, bell, room, code = world.l1, 2, world.rooms["105"], services.TEACHER_BUSY
    elif case == "room":  # room 103 holds 5Б's lesson at bell 1
        lesson, bell, room, code = world.l_sub2, 1, world.rooms["103"], services.ROOM_BUSY
    else:  # 5А has its lesson at bell 1
        lesson = make_lesson(world.day, 5, world.other_subject, [world.other], [world.c5a], world.rooms["105"])
        bell, room, code = 1, None, services.CLASS_BUSY
    before = Lesson.objects.values("date", "bell_number", "room_id", "starts_at").get(pk=lesson.pk)
    with pytest.raises(ValidationError) as error:
        services.lesson_move(actor=admin, lesson=lesson, date=world.day, bell_number=bell, room=room)
    assert error.value.code == code
    assert Lesson.objects.values("date", "bell_number", "room_id", "starts_at").get(pk=lesson.pk) == before
    assert not Substitution.objects.filter(lesson=lesson).exists()


def test_two_groups_of_a_class_may_share_a_slot(world, admin):
    other_group = world.group.__class__.objects.create(name="вторая группа", school_class=world.c5a)
    lesson = make_lesson(world.day, 5, world.subject, [world.sub1], [world.c5a], world.rooms["105"], other_group)
    services.lesson_move(actor=admin, lesson=lesson, date=world.day, bell_number=2)
    assert Lesson.objects.get(pk=lesson.pk).bell_number == 2


def test_teacher_replacement_swaps_only_that_lesson(world, admin):
    change = services.lesson_teacher_replace(actor=admin, lesson=world.l1, substitute=world.sub1, reason="болезнь")
    assert set(world.l1.teachers.all()) == {world.sub1}
    assert set(world.l2.teachers.all()) == {world.absent}
    assert change.kind == Substitution.Kind.TEACHER and change.substitute == world.sub1
    assert change.before["teachers"] == [world.absent.pk]
    with pytest.raises(ValidationError) as error:  # busy teaching 5Б at bell 1
        services.lesson_teacher_replace(actor=admin, lesson=world.l1, substitute=world.busy)
    assert error.value.code == services.TEACHER_BUSY


def test_room_replacement_and_extra_lesson(world, admin):
    change = services.lesson_room_replace(actor=admin, lesson=world.l1, room=world.rooms["105"])
    assert Lesson.objects.get(pk=world.l1.pk).room == world.rooms["105"]
    assert change.before["room"] == world.rooms["101"].pk
    with pytest.raises(ValidationError) as error:  # 105 now holds 5А's first lesson
        services.lesson_room_replace(actor=admin, lesson=world.l_busy, room=world.rooms["105"])
    assert error.value.code == services.ROOM_BUSY
    extra = services.lesson_extra_add(actor=admin, date=world.day, bell_number=6, subject=world.subject,
                                      teacher=world.sub1, classes=[world.c5a], room=world.rooms["101"],
                                      reason="консультация")
    assert extra.is_extra and extra.bell_number == 6 and list(extra.classes.all()) == [world.c5a]
    assert extra.substitutions.get().kind == Substitution.Kind.EXTRA
    with pytest.raises(ValidationError) as error:  # 5А has lesson 1 already
        services.lesson_extra_add(actor=admin, date=world.day, bell_number=1, subject=world.subject,
                                  teacher=world.other, classes=[world.c5a])
    assert error.value.code == services.CLASS_BUSY


def test_only_the_administration_changes_lessons(school1, world):
    for account in (school1.teacher, school1.student, school1.parent):
        with pytest.raises(PermissionDenied):
            services.lesson_cancel(actor=school1.person(account), lesson=world.l1)
    services.lesson_cancel(actor=school1.person(school1.deputy), lesson=world.l1)  # the завуч may


# ---- absences and suggestions ----------------------------------------------------------------

def test_suggestions_are_qualified_and_free_best_first(world, admin):
    absence = services.teacher_absence_record(actor=admin, teacher=world.absent, starts_on=world.day,
                                              ends_on=world.day, reason="болезнь")
    with CaptureQueriesContext(connection) as context:
        rows = selectors.absence_lessons(absence)
    assert _selects(context) == 7
    assert [row.lesson for row in rows] == [world.l1, world.l2]
    first, second = rows
    # Bell 1: the busy teacher teaches 5Б, the away one is absent; sub1 has no lessons, sub2 one.
    assert [c.person for c in first.suggestions] == [world.sub1, world.sub2]
    assert [c.lessons_that_day for c in first.suggestions] == [0, 1]
    # Bell 2: everyone qualified and present is free; the least busy first, then by name.
    assert [c.person for c in second.suggestions] == [world.sub1, world.sub2, world.busy]
    assert all(c.same_subject for row in rows for c in row.suggestions)
    assert world.other in [c.person for c in first.others]
    assert world.absent not in [c.person for row in rows for c in row.suggestions + row.others]


def test_the_query_count_does_not_grow_with_lessons(world, admin):
    for bell in (4, 5, 6):
        make_lesson(world.day + timedelta(days=1), bell, world.subject, [world.absent], [world.c6a])
    absence = services.teacher_absence_record(actor=admin, teacher=world.absent, starts_on=world.day,
                                              ends_on=world.day + timedelta(days=1))
    with CaptureQueriesContext(connection) as context:
        assert len(selectors.absence_lessons(absence)) == 5
    assert _selects(context) == 7


def test_an_absence_is_applied_in_one_step(world, admin):
    absence = services.teacher_absence_record(actor=admin, teacher=world.absent, starts_on=world.day,
                                              ends_on=world.day)
    changes = services.absence_substitutions_apply(actor=admin, absence=absence,
                                                   choices={world.l1.pk: world.sub1, world.l2.pk: None})
    assert [c.kind for c in changes] == ["teacher", "cancel"]
    assert set(world.l1.teachers.all()) == {world.sub1}
    assert Lesson.objects.get(pk=world.l2.pk).status == Lesson.Status.CANCELLED
    assert Substitution.objects.filter(absence=absence).count() == 2
    assert selectors.absence_lessons(absence) == []  # nothing left to cover


def test_an_absence_is_all_or_nothing(world, admin):
    make_lesson(world.day, 2, world.other_subject, [world.other], [world.c6a])  # `other` is busy at bell 2
    absence = services.teacher_absence_record(actor=admin, teacher=world.absent, starts_on=world.day,
                                              ends_on=world.day)
    with pytest.raises(ValidationError) as error:
        services.absence_substitutions_apply(actor=admin, absence=absence,
                                             choices={world.l1.pk: world.sub1, world.l2.pk: world.other})
    assert error.value.code == services.TEACHER_BUSY
    assert set(world.l1.teachers.all()) == {world.absent}
    assert not Substitution.objects.filter(absence=absence).exists()
    with pytest.raises(ValidationError) as error:  # not the absent teacher's lesson
        services.absence_substitutions_apply(actor=admin, absence=absence, choices={world.l_busy.pk: None})
    assert error.value.code == services.NOT_IN_ABSENCE


# ---- notifications -------------------------------------------------------------------------

def _families(class_, group=None) -> set[int]:
    students = set(group.students.values_list("pk", flat=True)) if group else set(
        Enrollment.objects.filter(school_class=class_).values_list("student_id", flat=True))
    parents = set(Guardianship.objects.filter(child_id__in=students).values_list("parent_id", flat=True))
    return set(Person.objects.filter(pk__in=students | parents, account__isnull=False)
               .values_list("account_id", flat=True))


def test_a_change_notifies_exactly_the_class_families_and_both_teachers(
        school1, world, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_teacher_replace(actor=admin, lesson=world.l1, substitute=world.sub1)
    notified = list(Notification.objects.filter(school=school1.school, url=f"/timetable/?week={world.day}"))
    accounts = {n.account_id for n in notified}
    assert accounts == _families(world.c5a) | {world.absent.account_id, world.sub1.account_id}
    assert {school1.student.pk, school1.parent.pk} <= accounts
    assert len(notified) == len(accounts)  # one each
    assert Account.objects.get(email="multi@parta.test").pk not in accounts  # a 7th-grader's mother
    assert all(n.title and n.kind == services.NOTIFICATION_KIND for n in notified)


def test_a_group_lesson_notifies_only_the_group(school1, world, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_cancel(actor=admin, lesson=world.l2)
    accounts = set(Notification.objects.filter(school=school1.school).values_list("account_id", flat=True))
    assert accounts == _families(world.c5a, world.group) | {world.absent.account_id}
    assert school1.student.pk not in accounts and school1.parent.pk not in accounts


def test_a_refused_change_notifies_nobody(school1, world, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.lesson_move(actor=admin, lesson=world.l1, date=world.day, bell_number=2)
    assert not Notification.objects.filter(school=school1.school).exists()


def test_the_inbox_lists_and_reads_and_the_header_counts(school1, world, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_cancel(actor=admin, lesson=world.l1)
    client = client_for(school1.host, school1.student)
    home = client.get("/")
    assert home.context["unread_notifications"] == 1
    assert 'href="/accounts/notifications/"' in home.content.decode()  # the bell opens the one inbox
    # The timetable's old address stays valid: a permanent redirect to the inbox.
    old = client.get("/notifications/")
    assert old.status_code == 301 and old["Location"] == "/accounts/notifications/"
    response = client.get("/accounts/notifications/")
    assert response.status_code == 200
    assert [n.title for n in response.context["items"]] and response.context["unread_count"] == 1
    assert response.content.decode().count("subs-unread") == 1  # shown as new this once
    assert response.context["unread_notifications"] == 0  # opening the inbox reads it
    assert not Notification.objects.filter(account=school1.student, read_at__isnull=True).exists()
    assert client.get("/accounts/notifications/").context["unread_count"] == 0
    # Nobody else's notifications: the teacher of another class has none.
    assert client_for(school1.host, school1.teacher).get("/accounts/notifications/").context["items"] == []


# ---- the report ---------------------------------------------------------------------------

def test_the_report_counts_hours_covered_per_substitute(school1, world, admin):
    absence = services.teacher_absence_record(actor=admin, teacher=world.absent, starts_on=world.day,
                                              ends_on=world.day)
    services.absence_substitutions_apply(actor=admin, absence=absence,
                                         choices={world.l1.pk: world.sub1, world.l2.pk: None})
    services.lesson_teacher_replace(actor=admin, lesson=world.l_sub2, substitute=world.sub1)
    # Covered twice: only the last substitute is paid.
    services.lesson_teacher_replace(actor=admin, lesson=world.l_busy, substitute=world.sub2)
    services.lesson_teacher_replace(actor=admin, lesson=world.l_busy, substitute=world.other)
    # Covered, then cancelled: nobody taught it.
    late = make_lesson(world.day, 5, world.subject, [world.busy], [world.c6a])
    services.lesson_teacher_replace(actor=admin, lesson=late, substitute=world.sub2)
    services.lesson_cancel(actor=admin, lesson=late)
    # Outside the period.
    outside = make_lesson(world.day + timedelta(days=7), 1, world.subject, [world.busy], [world.c6a])
    services.lesson_teacher_replace(actor=admin, lesson=outside, substitute=world.sub2)

    report = selectors.substitution_report(world.day, world.day)
    figures = {row.teacher: (row.covered, row.cancelled) for row in report.rows}
    assert figures == {world.sub1: (2, 0), world.other: (1, 0), world.absent: (0, 1), world.sub2: (0, 1)}
    assert (report.covered_total, report.cancelled_total) == (3, 2)

    response = client_for(school1.host, school1.deputy).get(
        "/timetable/changes/report/", {"starts_on": world.day, "ends_on": world.day, "format": "xlsx"})
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    book = openpyxl.load_workbook(BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert (world.sub1.full_name, 2, 0) in rows and (world.other.full_name, 1, 0) in rows
    assert rows[-1][1:] == (3, 2)
    assert len(list(book.worksheets[1].iter_rows(min_row=2))) == 5
    page = client_for(school1.host, school1.director).get(
        "/timetable/changes/report/", {"starts_on": world.day, "ends_on": world.day})
    assert page.context["report"].covered_total == 3


# ---- the pages -----------------------------------------------------------------------------

PAGES = ["/timetable/changes/", "/timetable/changes/report/", "/timetable/absences/new/"]


@pytest.mark.parametrize("who", ["teacher", "student", "parent"])
def test_the_pages_are_404_without_the_permission(school1, world, who):
    with _in(school1):
        absence = TeacherAbsence.objects.create(teacher=world.absent, starts_on=world.day, ends_on=world.day)
    client = client_for(school1.host, getattr(school1, who))
    for url in [*PAGES, f"/timetable/absences/{absence.pk}/"]:
        assert client.get(url).status_code == 404, url
    assert client.post("/timetable/changes/", {"action": "cancel", "lesson": world.l1.pk}).status_code == 404
    with _in(school1):
        assert Lesson.objects.get(pk=world.l1.pk).status == Lesson.Status.SCHEDULED


def test_the_administration_records_an_absence_and_applies_the_suggestions(school1, world):
    client = client_for(school1.host, school1.deputy)
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    response = client.post("/timetable/absences/new/", {"teacher": world.absent.pk, "starts_on": world.day,
                                                        "ends_on": world.day, "reason": "болезнь"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    rows = page.context["rows"]
    assert [r.lesson.pk for r in rows] == [world.l1.pk, world.l2.pk]
    # What the form preselects: the first suggestion of each lesson.
    data = {f"lesson-{r.lesson.pk}": r.suggestions[0].person.pk for r in rows}
    data[f"lesson-{world.l2.pk}"] = "cancel"
    assert client.post(response["Location"], data).status_code == 302
    with _in(school1):
        assert set(Lesson.objects.get(pk=world.l1.pk).teachers.all()) == {world.sub1}
        assert Lesson.objects.get(pk=world.l2.pk).status == Lesson.Status.CANCELLED
    done = client.get(response["Location"]).context["done"]
    assert [c.kind for c in done] == ["teacher", "cancel"]


def test_the_changes_page_finds_a_class_day_and_changes_a_lesson(school1, world):
    client = client_for(school1.host, school1.admin)
    query = {"school_class": world.c5a.pk, "date": world.day}
    page = client.get("/timetable/changes/", query)
    assert [lesson.pk for lesson in page.context["day_lessons"]] == [world.l1.pk, world.l2.pk]
    url = f"/timetable/changes/?school_class={world.c5a.pk}&date={world.day}"
    assert client.post(url, {"action": "room", "lesson": world.l1.pk, "room": world.rooms["105"].pk}).status_code == 302
    response = client.post(url, {"action": "move", "lesson": world.l1.pk, "date": world.day, "bell_number": 2},
                           follow=True)
    # The room change's success, then the refusal: the teacher is busy at lesson 2.
    assert [m.level_tag for m in response.context["messages"]] == ["success", "error"]
    with _in(school1):
        lesson = Lesson.objects.get(pk=world.l1.pk)
        assert (lesson.room, lesson.bell_number) == (world.rooms["105"], 1)
    assert client.post(url, {"action": "cancel", "lesson": 987654}).status_code == 404


# ---- the demo ------------------------------------------------------------------------------

def test_the_demo_shows_a_substitution_this_week(school1, django_capture_on_commit_callbacks):
    school = school1.school
    with _in(school1):
        today = timezone.localdate(timezone=ZoneInfo(school.timezone))
        Lesson.objects.filter(date__gte=today).delete()  # the demo timetable's, if there is one
        TeacherAbsence.objects.all().delete()
        demo_substitution_seed(school, 1)
        assert not TeacherAbsence.objects.exists()  # no lessons: nothing to do
        day = today if today.weekday() < 5 else today + timedelta(days=7 - today.weekday())
        c5a = Person.objects.get(account_id=school1.student.pk).enrollments.get().school_class
        subject = Subject.objects.create(name="Демоведение")
        ill, helper = make_teacher("Тест-Больной"), make_teacher("Тест-Помощник")
        TeachingAssignment.objects.create(teacher=helper, subject=subject, school_class=c5a)
        lesson = make_lesson(day, 2, subject, [ill], [c5a])
    with django_capture_on_commit_callbacks(execute=True):
        demo_substitution_seed(school, 1)
        demo_substitution_seed(school, 1)  # idempotent
    with _in(school1):
        absence = TeacherAbsence.objects.get()
        assert (absence.teacher, absence.starts_on) == (ill, day)
        assert set(lesson.teachers.all()) == {helper}
        assert Lesson.objects.get(pk=lesson.pk).changed_at is not None
    assert Notification.objects.filter(account=school1.student, school=school).count() == 1

