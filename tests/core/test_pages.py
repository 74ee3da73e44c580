"""Each role's home page and the header's links, as the demo people see them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from accounts.delivery import KIND_MARK
from accounts.models import Notification
from core.models import Enrollment, Person, SchoolClass
from gradebook.models import HomeworkStudent
from gradebook.services.homework import homework_create, submission_create
from tests.conftest import client_for
from tests.gradebook.factories import journal_build, local_today, mark_make
from timetable.models import TeachingAssignment


def _nav_links(html: str) -> list[str]:
    nav = html.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', nav)


@pytest.mark.parametrize("role", ["admin", "director", "deputy", "teacher", "student", "parent"])
def test_every_navigation_link_of_every_role_opens(school1, role):
    client = client_for(school1.host, getattr(school1, role))
    home = client.get("/")
    assert home.status_code == 200
    links = _nav_links(home.content.decode())
    assert links
    for link in links:
        assert client.get(link).status_code == 200, (role, link)


def test_teacher_home_shows_their_class(school1):
    body = client_for(school1.host, school1.teacher).get("/").content.decode()
    assert "Мой класс" in body
    assert "5А" in body
    assert "Администрирование" not in body


def test_administration_menu_only_for_admin(school1):
    assert "Администрирование" in client_for(school1.host, school1.admin).get("/").content.decode()
    assert client_for(school1.host, school1.teacher).get("/administration/").status_code == 404
    assert client_for(school1.host, school1.parent).get("/staff/").status_code == 404


def test_management_home_counts_the_school(school1):
    response = client_for(school1.host, school1.director).get("/")
    counts = response.context["counts"]
    assert counts["students"] == 250
    assert counts["staff"] == 20
    assert counts["parents"] > 150


def test_management_home_lists_the_classes_in_order(school1):
    response = client_for(school1.host, school1.admin).get("/")
    names = [c.name for c in response.context["classes"]]
    assert names == ["1А", "2А", "3А", "4А", "5А", "5Б", "6А", "7А", "8А", "9А"]
    body = response.content.decode()
    assert [body.index(f">{name}</a>") for name in names] == sorted(body.index(f">{name}</a>") for name in names)


def _stats(body: str) -> list[str]:
    return [" ".join(pair) for pair in re.findall(
        r'<span class="stat-value">(\d+)</span><span class="stat-label">([^<]+)</span>', body)]


def _russian_plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    return few if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else many


def test_management_home_counts_agree_with_their_numbers(school1):
    """Plural forms: «20 сотрудников», «10 классов», not «20 сотрудники»."""
    client = client_for(school1.host, school1.director)
    response = client.get("/")
    parents = response.context["counts"]["parents"]
    assert _stats(response.content.decode()) == [
        "20 сотрудников", "10 классов", "250 учеников",
        f"{parents} {_russian_plural(parents, 'родитель', 'родителя', 'родителей')}"]
    client.cookies["django_language"] = "en"
    assert _stats(client.get("/").content.decode()) == [
        "20 staff members", "10 classes", "250 students", f"{parents} parents"]


def test_parent_sees_their_child_and_only_their_childs_class(school1):
    client = client_for(school1.host, school1.parent)
    body = client.get("/").content.decode()
    with schema_context(school1.school.schema_name):
        child = school1.person(school1.student)
        own_class = SchoolClass.objects.get(enrollments__student=child)
        other_class = SchoolClass.objects.exclude(pk=own_class.pk).first()
    assert child.first_name in body
    assert client.get(f"/classes/{own_class.pk}/").status_code == 200
    assert client.get(f"/classes/{other_class.pk}/").status_code == 404
    # A parent sees the class but not the list of other people's children.
    assert 'data-testid="roster"' not in client.get(f"/classes/{own_class.pk}/").content.decode()


def test_student_sees_own_class_roster_but_not_other_classes(school1):
    client = client_for(school1.host, school1.student)
    with schema_context(school1.school.schema_name):
        own_class = SchoolClass.objects.get(enrollments__student__account_id=school1.student.pk)
        other_class = SchoolClass.objects.exclude(pk=own_class.pk).first()
    page = client.get(f"/classes/{own_class.pk}/").content.decode()
    assert 'data-testid="roster"' in page
    assert client.get(f"/classes/{other_class.pk}/").status_code == 404
    assert client.get("/classes/999999/").status_code == 404


def test_class_page_query_count_does_not_grow_with_the_class(school1, django_assert_num_queries):
    client = client_for(school1.host, school1.admin)
    with schema_context(school1.school.schema_name):
        school_class = SchoolClass.objects.get(grade=9)
    client.get(f"/classes/{school_class.pk}/")
    with CaptureQueriesContext(connection) as before:
        client.get(f"/classes/{school_class.pk}/")
    with schema_context(school1.school.schema_name):
        extra = Person.objects.bulk_create(
            [Person(last_name=f"Новенький{i}", first_name="Ученик", roles=["student"]) for i in range(30)]
        )
        Enrollment.objects.bulk_create([Enrollment(student=p, school_class=school_class) for p in extra])
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(f"/classes/{school_class.pk}/")
    assert "Новенький29" in response.content.decode()


def test_home_query_count_does_not_grow_with_the_school(school1, django_assert_num_queries):
    client = client_for(school1.host, school1.admin)
    client.get("/")
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    with schema_context(school1.school.schema_name):
        for grade in (10, 11):
            SchoolClass.objects.create(grade=grade, letter="А")
    with django_assert_num_queries(len(before.captured_queries)):
        client.get("/")


# ---- each role's start on the home page ------------------------------------------------------

def _world(school1):
    """The demo teacher's class with a subject they teach there (call inside the school's
    schema), and today in the school."""
    return journal_build(school1), local_today(school1.school)


def test_teacher_home_lists_todays_lessons_and_the_hand_ins_to_check(school1):
    with schema_context(school1.school.schema_name):
        j, today = _world(school1)
        lesson = j.lesson_at(today, bell=9)
        other = j.lesson_at(today, bell=10, teachers=[j.other_teacher])  # not theirs
        homework = homework_create(j.teacher, subject=j.subject, school_class=j.school_class,
                                   text="Параграф 7", due_date=today)
    client = client_for(school1.host, school1.teacher)
    response = client.get("/")
    body = response.content.decode()
    assert f'href="/journal/lessons/{lesson.pk}/"' in body and f"/journal/lessons/{other.pk}/" not in body
    assert lesson in response.context["lessons_today"]
    to_check = response.context["homework_to_check"]
    with schema_context(school1.school.schema_name):
        submission_create(j.student, item=HomeworkStudent.objects.get(homework=homework, student=j.student),
                          text="Готово")
    response = client.get("/")
    assert response.context["homework_to_check"] == to_check + 1
    assert 'data-testid="homework-to-check"' in response.content.decode()
    # A student's home has no journal lessons.
    assert "lessons_today" not in client_for(school1.host, school1.student).get("/").context


def test_student_home_shows_homework_to_do_and_the_latest_marks(school1):
    with schema_context(school1.school.schema_name):
        j, today = _world(school1)
        homework = homework_create(j.teacher, subject=j.subject, school_class=j.school_class,
                                   text="Выучить правило о дробях", due_date=today)
        overdue = homework_create(j.teacher, subject=j.subject, school_class=j.school_class,
                                  text="Давно задано", due_date=today - timedelta(days=3))
        mark = mark_make(j.work(lesson=j.lesson), j.student, "5")
        theirs = mark_make(j.work(lesson=j.lesson, title="чужая"), j.classmate, "2")
    response = client_for(school1.host, school1.student).get("/")
    body = response.content.decode()
    assert "Выучить правило о дробях" in body
    assert any(item.homework_id == homework.pk for item in response.context["homework"])
    # Overdue work is counted, not listed: it must not push today's homework off the page.
    assert all(item.homework_id != overdue.pk for item in response.context["homework"])
    assert response.context["homework_overdue"] >= 1 and 'data-testid="homework-overdue"' in body
    marks = response.context["marks"]
    assert marks[0] == mark and theirs not in marks  # the newest first, only their own
    assert f'href="/diary/works/{mark.work_id}/"' in body


def test_parent_home_shows_each_childs_marks_and_only_theirs_and_unread_notifications(school1):
    with schema_context(school1.school.schema_name):
        j, _today = _world(school1)
        mark = mark_make(j.work(lesson=j.lesson), j.student, "4")
        theirs = mark_make(j.work(lesson=j.lesson, title="чужая"), j.classmate, "3")
    Notification.objects.create(account=school1.parent, school=school1.school, kind=KIND_MARK,
                                title="Новая оценка по алгебре", url="/diary/marks/")
    Notification.objects.create(account=school1.parent, school=school1.school, kind=KIND_MARK,
                                title="Уже прочитано", read_at=mark.created_at)
    Notification.objects.create(account=school1.student, school=school1.school, kind=KIND_MARK,
                                title="Ученику, не родителю")
    response = client_for(school1.host, school1.parent).get("/")
    body = response.content.decode()
    children = response.context["children"]
    assert [c.pk for c in children] == [j.student.pk]
    assert children[0].latest_marks[0] == mark
    shown = [m for c in children for m in c.latest_marks]
    assert theirs not in shown and all(m.student_id in {c.pk for c in children} for m in shown)
    assert f'data-testid="latest-marks-{j.student.pk}"' in body
    assert f'data-testid="latest-marks-{j.classmate.pk}"' not in body
    assert "Новая оценка по алгебре" in body
    assert "Уже прочитано" not in body and "Ученику, не родителю" not in body


def test_home_pages_do_not_query_per_mark_or_lesson(school1, django_assert_num_queries):
    with schema_context(school1.school.schema_name):
        j, today = _world(school1)
    bells = iter(range(9, 15))
    for role in ("parent", "student", "teacher"):
        client = client_for(school1.host, getattr(school1, role))
        client.get("/")
        with CaptureQueriesContext(connection) as before:
            client.get("/")
        with schema_context(school1.school.schema_name):
            for bell in (next(bells), next(bells)):
                lesson = j.lesson_at(today, bell=bell)  # the teacher's lessons today, each with a mark
                mark_make(j.work(lesson=lesson), j.student, "5")
        with django_assert_num_queries(len(before.captured_queries)):
            client.get("/")


# ---- links to the new pages -------------------------------------------------------------------

def test_administration_links_bells_and_groups(school1):
    body = client_for(school1.host, school1.admin).get("/administration/").content.decode()
    assert 'href="/calendar/bells/"' in body and 'href="/timetable/groups/"' in body


def test_class_page_links_the_journal_and_read_tracking_for_those_who_may_see_them(school1):
    with schema_context(school1.school.schema_name):
        j, _today = _world(school1)
        own = j.school_class  # the demo teacher leads it
        # A class they teach but do not lead: its journal, not its read tracking.
        elsewhere = SchoolClass.objects.exclude(class_teacher=j.teacher).order_by("grade", "letter").first()
        TeachingAssignment.objects.get_or_create(teacher=j.teacher, subject=j.subject, school_class=elsewhere)
    teacher = client_for(school1.host, school1.teacher)
    page = teacher.get(f"/classes/{own.pk}/").content.decode()
    assert f'href="/journal/{own.pk}/{j.subject.pk}/"' in page
    assert f'href="/diary/read/?class={own.pk}"' in page
    response = teacher.get(f"/classes/{elsewhere.pk}/")
    assert response.context["can_view_journal"] and not response.context["can_track_reading"]
    assert "/diary/read/" not in response.content.decode()
    admin = client_for(school1.host, school1.admin).get(f"/classes/{own.pk}/")
    assert admin.context["can_view_journal"] and admin.context["can_track_reading"]
    for role in ("student", "parent"):
        response = client_for(school1.host, getattr(school1, role)).get(f"/classes/{own.pk}/")
        assert not response.context["can_view_journal"] and not response.context["can_track_reading"]
        assert 'data-testid="class-journal"' not in response.content.decode()
