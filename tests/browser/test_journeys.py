"""The foundation's journeys, in Chromium, as a person clicks them."""

from __future__ import annotations

from tests.browser.conftest import shot

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


def test_phone_layout_keeps_navigation_usable(browser, live_url):
    context = browser.new_context(locale="ru-RU", viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    _sign_in(page, f"http://school1.{live_url}/", "parent@school1.parta.test")
    page.wait_for_url(f"http://school1.{live_url}/")
    assert page.get_by_role("navigation").get_by_role("link", name="Дневник").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, "the page scrolls sideways on a phone"
    shot(page, "parent-phone")
    context.close()
