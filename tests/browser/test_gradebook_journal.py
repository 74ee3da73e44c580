"""The journal in Chromium: the teacher of 5А opens today's lesson, types marks with the
keyboard (Tab and Enter move on, each cell saves itself), then the parent opens the diary
and sees the new mark, and a notification in the header."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from accounts.models import Account, Notification
from core.models import Enrollment, Person
from gradebook.models import JournalChange, Mark, PeriodMark, Work
from tenants.models import School
from tests.browser.conftest import shot
from tests.conftest import run_committed
from tests.gradebook.factories import lesson_make, local_today
from timetable.models import Lesson, Subject

PASSWORD = "parta-demo-2026"
SUBJECT = "Журналоведение"


@pytest.fixture
def lesson_case(django_db_blocker):
    """Today's extra lesson of 5А (bell 8, a subject of its own) taught by teacher@."""
    def setup():
        school = School.objects.get(slug="school1")
        with schema_context(school.schema_name):
            teacher = Person.objects.get(account_id=Account.objects.get(email="teacher@school1.parta.test").pk)
            student = Person.objects.get(account_id=Account.objects.get(email="student@school1.parta.test").pk)
            c5a = Enrollment.objects.get(student=student).school_class
            classmate = (Enrollment.objects.filter(school_class=c5a).exclude(student=student)
                         .order_by("student__last_name", "student_id").first().student)
            subject = Subject.objects.create(name=SUBJECT)
            lesson = lesson_make(school, local_today(school), 8, subject=subject, classes=[c5a], teachers=[teacher])
            return {"lesson": lesson.pk, "student": student.pk, "classmate": classmate.pk, "class": c5a.pk,
                    "subject": subject.pk}

    case = run_committed(django_db_blocker, setup)
    yield case

    def teardown():
        school = School.objects.get(slug="school1")
        with schema_context(school.schema_name):
            Work.objects.filter(lesson_id=case["lesson"]).delete()
            PeriodMark.objects.filter(subject_id=case["subject"]).delete()
            Lesson.objects.filter(pk=case["lesson"]).delete()
            Subject.objects.filter(pk=case["subject"]).delete()
        Notification.objects.filter(school=school, body__contains=SUBJECT).delete()

    run_committed(django_db_blocker, teardown)


def _sign_in(page, base: str, email: str, next_path: str) -> None:
    page.goto(f"{base}{next_path}")
    page.get_by_label("E-mail или телефон").fill(email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"{base}{next_path}")


def _marks(django_db_blocker, case) -> dict[int, str]:
    def read():
        with schema_context("school_school1"):
            return dict(Mark.objects.filter(work__lesson_id=case["lesson"]).values_list("student_id", "raw"))

    return run_committed(django_db_blocker, read)


def test_teacher_fills_a_lesson_with_the_keyboard_and_the_parent_sees_it(browser, page, live_url, lesson_case,
                                                                         django_db_blocker):
    base = f"http://school1.{live_url}"
    case = lesson_case
    _sign_in(page, base, "teacher@school1.parta.test", f"/journal/lessons/{case['lesson']}/")
    key = f"d{case['class']}"
    mine = page.locator(f"#m-{case['student']}-{key}")
    mine.focus()
    page.keyboard.type("5")
    page.keyboard.press("Enter")  # saves, and goes down the column to the next student
    page.locator(f"#st-{case['student']}-{key}").get_by_text("✓").wait_for()
    focused = page.evaluate("document.activeElement.id")
    assert focused.endswith(f"-{key}") and focused != f"m-{case['student']}-{key}"
    classmate = page.locator(f"#m-{case['classmate']}-{key}")
    classmate.focus()
    page.keyboard.type("4")
    page.keyboard.press("Tab")  # leaving the cell saves it too
    page.locator(f"#st-{case['classmate']}-{key}").get_by_text("✓").wait_for()
    shot(page, "journal-1-lesson-filled")
    assert _marks(django_db_blocker, case) == {case["student"]: "5", case["classmate"]: "4"}

    # A typo is refused next to its cell, and nothing changes.
    mine.fill("7")
    mine.press("Tab")
    page.locator(f"#st-{case['student']}-{key}.jr-error").wait_for()
    assert _marks(django_db_blocker, case)[case["student"]] == "5"

    # The grid shows the marks and the running average.
    page.goto(f"{base}/journal/{case['class']}/{case['subject']}/")
    grid = page.get_by_test_id("journal-grid")
    row = grid.locator(f"tr[data-s='{case['student']}']")
    assert "5" in row.inner_text()
    shot(page, "journal-2-grid")

    def history_rows() -> int:
        def read():
            with schema_context("school_school1"):
                return JournalChange.objects.filter(lesson_id=case["lesson"]).count()
        return run_committed(django_db_blocker, read)

    assert history_rows() == 2

    parent = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 800})
    ppage = parent.new_page()
    ppage.set_default_timeout(15000)
    _sign_in(ppage, base, "parent@school1.parta.test", "/diary/")
    assert SUBJECT in ppage.content()
    assert ppage.get_by_text("5", exact=True).count() >= 1
    bell = ppage.get_by_test_id("notifications-link")
    assert bell.inner_text().strip().endswith(tuple("123456789"))
    shot(ppage, "journal-3-parent-diary")
    parent.close()
