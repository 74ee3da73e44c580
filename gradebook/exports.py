"""The reports as files: XLSX (openpyxl) and PDF (reportlab, in the bundled DejaVu fonts of
`core.pdf`, since reportlab's own fonts have no Cyrillic). Each report hands over its tables as
`gradebook.reports.common.Sheet`s; this module only prints them."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from core.pdf import FONT, FONT_BOLD, fonts_register
from gradebook.reports.common import Sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _xlsx_value(value: object) -> object:
    """Numbers stay numbers (Excel sums them); a Decimal becomes a float, None an empty cell."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def sheets_xlsx(sheets: list[Sheet], *, school_name: str = "") -> bytes:
    """One worksheet per sheet: the title and subtitle lines, the header (frozen), the rows,
    the bold totals and the notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="EEF1F5")
    used: set[str] = set()
    for sheet in sheets:
        # Worksheet titles: at most 31 characters, unique, and none of []:*?/\ .
        name = "".join(ch for ch in sheet.title if ch not in "[]:*?/\\")[:31] or "Sheet"
        base, n = name, 2
        while name in used:
            name = f"{base[:28]} {n}"
            n += 1
        used.add(name)
        ws = workbook.create_sheet(name)
        ws.append([sheet.title])
        ws.cell(row=1, column=1).font = Font(bold=True, size=13)
        for line in ([school_name] if school_name else []) + sheet.subtitle:
            ws.append([line])
        ws.append([])
        header_row = ws.max_row + 1
        ws.append(sheet.header)
        for cell in ws[header_row]:
            cell.font = bold
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in sheet.rows:
            ws.append([_xlsx_value(v) for v in row])
        for row in sheet.totals:
            ws.append([_xlsx_value(v) for v in row])
            for cell in ws[ws.max_row]:
                cell.font = bold
        if sheet.notes:
            ws.append([])
            for note in sheet.notes:
                ws.append([note])
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        for index, title in enumerate(sheet.header, start=1):
            width = sheet.first_column_width if index == 1 else max(8, min(30, len(str(title)) + 2))
            if index == 2 and sheet.header[0] == "№":
                width = 32  # the student's name beside the register number
            ws.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pdf_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value}".replace(".", ",")  # the Russian decimal comma on paper
    return str(value)


def sheets_pdf(sheets: list[Sheet], *, title: str, school_name: str = "", signatures: list[str] | None = None
               ) -> bytes:
    """A printable document: each sheet as a titled table that repeats its header on every
    page; landscape when the tables are wide. `signatures` adds lines to sign at the end
    (the report card: the class teacher, the director)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    fonts_register()
    widest = max((len(s.header) for s in sheets), default=1)
    pagesize = landscape(A4) if widest > 7 else A4
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=pagesize, leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=14 * mm, title=title, author="Parta",
                            subject=school_name)
    heading = ParagraphStyle("heading", fontName=FONT_BOLD, fontSize=14, leading=18, spaceAfter=2)
    small = ParagraphStyle("small", fontName=FONT, fontSize=9, leading=12, textColor=colors.HexColor("#444c56"))
    size = 9 if widest <= 10 else 7 if widest <= 16 else 6
    body = ParagraphStyle("cell", fontName=FONT, fontSize=size, leading=size * 1.2)
    head = ParagraphStyle("head", parent=body, fontName=FONT_BOLD)
    story: list = []
    if school_name:
        story.append(Paragraph(school_name, small))
    for number, sheet in enumerate(sheets):
        story.append(Paragraph(sheet.title, heading))
        for line in sheet.subtitle:
            story.append(Paragraph(line, small))
        story.append(Spacer(1, 3 * mm))
        columns = len(sheet.header)
        data = [[Paragraph(_pdf_text(v), head) for v in sheet.header]]
        data += [[Paragraph(_pdf_text(v), body) for v in row] for row in sheet.rows]
        data += [[Paragraph(_pdf_text(v), head) for v in row] for row in sheet.totals]
        available = doc.width
        # The first text column (the name) gets what the narrow mark columns leave over.
        name_index = 1 if sheet.header and sheet.header[0] == "№" else 0
        narrow = 8 * mm if name_index else None
        fixed = (narrow or 0)
        rest = max(columns - 1 - name_index, 0)
        other = min(24 * mm, (available - fixed) * 0.6 / rest) if rest else 0
        name_width = available - fixed - other * rest
        widths = ([narrow] if name_index else []) + [name_width] + [other] * rest
        table = Table(data, colWidths=widths, repeatRows=1)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa3ad")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        if sheet.totals:
            style.append(("BACKGROUND", (0, len(data) - len(sheet.totals)), (-1, -1), colors.HexColor("#f5f6f8")))
        table.setStyle(TableStyle(style))
        story.append(table)
        for note in sheet.notes:
            story.append(Spacer(1, 2 * mm))
            story.append(Paragraph(note, small))
        if number < len(sheets) - 1:
            story.append(Spacer(1, 8 * mm))
    if signatures:
        lines = [Spacer(1, 12 * mm)]
        for who in signatures:
            lines.append(Paragraph(f"{who}: ____________________", body))
            lines.append(Spacer(1, 6 * mm))
        story.append(KeepTogether(lines))
    printed = _("Printed %(when)s") % {"when": timezone.localtime().strftime("%d.%m.%Y %H:%M")}

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(colors.HexColor("#6b7480"))
        canvas.drawString(document.leftMargin, 7 * mm, f"Parta · {printed}")
        canvas.drawRightString(document.pagesize[0] - document.rightMargin, 7 * mm,
                               _("Page %(n)d") % {"n": document.page})
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
