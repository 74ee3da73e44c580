"""Importing a thematic plan from XLSX and CSV: good files in Russian and English, and bad
ones refused whole with a report naming the row and the column; the template downloads."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from gradebook.errors import BAD_ROW, FILE_UNREADABLE, MISSING_COLUMN
from gradebook.importing_plan import PlanFileError, plan_rows_read, plan_template_csv, plan_template_xlsx
from gradebook.models import Plan, PlanTopic
from gradebook.services import planning as services
from tests.conftest import client_for
from tests.gradebook.test_planning import World


@pytest.fixture
def w(school1, in_school):
    with in_school(school1.school):
        yield World(school1)


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


GOOD_ROWS = [
    ["№", "Раздел", "Тема", "Часы", "Домашнее задание"],
    [1, "Натуральные числа", "Обозначение натуральных чисел", 2, "§1, № 5"],
    [2, None, "Отрезок. Длина отрезка", 3.0, "§2"],
    [3, "Дроби", "Обыкновенные дроби", None, ""],
]


def test_a_good_xlsx_file_gives_topics_with_sections_carried_down():
    rows = plan_rows_read("ктп.xlsx", xlsx(GOOD_ROWS))

    assert [(r.section, r.title, r.hours, r.homework) for r in rows] == [
        ("Натуральные числа", "Обозначение натуральных чисел", 2, "§1, № 5"),
        ("Натуральные числа", "Отрезок. Длина отрезка", 3, "§2"),
        ("Дроби", "Обыкновенные дроби", 1, ""),
    ]


def test_a_csv_in_windows_1251_with_semicolons_and_english_headers_are_read():
    russian = csv("№;Раздел;Тема;Часы;Домашнее задание\r\n1;Глагол;Спряжение глаголов;2 ч;упр. 5\r\n", "cp1251")
    english = csv("Number,Section,Topic,Hours,Homework\n1,Verbs,Present Simple,1,ex. 3\n")

    assert [(r.title, r.hours) for r in plan_rows_read("plan.csv", russian)] == [("Спряжение глаголов", 2)]
    assert [(r.section, r.title, r.homework) for r in plan_rows_read("plan.csv", english)] == [
        ("Verbs", "Present Simple", "ex. 3")]


def test_bad_rows_are_all_reported_with_row_and_column():
    rows = [GOOD_ROWS[0], [1, "", "Тема", "два", ""], [2, "", "", 1, ""], [2, "", "Ещё тема", 0, ""]]

    with pytest.raises(PlanFileError) as error:
        plan_rows_read("ктп.xlsx", xlsx(rows))

    assert error.value.code == BAD_ROW
    found = {(p.row, p.column) for p in error.value.problems}
    assert found == {(2, "Часы"), (3, "Тема"), (4, "Часы"), (4, "№")}


def test_a_file_without_the_topic_column_or_that_is_not_a_table_is_refused():
    with pytest.raises(PlanFileError) as missing:
        plan_rows_read("plan.csv", csv("Раздел;Часы\nДроби;2\n"))
    assert missing.value.code == MISSING_COLUMN

    with pytest.raises(PlanFileError) as broken:
        plan_rows_read("plan.xlsx", b"PK\x03\x04 not really a workbook")
    assert broken.value.code == FILE_UNREADABLE


def test_importing_a_good_file_replaces_the_topics(w: World):
    plan = w.plan(("Старая тема", 1))
    client = client_for(w.cast.host, w.cast.teacher)

    response = client.post(w.url, {"action": "import", "mode": "replace",
                                   "file": SimpleUploadedFile("ктп.xlsx", xlsx(GOOD_ROWS))})

    assert response.status_code == 302
    assert list(plan.topics.order_by("position").values_list("position", "title", "hours")) == [
        (1, "Обозначение натуральных чисел", 2), (2, "Отрезок. Длина отрезка", 3), (3, "Обыкновенные дроби", 1)]


def test_appending_keeps_the_topics_there_are(w: World):
    plan = w.plan(("Вводный урок", 1))

    result = services.plan_import(w.teacher, plan=plan, file_name="plan.csv", replace=False,
                                  content=csv("Тема;Часы\nПовторение;2\n"))

    assert result.topics == 1 and result.hours == 2
    assert list(plan.topics.order_by("position").values_list("title", flat=True)) == ["Вводный урок", "Повторение"]


def test_a_bad_file_saves_nothing_and_the_page_shows_row_and_column(w: World):
    plan = w.plan(("Старая тема", 1))
    bad = csv("№;Тема;Часы\n1;Хорошая тема;1\n2;Плохая тема;много\n")
    client = client_for(w.cast.host, w.cast.teacher)

    response = client.post(w.url, {"action": "import", "mode": "replace", "file": SimpleUploadedFile("plan.csv", bad)})

    assert response.status_code == 422
    assert [(p.row, p.column) for p in response.context["problems"]] == [(3, "Часы")]
    assert "много" in response.content.decode()
    assert list(plan.topics.values_list("title", flat=True)) == ["Старая тема"]


def test_the_first_import_creates_the_plan(w: World):
    client = client_for(w.cast.host, w.cast.teacher)
    client.post(w.url, {"action": "import", "mode": "replace",
                        "file": SimpleUploadedFile("plan.csv", csv("Тема\nПервая\nВторая\n"))})
    assert PlanTopic.objects.filter(plan__subject=w.subject).count() == 2
    assert Plan.objects.get(subject=w.subject).created_by == w.teacher


def test_the_templates_download_and_read_back_as_a_plan(w: World):
    client = client_for(w.cast.host, w.cast.teacher)
    response = client.get("/planning/template.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "Данные"
    assert len(plan_rows_read("t.xlsx", plan_template_xlsx())) == 3
    assert len(plan_rows_read("t.csv", plan_template_csv())) == 3
    assert client.get("/planning/template.csv").status_code == 200
