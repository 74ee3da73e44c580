"""The journal in Chromium: the teacher of 5А opens today's lesson, types marks with the
keyboard (Tab and Enter move on, each cell saves itself), then the parent opens the diary
and sees the new mark, and a notification in the header."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accounts.models import Account, Notification
from core.models import Enrollment, Person
from gradebook.models import Attendance, JournalChange, Mark, PeriodMark, Work
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


@pytest.fixture
def grid_case(django_db_blocker):
    """Two of today's extra lessons of 5А (bells 8 and 9, a subject of their own) taught
    by teacher@: a grid with two empty writable columns."""
    def setup():
        school = School.objects.get(slug="school1")
        with schema_context(school.schema_name):
            teacher = Person.objects.get(account_id=Account.objects.get(email="teacher@school1.parta.test").pk)
            student = Person.objects.get(account_id=Account.objects.get(email="student@school1.parta.test").pk)
            c5a = Enrollment.objects.get(student=student).school_class
            subject = Subject.objects.create(name=SUBJECT + " (сетка)")
            today = local_today(school)
            first = lesson_make(school, today, 8, subject=subject, classes=[c5a], teachers=[teacher])
            second = lesson_make(school, today, 9, subject=subject, classes=[c5a], teachers=[teacher])
            return {"lessons": [first.pk, second.pk], "class": c5a.pk, "subject": subject.pk}

    case = run_committed(django_db_blocker, setup)
    yield case

    def teardown():
        school = School.objects.get(slug="school1")
        with schema_context(school.schema_name):
            Attendance.objects.filter(lesson_id__in=case["lessons"]).delete()
            Work.objects.filter(lesson_id__in=case["lessons"]).delete()
            PeriodMark.objects.filter(subject_id=case["subject"]).delete()
            Lesson.objects.filter(pk__in=case["lessons"]).delete()
            Subject.objects.filter(pk=case["subject"]).delete()
        Notification.objects.filter(school=school, body__contains=SUBJECT).delete()

    run_committed(django_db_blocker, teardown)


def test_teacher_types_marks_into_the_grid_with_the_keyboard(page, live_url, grid_case, django_db_blocker):
    """Focus a grid cell, type a mark, Enter: it is saved and the cursor goes down; Tab
    goes right; the arrows move; an attendance code typed in a cell marks an absence."""
    base = f"http://school1.{live_url}"
    case = grid_case
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _sign_in(page, base, "teacher@school1.parta.test", f"/journal/{case['class']}/{case['subject']}/")
    grid = page.get_by_test_id("journal-grid")
    rows = grid.locator("tbody tr")
    students = [rows.nth(i).get_attribute("data-s") for i in range(3)]

    def cell(row: int, col: int):
        return rows.nth(row).locator("td").nth(col)

    def active() -> tuple[int, int]:
        return tuple(page.evaluate(
            "[document.activeElement.parentElement.sectionRowIndex, document.activeElement.cellIndex - 1]"))

    # Into the grid by the keyboard: past the lessons' dates, the first writable cell is
    # the grid's one tab stop.
    grid.locator("thead a").last.focus()
    page.keyboard.press("Tab")
    assert active() == (0, 0)

    with page.expect_response(lambda r: r.url.endswith("/journal/cell/")) as saved:
        page.keyboard.press("5")
        page.keyboard.press("Enter")
    assert saved.value.ok
    assert active() == (1, 0)  # down to the next student
    expect(cell(0, 0)).to_have_text("5")

    with page.expect_response(lambda r: r.url.endswith("/journal/cell/")) as saved:
        page.keyboard.press("4")
        page.keyboard.press("Tab")
    assert saved.value.ok
    assert active() == (1, 1)  # right, to the next lesson
    expect(cell(1, 0)).to_have_text("4")

    # The arrows move without opening an editor; Escape drops a half-typed mark.
    page.keyboard.press("ArrowDown")
    assert active() == (2, 1)
    page.keyboard.press("ArrowLeft")
    assert active() == (2, 0)
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert active() == (0, 0)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("3")
    page.keyboard.press("Escape")
    assert active() == (0, 1)
    assert page.locator(".jr-editor").count() == 0

    # An attendance code typed into a cell marks the absence at that lesson.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    # Playwright's keyboard knows the US layout only: the Russian key goes through CDP,
    # as Chromium gets it from a Russian keyboard (the key ЙЦУКЕН puts on Y).
    cdp = page.context.new_cdp_session(page)
    with page.expect_response(lambda r: r.url.endswith("/journal/cell/")) as saved:
        for kind in ("keyDown", "keyUp"):
            cdp.send("Input.dispatchKeyEvent", {"type": kind, "key": "н", "code": "KeyY", "text": "н",
                                                "windowsVirtualKeyCode": 89})
        page.keyboard.press("Enter")
    assert saved.value.ok
    cell(2, 1).locator("b.jr-a").wait_for()
    shot(page, "journal-4-grid-keyboard")
    assert errors == []

    page.reload()
    assert cell(0, 0).inner_text().strip() == "5"
    assert cell(1, 0).inner_text().strip() == "4"
    assert cell(2, 1).locator("b.jr-a").inner_text().strip() == "н"

    def read():
        with schema_context("school_school1"):
            marks = dict(Mark.objects.filter(work__lesson_id__in=case["lessons"])
                         .values_list("student_id", "raw"))
            absent = list(Attendance.objects.filter(lesson_id=case["lessons"][1]).values_list("student_id", flat=True))
            return marks, absent

    marks, absent = run_committed(django_db_blocker, read)
    assert marks == {int(students[0]): "5", int(students[1]): "4"}
    assert absent == [int(students[2])]
