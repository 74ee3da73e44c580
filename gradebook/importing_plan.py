"""Reading a thematic plan (КТП) from an XLSX or CSV file, and the downloadable template.

The file is read with the people import's reader (`core.importing.reader`: XLSX through
openpyxl, CSV in UTF-8 or Windows-1251 with «;» or «,»), and every row is checked before
anything is written: one bad cell and the whole file is refused, with a report that names
the row (as the spreadsheet numbers it) and the column (as the file calls it).

Columns: №, Раздел, Тема, Часы, Домашнее задание — Russian or English headers, compared
ignoring case, spaces and «ё». Only «Тема» is required. A section written once applies to
the rows below it until the next one (that is how teachers lay out a КТП).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from core.importing.columns import header_key
from core.importing.reader import DATA_SHEET, ImportFileError, table_read
from gradebook import errors
from gradebook.errors import GradebookError

MAX_TOPICS = 1000
MAX_HOURS = 50


@dataclass(frozen=True)
class PlanColumn:
    key: str
    header: str
    aliases: tuple[str, ...]
    width: int
    note: str


COLUMNS = [
    PlanColumn("number", "№", ("n", "no", "#", "номер", "номер урока", "№ урока", "№ п/п", "number"), 6,
               "номер по порядку; можно не заполнять — порядок берётся по строкам"),
    PlanColumn("section", "Раздел", ("section", "модуль", "глава", "раздел программы", "chapter"), 30,
               "достаточно указать в первой строке раздела"),
    PlanColumn("title", "Тема", ("topic", "title", "тема урока", "тема занятия"), 50, "обязательно"),
    PlanColumn("hours", "Часы", ("hours", "часов", "кол во часов", "количество часов", "hours count"), 8,
               "целое число уроков на тему; пусто — 1"),
    PlanColumn("homework", "Домашнее задание", ("homework", "дз", "д/з", "домашняя работа"), 40, ""),
]
_LOOKUP = {header_key(name): column for column in COLUMNS for name in (column.header, *column.aliases)}
_LIMITS = {"section": 300, "title": 500, "homework": 500}
_HOURS_RE = re.compile(r"^(\d+)\s*(?:ч|час|часа|часов|h)?\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class TopicRow:
    """One topic read from the file, ready to be written."""

    row: int
    section: str
    title: str
    hours: int
    homework: str


@dataclass(frozen=True)
class Problem:
    """What is wrong in one cell: the spreadsheet's row number and the file's column header."""

    row: int | None
    column: str
    code: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)d, column «%(column)s»: %(message)s") % {
            "row": self.row, "column": self.column, "message": self.message}


class PlanFileError(GradebookError):
    """The file cannot be imported; nothing was saved. `problems` lists every bad cell."""

    def __init__(self, code: str, message: str, *, problems: list[Problem] | None = None) -> None:
        super().__init__(code, message, field="file")
        self.problems = problems or []


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        # Excel likes to turn «1.2» into a date; say what it shows rather than a timestamp.
        value = value.strftime("%d.%m.%Y")
    return " ".join(str(value).split())


def _whole(value: object) -> int | None:
    """A whole number from a cell («2», 2.0, «2 ч»), or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    match = _HOURS_RE.match(_text(value).replace(",", "."))
    return int(match.group(1)) if match else None


