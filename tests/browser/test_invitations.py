"""The school's administrator imports a class with its parents, prints the invitation cards,
and a parent redeems their code on the portal and lands in the school seeing their child."""

from __future__ import annotations

from pathlib import Path

from django.db import connection
from django_tenants.utils import schema_context

from accounts.models import Invitation
from core.codes import code_hash, code_normalize
from core.models import Person
from tests.browser.conftest import SCREENSHOTS, shot
from tests.core.helpers import pdf_codes, pdf_page_count, xlsx_bytes

PASSWORD = "parta-demo-2026"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CLASS = "10Ю"  # no demo class has this name: the journey's own rows

STUDENTS = [
    ["Фамилия", "Имя", "Отчество", "Дата рождения", "Класс", "E-mail", "Телефон", "Внешний ID"],
    ["Браузерова", "Алина", "Олеговна", "12.03.2010", CLASS, "", "", "BR-S1"],
    ["Браузеров", "Глеб", "Олегович", "04.09.2010", CLASS, "", "", "BR-S2"],
    ["Кликова", "Дарья", "Ильинична", "30.11.2009", CLASS, "", "", "BR-S3"],
]
PARENTS = [
    ["Фамилия", "Имя", "Отчество", "Дата рождения", "Кем приходится", "E-mail", "Телефон", "Внешний ID",
     "ФИО ребёнка", "Дата рождения ребёнка", "Внешний ID ребёнка"],
    ["Браузерова", "Ольга", "Петровна", "", "мать", "", "", "BR-P1", "", "", "BR-S1"],
    ["Браузерова", "Ольга", "Петровна", "", "мать", "", "", "BR-P1", "", "", "BR-S2"],
    ["Кликов", "Илья", "Андреевич", "", "отец", "", "", "BR-P2", "Кликова Дарья Ильинична", "30.11.2009", ""],
]


def _sign_in(page, url: str, login: str) -> None:
    page.goto(url)
    page.get_by_label("E-mail или телефон").fill(login)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()


def _import(page, school_url: str, group_label: str, name: str, content: bytes, screenshot: str) -> None:
    page.goto(f"{school_url}people/import/")
    form = page.get_by_test_id("import-form")
    form.get_by_label(group_label).check()
    form.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": XLSX, "buffer": content}])
    form.get_by_role("button", name="Проверить файл").click()
    page.get_by_test_id("import-preview").wait_for()
    shot(page, f"{screenshot}-preview")
    page.get_by_role("button", name="Записать в школу").click()
    page.get_by_test_id("import-applied").wait_for()
    shot(page, f"{screenshot}-done")


