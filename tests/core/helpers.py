"""Test helpers for the people pages: spreadsheets in memory, and reading PDFs without a PDF
library (pypdf is not a dependency): pages are counted from the page objects, and text is
read from the zlib-compressed content streams, where reportlab writes ASCII text — such as
invitation codes — as it is."""

from __future__ import annotations

import base64
import csv
import io
import re
import zlib

from django_tenants.utils import tenant_context
from openpyxl import Workbook

from core.services.invitations import invitations_issue

CODE_RE = re.compile(r"[2-9A-Z]{4}(?:-[2-9A-Z]{4}){4}")
_STREAM_START = re.compile(rb"(?<![a-z])stream\r?\n")


def xlsx_bytes(rows: list[list[object]], *, sheet: str = "Данные") -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[object]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def pdf_page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def _streams(pdf: bytes):
    """Each stream's bytes, decoded through the filters its dictionary names."""
    for match in _STREAM_START.finditer(pdf):
        head = pdf[pdf.rfind(b" obj", 0, match.start()):match.start()]
        data = pdf[match.end():pdf.find(b"endstream", match.end())].strip()
        if b"/ASCII85Decode" in head:
            data = base64.a85decode(data, adobe=True)
        if b"/FlateDecode" in head:
            data = zlib.decompress(data)
        yield data


def pdf_text(pdf: bytes) -> str:
    return "\n".join(data.decode("latin-1") for data in _streams(pdf))


def pdf_codes(pdf: bytes) -> list[str]:
    return CODE_RE.findall(pdf_text(pdf))


def issue_code(school, person) -> str:
    """A fresh code for a person, issued by the system (as the administrator's page would)."""
    with tenant_context(school):
        issued = invitations_issue(actor=None, persons=[person])
    assert issued, f"no code issued for {person}"
    return issued[0].code
