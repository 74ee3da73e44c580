"""Homework in Chromium: the demo student opens homework that must be handed in, writes an
answer, attaches a file and hands it in; the teacher who gave it accepts it in the class
table with a «5»; the student then sees it accepted, with the mark."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accounts.models import Account
from core.models import Enrollment, Person
from gradebook.models import Homework, HomeworkStudent
from gradebook.services.homework import homework_create
from tenants.models import School
from tests.browser.conftest import shot
from tests.conftest import run_committed
from tests.timetable.week_factory import local_today
from timetable.models import Subject, TeachingAssignment

PASSWORD = "parta-demo-2026"


@pytest.fixture
def homework_case(django_db_blocker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the live server thread shares these settings

    def setup():
        school = School.objects.get(slug="school1")
        with schema_context(school.schema_name):
            teacher = Person.objects.get(account_id=Account.objects.get(email="teacher@school1.parta.test").pk)
            student = Person.objects.get(account_id=Account.objects.get(email="student@school1.parta.test").pk)
            school_class = Enrollment.objects.get(student=student).school_class
            subject = (Subject.objects.filter(assignments__teacher=teacher, assignments__school_class=school_class)
                       .order_by("name").first())
            created = None
            if subject is None:
                subject = Subject.objects.order_by("name").first()
                created = TeachingAssignment.objects.create(teacher=teacher, subject=subject,
                                                            school_class=school_class).pk
            homework = homework_create(teacher, subject=subject, school_class=school_class,
                                       text="Браузерное задание: решить задачу про два поезда",
                                       due_date=local_today(school) + timedelta(days=1), needs_submission=True,
                                       students=[student])
            item = HomeworkStudent.objects.get(homework=homework, student=student)
            return {"homework": homework.pk, "item": item.pk, "assignment": created}

    case = run_committed(django_db_blocker, setup)
    yield case

    def teardown():
        school = School.objects.get(slug="school1")
        with schema_context(school.schema_name):
            homework = Homework.objects.filter(pk=case["homework"]).first()
            if homework is not None:
                if homework.work is not None:
                    homework.work.delete()
                homework.delete()
            TeachingAssignment.objects.filter(pk=case["assignment"]).delete()

    run_committed(django_db_blocker, teardown)


def _sign_in(page, base: str, email: str, next_path: str) -> None:
    page.goto(f"{base}{next_path}")
    page.get_by_label("E-mail или телефон").fill(email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"{base}{next_path}")


def test_student_hands_in_and_the_teacher_accepts_with_a_mark(browser, page, live_url, homework_case):
    base = f"http://school1.{live_url}"
    item = homework_case["item"]
    item_path = f"/homework/item/{item}/"

    # The student finds it among «not done» and opens it.
    _sign_in(page, base, "student@school1.parta.test", "/homework/")
    page.get_by_test_id("hw-not-done").get_by_test_id(f"hw-item-{item}").get_by_role("link").click()
    page.wait_for_url(f"{base}{item_path}")
    assert "два поезда" in page.get_by_test_id("hw-task").inner_text()
    page.locator("#id_text").fill("Ответ: поезда встретятся через 2 часа.")
    page.locator("#id_files").set_input_files(
        files=[{"name": "решение.txt", "mimeType": "text/plain", "buffer": "v = 60 + 40 = 100 км/ч\n".encode()}])
    shot(page, "homework-1-student-answer")
    page.get_by_test_id("hw-submit").click()
    page.wait_for_url(f"{base}{item_path}")
    assert "hw-status-submitted" in page.get_by_test_id(f"hw-status-{item}").get_attribute("class")
    assert "решение.txt" in page.content()

    # The teacher who gave it opens the class table and accepts it with a «5».
    teacher_context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 800})
    teacher = teacher_context.new_page()
    teacher.set_default_timeout(15000)
    try:
        _sign_in(teacher, base, "teacher@school1.parta.test", f"/homework/{homework_case['homework']}/")
        row = teacher.get_by_test_id(f"hw-table-item-{item}")
        assert "Ответ: поезда встретятся" in row.inner_text()

        def count(status: str):
            return teacher.get_by_test_id(f"hw-count-{status}").locator(".stat-value")

        expect(count("submitted")).to_have_text("1")
        expect(count("accepted")).to_have_text("0")
        row.locator(f"#raw-{item}").fill("5")
        row.get_by_test_id(f"hw-accept-{item}").locator("button[type=submit]").click()
        teacher.get_by_test_id(f"hw-mark-{item}").wait_for()
        assert teacher.get_by_test_id(f"hw-mark-{item}").inner_text() == "5"
        # The counters above the table follow the row (htmx swaps them out of band).
        expect(count("submitted")).to_have_text("0")
        expect(count("accepted")).to_have_text("1")
        assert teacher.locator("#hw-status-counts").count() == 1
        assert "hw-status-accepted" in teacher.get_by_test_id(f"hw-status-{item}").get_attribute("class")
        shot(teacher, "homework-2-teacher-accepted")
    finally:
        teacher_context.close()

    # The student sees it accepted, with the mark.
    page.goto(f"{base}{item_path}")
    assert "hw-status-accepted" in page.get_by_test_id(f"hw-status-{item}").get_attribute("class")
    assert page.get_by_test_id(f"hw-mark-{item}").inner_text() == "5"
    page.goto(f"{base}/homework/")
    assert page.get_by_test_id("hw-done").get_by_test_id(f"hw-item-{item}").is_visible()
    shot(page, "homework-3-student-sees-mark")
