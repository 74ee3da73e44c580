"""The whole way in, as the activation issue describes it: the coordinator issues a code →
the school activates itself on the portal → its first administrator lands in the setup
wizard on the new subdomain → imports a class from a file → prints the invitations →
a parent redeems a code and sees the child."""

from __future__ import annotations

import random
import re

from django.db import connection
from django_tenants.utils import schema_context

from accounts.models import Invitation
from core.codes import code_hash, code_normalize
from core.models import Person
from tests.browser.conftest import shot
from tests.browser.test_invitations import XLSX, _sign_in
from tests.core.helpers import pdf_codes, xlsx_bytes


def _new_page(browser):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(30000)
    return context, page


def test_from_a_coordinators_code_to_a_parent_in_the_new_school(page, browser, live_url, django_db_blocker):
    slug = f"journey{random.randint(1000, 9999)}"
    school_url = f"http://{slug}.{live_url}/"

    # 1. The coordinator issues one code for Kaluga.
    _sign_in(page, f"http://{live_url}/accounts/login/", "coordinator@parta.test")
    page.wait_for_url(f"http://{live_url}/")
    page.goto(f"http://{live_url}/coordinator/codes/issue/")
    page.get_by_label("Муниципалитет").select_option(label="городской округ «Город Калуга»")
    page.get_by_label("Сколько кодов").fill("1")
    page.get_by_role("button", name="Выпустить", exact=True).click()
    page.wait_for_url(re.compile(r".*/coordinator/codes/\?batch=.*"))
    code = page.get_by_test_id("codes").locator("tbody tr .code").first.inner_text()
    shot(page, "onboarding-1-code-issued")

    # 2. The school's future administrator activates it on the portal (another device).
    context, school = _new_page(browser)
    try:
        school.goto(f"http://{live_url}/")
        school.get_by_role("link", name="Активировать школу по коду координатора").click()
        school.get_by_label("Код активации").fill(code.lower())
        shot(school, "onboarding-2-code")
        school.get_by_role("button", name="Продолжить").click()
        school.get_by_label("Полное наименование школы").fill(
            "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 9» г. Калуги")
        school.get_by_label("Краткое название").fill("МБОУ СШ № 9")
        school.get_by_label("Адрес в Парте").fill(slug)
        school.get_by_label("Часовой пояс").select_option("Asia/Vladivostok")
        school.get_by_text(f"Адрес {slug} свободен").wait_for()  # checked while typing (htmx)
        shot(school, "onboarding-3-school")
        school.get_by_role("button", name="Продолжить").click()
        school.get_by_label("Фамилия").fill("Девятова")
        school.get_by_label("Имя", exact=True).fill("Инна")
        school.get_by_label("E-mail").fill(f"admin@{slug}.test")
        school.get_by_label("Пароль", exact=True).fill("Девятая-школа-2026")
        school.get_by_label("Пароль ещё раз").fill("Девятая-школа-2026")
        shot(school, "onboarding-4-administrator")
        school.get_by_role("button", name="Создать школу").click()

        # 3. The job makes the school; the administrator lands in the wizard on its subdomain.
        school.wait_for_url(f"{school_url}setup/school/")
        assert school.get_by_test_id("school-name").inner_text() == "МБОУ СШ № 9"
        assert "Настройка школы" in school.locator(".setup-chrome").inner_text()
        shot(school, "onboarding-5-wizard")
        school.get_by_label("Телефон").fill("+7 4842 00-00-09")
        school.get_by_role("button", name="Сохранить и перейти к следующему шагу").click()
        school.wait_for_url(f"{school_url}calendar/")
        shot(school, "onboarding-6-calendar")

        # 4. Classes, then a class imported from a spreadsheet.
        school.goto(f"{school_url}setup/classes/")
        school.get_by_label("Добавить классы").fill("1-4 А, 5А")
        school.get_by_role("button", name="Добавить").click()
        assert school.get_by_test_id("classes-grid").locator("tbody tr").count() == 5
        shot(school, "onboarding-7-classes")
        students = [["Фамилия", "Имя", "Отчество", "Дата рождения", "Класс", "E-mail", "Телефон", "Внешний ID"],
                    ["Девяткин", "Паша", "Игоревич", "01.02.2015", "5А", "", "", "J9-S1"],
                    ["Девяткина", "Оля", "Игоревна", "11.12.2014", "5А", "", "", "J9-S2"]]
        parents = [["Фамилия", "Имя", "Отчество", "Дата рождения", "Кем приходится", "E-mail", "Телефон",
                    "Внешний ID", "ФИО ребёнка", "Дата рождения ребёнка", "Внешний ID ребёнка"],
                   ["Девяткина", "Мария", "Сергеевна", "", "мать", "", "", "J9-P1", "", "", "J9-S1"]]
        for group, rows, name in (("Ученики", students, "5А.xlsx"), ("Родители", parents, "5А-родители.xlsx")):
            school.goto(f"{school_url}people/import/")
            form = school.get_by_test_id("import-form")
            form.get_by_label(group).check()
            form.locator("input[type=file]").set_input_files(
                files=[{"name": name, "mimeType": XLSX, "buffer": xlsx_bytes(rows)}])
            form.get_by_role("button", name="Проверить файл").click()
            school.get_by_test_id("import-preview").wait_for()
            school.get_by_role("button", name="Записать в школу").click()
            school.get_by_test_id("import-applied").wait_for()
        shot(school, "onboarding-8-imported")

        # 5. The class's invitation cards, as the PDF the school prints.
        school.get_by_test_id("import-applied").get_by_role("link", name="5А").click()
        school.get_by_test_id("class-invitations-form").wait_for()
        with school.expect_download() as download_info:
            school.get_by_role("button", name="Выпустить коды и скачать PDF").click()
        pdf = open(download_info.value.path(), "rb").read()  # noqa: SIM115
        codes = pdf_codes(pdf)
        assert len(codes) == 3  # two students and their mother
    finally:
        context.close()

    with django_db_blocker.unblock():
        try:
            with schema_context(f"school_{slug}"):
                mother = Person.objects.get(external_id="J9-P1")
            by_hash = {code_hash(code_normalize(c)): c for c in codes}
            parent_code = by_hash[Invitation.objects.get(code_hash__in=list(by_hash), person_id=mother.pk).code_hash]
        finally:
            connection.close()  # Playwright's greenlet holds a connection of its own

    # 6. The mother redeems her card on the portal and sees her son in the new school.
    context, parent = _new_page(browser)
    try:
        parent.goto(f"http://{live_url}/invite/")
        parent.get_by_label("Код приглашения").fill(parent_code)
        parent.get_by_role("button", name="Продолжить").click()
        parent.get_by_label("E-mail или телефон").fill(f"mother@{slug}.test")
        parent.get_by_label("Пароль", exact=True).fill("Мама-пароль-2026")
        parent.get_by_label("Пароль ещё раз").fill("Мама-пароль-2026")
        parent.get_by_test_id("consent").get_by_role("checkbox").check()
        parent.get_by_role("button", name="Создать учётную запись и войти").click()
        parent.wait_for_url(school_url)
        assert "Паша Девяткин" in parent.get_by_test_id("children").inner_text()
        shot(parent, "onboarding-9-parent")
    finally:
        context.close()
