"""The foundation's journeys, in Chromium, as a person clicks them."""

from __future__ import annotations

from tests.browser.conftest import SCREENSHOTS, shot

PASSWORD = "parta-demo-2026"


def _sign_in(page, url: str, login: str) -> None:
    page.goto(url)
    page.get_by_label("E-mail или телефон").fill(login)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()


def test_demo_teacher_signs_in_on_school1_and_sees_home(page, live_url):
    _sign_in(page, f"http://school1.{live_url}/", "teacher@school1.parta.test")
    page.wait_for_url(f"http://school1.{live_url}/")
    assert page.get_by_test_id("school-name").inner_text() == "МБОУ СОШ № 1"
    assert "Мария Петровна" in page.get_by_test_id("greeting").inner_text()
    assert page.get_by_role("navigation").get_by_role("link", name="Журнал").is_visible()
    shot(page, "teacher-home")


def test_multi_school_account_signs_in_once_and_switches_schools(page, live_url):
    _sign_in(page, f"http://{live_url}/accounts/login/", "multi@parta.test")
    page.wait_for_url(f"http://{live_url}/")
    shot(page, "multi-portal")
    page.get_by_test_id("my-schools").get_by_role("link", name="МБОУ СОШ № 1").click()
    page.wait_for_url(f"http://school1.{live_url}/")
    assert page.get_by_role("navigation").get_by_role("link", name="Журнал").is_visible()  # a teacher here
    shot(page, "multi-school1")

    switcher = page.get_by_test_id("school-switcher")
    switcher.locator("summary").click()
    switcher.get_by_role("link", name="Лицей № 2").click()
    page.wait_for_url(f"http://school2.{live_url}/")
    assert page.get_by_test_id("school-name").inner_text() == "Лицей № 2"
    assert page.get_by_role("navigation").get_by_role("link", name="Дневник").is_visible()  # a parent here
    assert "Орлов" in page.get_by_test_id("children").inner_text()
    shot(page, "multi-school2")

    page.get_by_test_id("school-switcher").locator("summary").click()
    page.get_by_test_id("school-switcher").get_by_role("link", name="МБОУ СОШ № 1").click()
    page.wait_for_url(f"http://school1.{live_url}/")  # still signed in: no login page


def _nav_fits(page, width: int) -> None:
    """Every section of the main menu is on screen: the menu wraps, nothing hides past the edge."""
    boxes = page.get_by_role("navigation", name="Главное меню").get_by_role("link").evaluate_all(
        "links => links.map(a => { const r = a.getBoundingClientRect();"
        " return [a.textContent.trim(), r.left, r.right]; })")
    assert len(boxes) >= 4
    for label, left, right in boxes:
        assert left >= 0 and right <= width + 0.5, f"«{label}» is cut off ({left:.0f}–{right:.0f} of {width})"
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, "the page scrolls sideways"


def test_phone_layout_keeps_navigation_usable(browser, live_url):
    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    _sign_in(page, f"http://school1.{live_url}/", "parent@school1.parta.test")
    page.wait_for_url(f"http://school1.{live_url}/")
    assert page.get_by_role("navigation").get_by_role("link", name="Дневник").is_visible()
    _nav_fits(page, 390)
    shot(page, "parent-phone")
    context.close()


def test_phone_student_homework_is_short_with_the_whole_menu_on_screen(browser, live_url):
    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    base = f"http://school1.{live_url}"
    _sign_in(page, f"{base}/homework/", "student@school1.parta.test")
    page.wait_for_url(f"{base}/homework/")
    _nav_fits(page, 390)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "student-phone-homework-top.png"))  # the first screen
    done = page.get_by_test_id("hw-done")
    assert done.locator(".hw-card").count() <= 20
    if done.get_by_test_id("pager").count():
        done.get_by_test_id("pager").get_by_role("link").last.click()
        page.wait_for_url("**page=2#hw-done")
        assert 0 < done.locator(".hw-card").count() <= 20
        page.go_back()
    shot(page, "student-phone-homework")
    context.close()


def test_teacher_planning_tabs_and_lesson_checkboxes_line_up(page, live_url, django_db_blocker):
    from django_tenants.utils import schema_context

    from accounts.models import Account
    from core.models import Person
    from tests.conftest import run_committed
    from timetable.models import Lesson

    def a_lesson() -> int:
        with schema_context("school_school1"):
            teacher = Person.objects.get(account_id=Account.objects.get(email="teacher@school1.parta.test").pk)
            return Lesson.objects.filter(teachers=teacher).order_by("date", "bell_number").values_list(
                "pk", flat=True).last()

    base = f"http://school1.{live_url}"
    _sign_in(page, f"{base}/planning/", "teacher@school1.parta.test")
    page.wait_for_url(f"{base}/planning/")
    assert page.locator('link[rel="icon"]').get_attribute("href").endswith(".svg")

    # The planning sections are a row of tabs (not stacked bars), the current one marked.
    tabs = page.get_by_test_id("planning-tabs").get_by_role("link")
    assert tabs.count() == 3
    tops = {round(box["y"]) for box in (tabs.nth(i).bounding_box() for i in range(3))}
    assert len(tops) == 1, f"the tabs are stacked: {tops}"
    assert tabs.first.get_attribute("aria-current") == "page"
    assert tabs.nth(1).get_attribute("aria-current") is None
    shot(page, "teacher-planning-tabs")

    # On the lesson page each checkbox sits on the first line of its label.
    page.goto(f"{base}/journal/lessons/{run_committed(django_db_blocker, a_lesson)}/")
    for name in ("work-important", "work-several"):
        box = page.locator(f"#{name}").bounding_box()
        label = page.locator(f'label[for="{name}"]').bounding_box()
        assert label["x"] >= box["x"] + box["width"], f"{name}: the label is not beside its checkbox"
        assert box["y"] < label["y"] + 24 and label["y"] < box["y"] + box["height"], f"{name}: not on one line"
    page.get_by_test_id("add-work").scroll_into_view_if_needed()
    shot(page, "teacher-lesson-checkboxes")

    # The browser's own request for /favicon.ico lands on the icon.
    ok, url, kind = page.evaluate(
        "fetch('/favicon.ico').then(r => [r.ok, r.url, r.headers.get('content-type')])")
    assert ok and url == f"{base}/static/favicon.svg" and kind.startswith("image/svg+xml")
