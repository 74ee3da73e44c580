"""The week in Chromium: a student's week on a phone has no sideways scroll."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import Account
from core.models import Enrollment, Person
from tenants.models import School
from tests.browser.conftest import shot
from tests.timetable.week_factory import lesson_make, local_today, monday_of
from timetable.models import Lesson, Room, Subgroup, Subject

PASSWORD = "parta-demo-2026"


@pytest.fixture
def week_lessons(django_db_blocker):
    """A committed week for the demo student's class (the live server reads other
    connections), removed afterwards."""
    with django_db_blocker.unblock():
        school = School.objects.get(slug="school1")
        with schema_context(school.schema_name):
            student = Person.objects.get(account_id=Account.objects.get(email="student@school1.parta.test").pk)
            school_class = Enrollment.objects.get(student=student).school_class
            teachers = list(Person.objects.filter(roles__contains=["teacher"])[:3])
            subjects = list(Subject.objects.order_by("name"))
            rooms = list(Room.objects.order_by("name")[:5])
            group = Subgroup.objects.create(name="Браузер-группа", school_class=school_class)
            group.students.add(student)
            monday = monday_of(local_today(school))
            made = []
            for weekday in range(5):
                for bell in range(1, 7):
                    made.append(lesson_make(
                        school, monday + timedelta(days=weekday), bell,
                        subject=subjects[(weekday * 3 + bell) % len(subjects)],
                        classes=[school_class], teachers=[teachers[bell % 3]], room=rooms[bell % 5],
                        subgroup=group if bell == 6 else None,
                        status=Lesson.Status.CANCELLED if (weekday, bell) == (1, 2) else Lesson.Status.SCHEDULED,
                        changed_at=timezone.now() if (weekday, bell) == (2, 3) else None))
        # Playwright's sync API runs fixtures in a greenlet with a connection of its own,
        # which nothing else would close before the test database is dropped.
        connection.close()
    try:
        yield made
    finally:
        with django_db_blocker.unblock():
            with schema_context(school.schema_name):
                Lesson.objects.filter(pk__in=[lesson.pk for lesson in made]).delete()
                group.delete()
            connection.close()


def test_student_week_on_a_phone_has_no_sideways_scroll(browser, live_url, week_lessons):
    context = browser.new_context(locale="ru-RU", viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(f"http://school1.{live_url}/timetable/")
    page.get_by_label("E-mail или телефон").fill("student@school1.parta.test")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"http://school1.{live_url}/timetable/")
    assert page.get_by_test_id("lesson").count() >= len(week_lessons)  # the demo may add its own
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, "the week scrolls sideways on a phone"
    boxes = page.get_by_test_id("day").evaluate_all("els => els.map(e => e.getBoundingClientRect().left)")
    assert len(set(round(x) for x in boxes)) == 1, "days stack vertically on a phone"
    shot(page, "timetable-student-phone")
    context.close()


def test_student_week_on_a_desktop(page, live_url, week_lessons):
    page.goto(f"http://school1.{live_url}/timetable/")
    page.get_by_label("E-mail или телефон").fill("student@school1.parta.test")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"http://school1.{live_url}/timetable/")
    assert page.get_by_test_id("cancelled").count() >= 1
    shot(page, "timetable-student-desktop")
