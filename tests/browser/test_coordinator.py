"""The coordinator's journeys in Chromium: sign in on the portal, open the dashboard,
issue a batch of codes, find them in the list, open the printable sheet — on a desktop
and on a phone; and a school sending a connection request with the dependent select."""

from __future__ import annotations

import random
import re

from provisioning.forms import inn_is_valid
from tests.browser.conftest import shot

PASSWORD = "parta-demo-2026"


def _sign_in(page, live_url: str) -> None:
    page.goto(f"http://{live_url}/accounts/login/")
    page.get_by_label("E-mail или телефон").fill("coordinator@parta.test")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"http://{live_url}/")


WIDEST = """() => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.table-wrap'))
    .map(el => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}px`).slice(0, 5)"""


def _no_sideways_scroll(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width + 1, f"{page.url} scrolls sideways on a phone ({scroll}px): {page.evaluate(WIDEST)}"


def test_coordinator_issues_a_batch_and_prints_it(page, live_url):
    _sign_in(page, live_url)
    shot(page, "coordinator-portal-home")
    page.get_by_role("link", name="Панель координатора").click()
    page.wait_for_url(f"http://{live_url}/coordinator/")
    schools = page.get_by_test_id("dashboard-schools")
    assert "МБОУ СОШ № 1" in schools.inner_text()
    assert "Лицей № 2" in schools.inner_text()
    assert page.get_by_test_id("funnel").is_visible()
    shot(page, "coordinator-dashboard")

    page.get_by_role("navigation", name="Координатор").get_by_role("link", name="Коды активации").click()
    page.wait_for_url(f"http://{live_url}/coordinator/codes/")
    page.get_by_role("link", name="Выпустить коды").click()
    page.get_by_label("Муниципалитет").select_option(label="городской округ «Город Обнинск»")
    page.get_by_label("Сколько кодов").fill("3")
    shot(page, "coordinator-issue-form")
    page.get_by_role("button", name="Выпустить", exact=True).click()
    page.wait_for_url(re.compile(r".*/coordinator/codes/\?batch=[0-9a-f-]{36}$"))
    assert "Выпущено 3 кода активации." in page.get_by_role("status").inner_text()
    rows = page.get_by_test_id("codes").locator("tbody tr")
    assert rows.count() == 3
    issued = [rows.nth(i).locator(".code").inner_text() for i in range(3)]
    assert all(re.fullmatch(r"[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){4}", code) for code in issued), issued
    assert "городской округ «Город Обнинск»" in rows.first.inner_text()
    shot(page, "coordinator-codes-batch")

    page.get_by_test_id("print-link").click()
    page.wait_for_url(re.compile(r".*/coordinator/codes/print/\?batch=.*"))
    cards = page.get_by_test_id("code-sheet").locator("article")
    assert cards.count() == 3
    assert {cards.nth(i).locator(".code").inner_text() for i in range(3)} == set(issued)
    assert "/activate/" in cards.first.inner_text()
    shot(page, "coordinator-print-sheet")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()  # the print CSS hides the chrome
    shot(page, "coordinator-print-sheet-as-printed")


def test_coordinator_pages_fit_a_phone(browser, live_url):
    context = browser.new_context(locale="ru-RU", viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    _sign_in(page, live_url)
    for path, name in [("/coordinator/", "dashboard"), ("/coordinator/codes/", "codes"),
                       ("/coordinator/requests/?status=all", "requests"), ("/coordinator/codes/issue/", "issue"),
                       ("/coordinator/audit/", "audit")]:
        page.goto(f"http://{live_url}{path}")
        _no_sideways_scroll(page, 375)
        shot(page, f"coordinator-phone-{name}")
    page.goto(f"http://{live_url}/coordinator/codes/print/?state=active")
    _no_sideways_scroll(page, 375)
    shot(page, "coordinator-phone-print")
    context.close()


def test_a_school_sends_a_request_and_the_coordinator_approves_it(page, live_url):
    from django.core import mail

    # Fresh names each run: the journey's rows stay in the database (--reuse-db).
    number = random.randrange(100, 1000)
    short_name = f"МКОУ ООШ № {number}"
    prefix = f"4025{random.randrange(10**5):05d}"
    inn = next(prefix + str(d) for d in range(10) if inn_is_valid(prefix + str(d)))
    wrong = inn[:9] + str((int(inn[9]) + 1) % 10)

    page.goto(f"http://{live_url}/connect/")
    page.get_by_label("Полное наименование школы").fill(
        "Муниципальное казённое общеобразовательное учреждение «Основная школа № 12»"
    )
    page.get_by_label("Краткое название").fill(short_name)
    page.get_by_label("Регион").select_option(label="Калужская область")
    # htmx swaps in the region's municipalities.
    municipality = page.get_by_label("Муниципалитет")
    municipality.locator("option", has_text="Город Обнинск").wait_for(state="attached")
    municipality.select_option(label="городской округ «Город Обнинск»")
    page.get_by_label("Адрес").fill("249030, г. Обнинск, ул. Школьная, д. 12")
    page.get_by_label("ИНН").fill(wrong)
    page.get_by_label("ОГРН").fill("1024000012000")
    page.get_by_label("Контактное лицо").fill("Лебедева Ольга Николаевна, директор")
    page.get_by_label("E-mail").fill("oosh12@obninsk.example")
    page.get_by_label("Телефон").fill("8 912 000-12-12")
    page.get_by_role("button", name="Отправить заявку").click()
    # The ИНН above has a wrong check digit: the form says so and keeps what was typed.
    assert "контрольная цифра" in page.get_by_role("alert").first.inner_text()
    assert page.get_by_label("Краткое название").input_value() == short_name
    shot(page, "connect-form-error")
    page.get_by_label("ИНН").fill(inn)
    page.get_by_label("ОГРН").fill("1024000012002")
    page.get_by_label("Я согласен", exact=False).check()
    page.get_by_role("button", name="Отправить заявку").click()
    page.wait_for_url(f"http://{live_url}/connect/sent/")
    assert "Заявка отправлена" in page.get_by_role("heading", level=1).inner_text()
    shot(page, "connect-sent")

    # The coordinator finds it in the queue and approves it with a code.
    _sign_in(page, live_url)
    page.get_by_role("link", name="Заявки на подключение").first.click()
    page.get_by_test_id("requests").get_by_role("link", name=short_name).click()
    assert "новая" in page.get_by_test_id("request-status").inner_text()
    shot(page, "coordinator-request-detail")
    sent_before = len(mail.outbox)
    page.get_by_role("button", name="Одобрить заявку").click()
    page.wait_for_url(re.compile(r".*/coordinator/requests/\d+/$"))
    assert "одобрена" in page.get_by_test_id("request-status").inner_text()
    code = page.get_by_test_id("request-codes").locator(".code").first.inner_text()
    assert f"код {code} отправлен на oosh12@obninsk.example" in page.get_by_role("status").inner_text()
    shot(page, "coordinator-request-approved")
    letters = [m for m in mail.outbox[sent_before:] if m.to == ["oosh12@obninsk.example"]]
    assert len(letters) == 1
    assert code in letters[0].body