def plan_rows_read(file_name: str, content: bytes) -> list[TopicRow]:
    """The topics of a plan file, or PlanFileError naming every bad cell."""
    try:
        table = table_read(file_name, content)
    except ImportFileError as exc:
        code = errors.FILE_TOO_BIG if exc.code == "file_too_big" else errors.FILE_UNREADABLE
        raise PlanFileError(code, exc.message) from exc

    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, header in enumerate(table.headers):
        column = _LOOKUP.get(header_key(header))
        if column is not None and column.key not in positions:
            positions[column.key] = index
            headers[column.key] = _text(header)
    if "title" not in positions:
        message = _("The file has no «Тема» (topic) column. The first row must hold the headers: "
                    "№, Раздел, Тема, Часы, Домашнее задание.")
        raise PlanFileError(errors.MISSING_COLUMN, message,
                            problems=[Problem(table.header_row, "Тема", errors.MISSING_COLUMN, message)])
    if len(table.rows) > MAX_TOPICS:
        raise PlanFileError(errors.BAD_ROW, _("A plan has at most %(max)d topics.") % {"max": MAX_TOPICS})

    def cell(values: list[object], key: str) -> object:
        index = positions.get(key)
        return values[index] if index is not None and index < len(values) else None

    problems: list[Problem] = []
    result: list[TopicRow] = []
    numbers: dict[int, int] = {}
    section = ""
    for row, values in table.rows:
        def bad(key: str, message: str, *, row: int = row) -> None:
            problems.append(Problem(row, headers.get(key, key), errors.BAD_ROW, message))

        texts = {key: _text(cell(values, key)) for key in ("section", "title", "homework")}
        for key, limit in _LIMITS.items():
            if len(texts[key]) > limit:
                bad(key, _("longer than %(max)d characters.") % {"max": limit})
        if texts["section"]:
            section = texts["section"]
        if not texts["title"]:
            bad("title", _("the topic is empty."))

        raw_hours = cell(values, "hours")
        hours = 1 if _text(raw_hours) == "" else _whole(raw_hours)
        if hours is None or not 1 <= hours <= MAX_HOURS:
            bad("hours", _("«%(value)s» is not a number of lessons from 1 to %(max)d.")
                % {"value": _text(raw_hours), "max": MAX_HOURS})
            hours = 1

        raw_number = cell(values, "number")
        if _text(raw_number):
            number = _whole(raw_number)
            if number is None or number < 1:
                bad("number", _("«%(value)s» is not a topic number.") % {"value": _text(raw_number)})
            elif number in numbers:
                bad("number", _("number %(number)d is already used in row %(row)d.")
                    % {"number": number, "row": numbers[number]})
            else:
                numbers[number] = row
        result.append(TopicRow(row=row, section=section[:300], title=texts["title"][:500], hours=hours,
                               homework=texts["homework"][:500]))
    if problems:
        raise PlanFileError(errors.BAD_ROW, _("The file has mistakes; nothing was imported. Fix them and upload "
                                              "the file again."), problems=problems)
    return result


EXAMPLE_ROWS = [
    (1, "Натуральные числа", "Обозначение натуральных чисел", 2, "§1, № 5, 7"),
    (2, "", "Отрезок. Длина отрезка", 2, "§2, № 31"),
    (3, "Дроби", "Обыкновенные дроби", 3, "§25, № 955"),
]


def plan_template_xlsx() -> bytes:
    """A workbook with the plan's headers, an example and a short instruction."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCE6F5")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for row, values in enumerate(EXAMPLE_ROWS, start=2):
        for index, value in enumerate(values, start=1):
            sheet.cell(row=row, column=index, value=value)
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("Инструкция")
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 80
    guide.cell(row=1, column=1, value="Календарно-тематический план для Parta").font = Font(bold=True, size=13)
    guide.cell(row=2, column=1, value="Одна строка — одна тема. Строки с ошибками не загружаются, и тогда не "
                                      "загружается весь файл: Parta покажет строку и столбец каждой ошибки.")
    for offset, column in enumerate(COLUMNS, start=4):
        guide.cell(row=offset, column=1, value=column.header).font = Font(bold=True)
        guide.cell(row=offset, column=2, value=column.note)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_template_csv() -> bytes:
    """The same template as CSV (UTF-8 with a BOM and «;», as Excel in Russian expects)."""
    lines = [";".join(column.header for column in COLUMNS)]
    lines += [";".join(str(value) for value in row) for row in EXAMPLE_ROWS]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
