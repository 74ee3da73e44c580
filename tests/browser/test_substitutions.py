"""A substitution in Chromium: the deputy records a teacher's absence, applies the
suggested substitute in one click, and the demo student of 5А sees the change highlighted
in their week and a notification in the header."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tenants.utils import schema_context

from accounts.models import Account, Notification
from core.models import Enrollment, Person
from tenants.models import School
from tests.browser.conftest import shot
from tests.conftest import run_committed
from tests.timetable.week_factory import local_today, monday_of
from timetable.models import Lesson, Subject, TeacherAbsence, TeachingAssignment
from timetable.services.substitutions import lesson_times

PASSWORD = "parta-demo-2026"


@pytest.fixture
def absence_case(django_db_blocker):
    """A 5А lesson on Wednesday of this week, its teacher and a qualified free colleague
    (both new, so nothing else is scheduled for them); removed afterwards."""
    def setup():
        school = School.objects.get(slug="school1")
        with schema_context(school.schema_name):
            student = Person.objects.get(account_id=Account.objects.get(email="student@school1.parta.test").pk)
            c5a = Enrollment.objects.get(student=student).school_class
            subject = Subject.objects.create(name="Браузероведение")
            ill = Person.objects.create(last_name="Хворова", first_name="Анна", roles=["teacher"])
            helper = Person.objects.create(last_name="Подменова", first_name="Вера", roles=["teacher"])
            TeachingAssignment.objects.create(teacher=helper, subject=subject, school_class=c5a)
            day = monday_of(local_today(school)) + timedelta(days=2)
            starts_at, ends_at = lesson_times(day, 7)
            lesson = Lesson.objects.create(date=day, bell_number=7, starts_at=starts_at, ends_at=ends_at,
                                           subject=subject)
            lesson.classes.set([c5a])
            lesson.teachers.set([ill])
            return {"day": day, "lesson": lesson.pk, "ill": ill.pk, "helper": helper.pk, "subject": subject.pk,
                    "class": c5a.pk}

    case = run_committed(django_db_blocker, setup)
    yield case

    def teardown():
        school = School.objects.get(slug="school1")
        with schema_context(school.schema_name):
            Lesson.objects.filter(pk=case["lesson"]).delete()
            TeacherAbsence.objects.filter(teacher_id=case["ill"]).delete()
            Person.objects.filter(pk__in=[case["ill"], case["helper"]]).delete()
            Subject.objects.filter(pk=case["subject"]).delete()
        Notification.objects.filter(school=school, url=f"/timetable/?week={case['day']}").delete()

    run_committed(django_db_blocker, teardown)


def _sign_in(page, base: str, email: str, next_path: str) -> None:
    page.goto(f"{base}{next_path}")
    page.get_by_label("E-mail или телефон").fill(email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"{base}{next_path}")


def test_deputy_covers_an_absence_and_the_student_sees_it(browser, page, live_url, absence_case):
    base = f"http://school1.{live_url}"
    case = absence_case
    _sign_in(page, base, "deputy@school1.parta.test", "/timetable/absences/new/")
    page.locator("#id_teacher").select_option(str(case["ill"]))
    page.locator("#id_starts_on").fill(case["day"].isoformat())
    page.locator("#id_ends_on").fill(case["day"].isoformat())
    page.locator("#id_reason").fill("Больничный")
    shot(page, "substitutions-1-absence-form")
    page.get_by_test_id("absence-form").locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/timetable/absences/*/")

    choice = page.locator(f"#choice-{case['lesson']}")
    assert choice.input_value() == str(case["helper"])  # the suggestion is preselected
    shot(page, "substitutions-2-suggestions")
    page.get_by_test_id("apply-substitutions").click()
    page.get_by_test_id("absence-done").wait_for()
    assert page.get_by_test_id("absence-done").locator("tr.subs-kind-teacher").count() == 1
    shot(page, "substitutions-3-applied")
    page.goto(f"{base}/timetable/changes/")
    assert page.get_by_test_id("changes-table").locator("tr.subs-kind-teacher").count() >= 1
    shot(page, "substitutions-4-changes")
    page.goto(f"{base}/timetable/changes/?school_class={case['class']}&date={case['day']}")
    page.get_by_test_id(f"lesson-{case['lesson']}").locator("details summary").nth(2).click()  # «move»
    shot(page, "substitutions-4b-lesson-actions")
    page.goto(f"{base}/timetable/changes/report/?starts_on={case['day']}&ends_on={case['day']}")
    assert page.get_by_test_id("covered-total").inner_text() == "1"
    shot(page, "substitutions-4c-report")

    student = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 800})
    spage = student.new_page()
    spage.set_default_timeout(15000)
    _sign_in(spage, base, "student@school1.parta.test", f"/timetable/?week={case['day']}")
    lesson = spage.locator(f"[data-lesson-id='{case['lesson']}']")
    assert "changed" in (lesson.get_attribute("class") or "")
    assert "Подменова" in lesson.inner_text()
    bell = spage.get_by_test_id("notifications-link")
    assert bell.inner_text().strip().endswith(tuple("123456789"))
    lesson.scroll_into_view_if_needed()
    shot(spage, "substitutions-5-student-week")
    bell.click()
    spage.wait_for_url(f"{base}/accounts/notifications/")
    assert spage.get_by_test_id("inbox").locator("li.subs-unread").count() >= 1
    shot(spage, "substitutions-6-student-inbox")
    student.close()