def test_admin_imports_a_class_prints_codes_and_a_parent_joins(page, browser, live_url, django_db_blocker):
    school_url = f"http://school1.{live_url}/"
    _sign_in(page, school_url, "admin@school1.parta.test")
    page.wait_for_url(school_url)

    # 1. The administrator finds the people pages from the menu and imports the class.
    page.get_by_role("navigation").get_by_role("link", name="Люди").click()
    page.wait_for_url(f"{school_url}people/")
    shot(page, "invitations-people-list")
    _import(page, school_url, "Ученики", "10Ю.xlsx", xlsx_bytes(STUDENTS), "invitations-import-students")
    assert CLASS in page.get_by_test_id("import-applied").inner_text()
    _import(page, school_url, "Родители", "10Ю родители.xlsx", xlsx_bytes(PARENTS), "invitations-import-parents")

    # 2. ...then prints the class's invitation cards (the link the import page offers).
    page.get_by_test_id("import-applied").get_by_role("link", name=CLASS).click()
    page.get_by_test_id("class-invitations-form").wait_for()
    shot(page, "invitations-class")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Выпустить коды и скачать PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf_path = SCREENSHOTS / "invitations-10Ю.pdf"
    SCREENSHOTS.mkdir(exist_ok=True)
    download.save_as(pdf_path)
    pdf = Path(pdf_path).read_bytes()
    assert pdf.startswith(b"%PDF-")
    codes = pdf_codes(pdf)
    assert len(codes) == 5  # three students and two parents, one card each
    assert pdf_page_count(pdf) == 1

    # The parent's card: the code whose hash belongs to Ольга Браузерова's invitation.
    with django_db_blocker.unblock():
        try:
            with schema_context("school_school1"):
                mother = Person.objects.get(external_id="BR-P1")
            by_hash = {code_hash(code_normalize(c)): c for c in codes}
            invitation = Invitation.objects.get(code_hash__in=list(by_hash), person_id=mother.pk)
        finally:
            # Playwright's sync API runs this body in a greenlet with a connection of its own,
            # which nothing else would close before the test database is dropped.
            connection.close()
    assert invitation.role == "parent"
    code = by_hash[invitation.code_hash]

    # 3. The parent, on another device, opens the portal and redeems the code.
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 800})
    parent = context.new_page()
    parent.set_default_timeout(15000)
    try:
        parent.goto(f"http://{live_url}/")
        shot(parent, "invitations-portal-home")
        parent.get_by_test_id("invite-link").first.click()
        parent.wait_for_url(f"http://{live_url}/invite/")
        parent.get_by_label("Код приглашения").fill(code.lower().replace("-", " "))
        shot(parent, "invitations-portal-code")
        parent.get_by_role("button", name="Продолжить").click()
        parent.wait_for_url(f"http://{live_url}/invite/accept/")
        invited = parent.get_by_test_id("invited-person").inner_text()
        assert "Браузерова Ольга Петровна" in invited
        assert "родитель" in invited
        assert parent.get_by_label("Фамилия").input_value() == "Браузерова"  # prefilled from the school
        parent.get_by_label("E-mail или телефон").fill("olga.browser@example.ru")
        parent.get_by_label("Пароль", exact=True).fill("Школа-2026-пароль")
        parent.get_by_label("Пароль ещё раз").fill("Школа-2026-пароль")
        parent.get_by_test_id("consent").get_by_role("checkbox").check()
        shot(parent, "invitations-accept")
        parent.get_by_role("button", name="Создать учётную запись и войти").click()

        # 4. She lands on her school's subdomain, signed in, and sees her two children.
        parent.wait_for_url(school_url)
        children = parent.get_by_test_id("children").inner_text()
        assert "Алина Браузерова" in children
        assert "Глеб Браузеров" in children
        assert "Добро пожаловать!" in parent.content()
        shot(parent, "invitations-parent-home")
    finally:
        context.close()

    # The code is used up: the same code again gets the one answer for codes that do not work.
    again = browser.new_context(locale="ru-RU")
    try:
        other = again.new_page()
        other.goto(f"http://{live_url}/invite/")
        other.get_by_label("Код приглашения").fill(code)
        other.get_by_role("button", name="Продолжить").click()
        assert "Код не подходит" in other.content()
        shot(other, "invitations-used-code")
    finally:
        again.close()


def test_admin_reads_a_report_of_a_bad_file_then_adds_a_parent_and_shows_their_code(page, live_url):
    school_url = f"http://school1.{live_url}/"
    _sign_in(page, f"{school_url}people/import/", "admin@school1.parta.test")
    page.wait_for_url(f"{school_url}people/import/")
    shot(page, "invitations-import-start")
    bad = [STUDENTS[0], ["Ошибкин", "", "", "31.02.2012", "5А", "почта", "", ""], ["Верный", "Ян", "", "01.02.2012",
                                                                                   "55Я", "", "", ""]]
    form = page.get_by_test_id("import-form")
    form.get_by_label("Ученики").check()
    form.locator("input[type=file]").set_input_files(files=[{"name": "ошибки.xlsx", "mimeType": XLSX,
                                                              "buffer": xlsx_bytes(bad)}])
    form.get_by_role("button", name="Проверить файл").click()
    problems = page.get_by_test_id("problems").inner_text()
    assert "Заполните этот столбец." in problems
    assert "Параллели 55 не бывает." in problems
    assert page.get_by_role("button", name="Записать в школу").count() == 0
    shot(page, "invitations-import-problems")

    page.goto(f"{school_url}people/new/parents/")
    page.get_by_label("Фамилия").fill("Формова")
    page.get_by_label("Имя", exact=True).fill("Вера")
    page.get_by_label("Дети").select_option(index=0)
    page.get_by_label("Кем приходится детям").select_option("mother")
    page.get_by_label("Телефон").fill("8 912 765 43 21")
    shot(page, "invitations-person-new")
    page.get_by_role("button", name="Добавить").click()
    page.get_by_test_id("access").wait_for()
    shot(page, "invitations-person-edit")
    page.get_by_role("button", name="Выдать код и показать").click()
    code = page.get_by_test_id("code").inner_text()
    assert len(code) == 24
    shot(page, "invitations-person-code")
