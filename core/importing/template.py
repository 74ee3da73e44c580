"""The downloadable XLSX template for each kind of list: a data sheet with the headers and an
instructions sheet that says what goes in each column."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.choices import PeopleGroup
from core.importing.columns import COLUMNS
from core.importing.reader import DATA_SHEET

_TITLES = {
    PeopleGroup.STAFF: "Сотрудники",
    PeopleGroup.STUDENTS: "Ученики",
    PeopleGroup.PARENTS: "Родители",
}
_EXAMPLES = {
    PeopleGroup.STAFF: ["Смирнова", "Мария", "Петровна", "12.04.1985", "учитель русского языка",
                        "учитель", "smirnova@example.ru", "+7 912 345-67-89", "T-0017"],
    PeopleGroup.STUDENTS: ["Соколов", "Артём", "Дмитриевич", "05.03.2014", "5А", "", "", "S-0142"],
    PeopleGroup.PARENTS: ["Соколова", "Наталья", "Андреевна", "", "мать", "sokolova@example.ru",
                          "+7 912 000-11-22", "P-0301", "Соколов Артём Дмитриевич", "05.03.2014", "S-0142"],
}
# Text, not numbers: Excel would turn «00123» into 123 and a phone into 7.9E+10.
_TEXT_COLUMNS = {"external_id", "child_external_id", "phone", "class_name"}
_DATE_COLUMNS = {"birth_date", "child_birth_date"}


def template_title(kind: str) -> str:
    return _TITLES[kind]


def import_template_xlsx(kind: str) -> bytes:
    columns = COLUMNS[kind]
    workbook = Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    header_fill = PatternFill("solid", fgColor="DCE6F5")
    for index, column in enumerate(columns, start=1):
        cell = data.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center")
        if column.note:
            cell.comment = Comment(column.note, "Parta")
        letter = get_column_letter(index)
        data.column_dimensions[letter].width = column.width
        if column.key in _TEXT_COLUMNS:
            data.column_dimensions[letter].number_format = "@"
        elif column.key in _DATE_COLUMNS:
            data.column_dimensions[letter].number_format = "DD.MM.YYYY"
        if column.key == "relation":
            choice = DataValidation(type="list", formula1='"мать,отец,опекун"', allow_blank=True)
            choice.error = "Выберите: мать, отец или опекун"
            data.add_data_validation(choice)
            choice.add(f"{letter}2:{letter}5001")
    data.freeze_panes = "A2"

    guide = workbook.create_sheet("Инструкция")
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 14
    guide.column_dimensions["C"].width = 80
    lines = [
        f"Шаблон для загрузки в Parta: {_TITLES[kind].lower()}",
        "Заполните лист «Данные»: одна строка — один человек. Не меняйте заголовки столбцов.",
        "Перед записью Parta покажет проверку каждой строки; ничего не запишется, пока есть ошибки.",
        "Повторная загрузка того же файла ничего не изменит: люди находятся по внешнему ID, "
        "а без него — по ФИО и дате рождения.",
    ]
    if kind == PeopleGroup.PARENTS:
        lines.append("Сначала загрузите учеников. Если у родителя несколько детей, заполните по строке на "
                     "каждого ребёнка с одинаковыми данными родителя.")
    for row, text in enumerate(lines, start=1):
        guide.cell(row=row, column=1, value=text).font = Font(bold=row == 1, size=13 if row == 1 else 11)
    start = len(lines) + 2
    for index, title in enumerate(("Столбец", "Обязательный", "Что писать"), start=1):
        guide.cell(row=start, column=index, value=title).font = Font(bold=True)
    for offset, column in enumerate(columns, start=1):
        guide.cell(row=start + offset, column=1, value=column.header)
        guide.cell(row=start + offset, column=2, value="да" if column.required else "")
        guide.cell(row=start + offset, column=3, value=column.note)
    example_row = start + len(columns) + 2
    guide.cell(row=example_row, column=1, value="Пример строки (на лист «Данные» его не копируйте):").font = Font(
        bold=True
    )
    for index, (column, value) in enumerate(zip(columns, _EXAMPLES[kind], strict=True), start=1):
        guide.cell(row=example_row + 1, column=index, value=column.header).font = Font(italic=True)
        guide.cell(row=example_row + 2, column=index, value=value)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
