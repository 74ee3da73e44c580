"""Spreadsheets in, rows out: XLSX through openpyxl, CSV through the csv module.

Excel in Russian saves CSV in Windows-1251 with «;» between columns; other tools write UTF-8
with commas. Both are read. Row numbers are the ones the spreadsheet shows, so the report
points at the line the administrator sees.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core import errors

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
DATA_SHEET = "Данные"  # the template's sheet; any other workbook is read from its first sheet

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing in it is looked at."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Table:
    headers: list[object]
    header_row: int
    rows: list[tuple[int, list[object]]] = field(default_factory=list)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(numbered_rows) -> Table:
    header: tuple[int, list[object]] | None = None
    rows: list[tuple[int, list[object]]] = []
    for number, values in numbered_rows:
        values = list(values)
        if all(_blank(v) for v in values):
            continue
        if header is None:
            header = (number, values)
            continue
        rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                errors.FILE_TOO_MANY_ROWS,
                _("The file has more than %(max)d rows. Split it into several files.") % {"max": MAX_ROWS},
            )
    if header is None or not rows:
        raise ImportFileError(errors.FILE_EMPTY, _("The file has no rows to import under the header row."))
    return Table(headers=header[1], header_row=header[0], rows=rows)


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportFileError(
            errors.FILE_UNREADABLE, _("The file could not be read as an Excel workbook (.xlsx).")
        ) from exc
    try:
        sheet = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
        return _table(enumerate(sheet.iter_rows(values_only=True), start=1))
    finally:
        workbook.close()


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(errors.FILE_UNREADABLE, _("The CSV file is neither in UTF-8 nor in Windows-1251."))


def _read_csv(content: bytes) -> Table:
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _table(enumerate(reader, start=1))
    except csv.Error as exc:
        raise ImportFileError(errors.FILE_UNREADABLE, _("The CSV file is damaged: %(error)s") % {"error": exc}) from exc


def table_read(file_name: str, content: bytes) -> Table:
    """The header and the non-empty rows of an XLSX or CSV file."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(errors.FILE_TOO_BIG, _("The file is larger than 5 MB."))
    if not content:
        raise ImportFileError(errors.FILE_EMPTY, _("The file is empty."))
    if content.startswith(_XLS_MAGIC) or file_name.lower().endswith(".xls"):
        raise ImportFileError(
            errors.FILE_UNREADABLE,
            _("The old Excel format (.xls) is not supported. Save the file as .xlsx or .csv and upload it again."),
        )
    if content.startswith(_XLSX_MAGIC):
        return _read_xlsx(content)
    return _read_csv(content)
