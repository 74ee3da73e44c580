"""Files the coordinator takes away: the dashboard as XLSX, codes as CSV and as PDF cards."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.pdf import FONT, FONT_BOLD, fonts_register
from provisioning.models import ActivationCode

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _adoption_cells(adoption) -> list[object]:
    return [None, None] if adoption is None else [adoption.active, adoption.total]


def dashboard_xlsx(data) -> bytes:
    """The dashboard's rows and totals (selectors.dashboard_for) as a workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Schools")[:31]
    sheet.append([
        _("School"), _("Full name"), _("Municipality"), _("Stage"), _("Address"),
        _("Staff signed in"), _("Staff"), _("Teachers signed in"), _("Teachers"),
        _("Students signed in"), _("Students"), _("Parents signed in"), _("Parents"),
        _("Teachers giving marks, 7 days"), _("Parents active, 7 days"), _("Updated"),
    ])
    for row in data.rows:
        updated = timezone.localtime(row.updated).replace(tzinfo=None) if row.updated else None
        sheet.append([
            row.name, row.full_name, row.municipality, str(row.stage.label), row.host,
            *_adoption_cells(row.staff), *_adoption_cells(row.teachers),
            *_adoption_cells(row.students), *_adoption_cells(row.parents),
            row.teachers_marking, row.parents_7d, updated,
        ])
    totals = data.totals
    sheet.append([
        _("Total"), "", "", ngettext("%(n)d school", "%(n)d schools", totals["schools"]) % {"n": totals["schools"]},
        "", *_adoption_cells(totals["staff"]), *_adoption_cells(totals["teachers"]),
        *_adoption_cells(totals["students"]), *_adoption_cells(totals["parents"]),
        totals["teachers_marking"], totals["parents_7d"], None,
    ])
    bold = Font(bold=True)
    for cell in (*sheet[1], *sheet[sheet.max_row]):
        cell.font = bold
    for cell in sheet["P"][1:]:
        cell.number_format = "DD.MM.YYYY HH:MM"
    widths = [28, 60, 32, 16, 28] + [12] * 10 + [18]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:P{max(sheet.max_row - 1, 1)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _local(value) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def codes_csv(codes: Iterable[ActivationCode]) -> bytes:
    """Codes with their state label (selectors.code_state_labels) as CSV for Excel."""
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a BOM, so Excel reads the file as UTF-8 (Cyrillic) and not cp1251
    # ";" is the list separator Excel expects with Russian regional settings.
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([
        _("Code"), _("Region"), _("Municipality"), _("Status"), _("Valid until"), _("Issued"),
        _("Issued by"), _("Batch"), _("Request"), _("School"),
    ])
    for code in codes:
        writer.writerow([
            code.code, code.region.name, code.municipality.name, str(code.state_label), _local(code.expires_at),
            _local(code.issued_at), code.issued_by.short_name, str(code.batch),
            code.request.short_name if code.request else "", code.school.short_name if code.school else "",
        ])
    return buffer.getvalue().encode("utf-8")


def codes_pdf(codes: Iterable[ActivationCode], *, activate_url: str) -> bytes:
    """Cards of 90×65 mm, two across and four down an A4 page, ready to cut."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    fonts_register()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(_("Activation codes"))
    page_w, page_h = A4
    card_w, card_h, gap, pad = 90 * mm, 65 * mm, 5 * mm, 5 * mm
    left = (page_w - 2 * card_w - gap) / 2
    top = page_h - 12 * mm
    text_w = card_w - 2 * pad

    def lines(x: float, y: float, text: str, *, font: str = FONT, size: float = 8,
              leading: float = 3.8 * mm) -> float:
        """Draw `text` wrapped to the card's width; return where the next line starts."""
        pdf.setFont(font, size)
        for line in simpleSplit(text, font, size, text_w):
            pdf.drawString(x, y, line)
            y -= leading
        return y

    codes = list(codes)
    if not codes:
        lines(left, top - 12 * mm, _("No usable codes match the filters."), size=12)
    for index, code in enumerate(codes):
        slot = index % 8
        if index and slot == 0:
            pdf.showPage()
        x = left + (slot % 2) * (card_w + gap)
        y = top - (slot // 2 + 1) * card_h - (slot // 2) * gap
        pdf.setDash(3, 3)
        pdf.rect(x, y, card_w, card_h)
        pdf.setDash()
        line = y + card_h - pad - 3 * mm
        line = lines(x + pad, line, f"Parta · {code.region.name}")
        line = lines(x + pad, line, code.municipality.name, font=FONT_BOLD, size=9, leading=4.2 * mm)
        line -= 5 * mm
        # The code is the one thing that must never wrap: shrink it to the card's width.
        size = min(15.0, 15.0 * text_w / pdfmetrics.stringWidth(code.code, FONT_BOLD, 15))
        lines(x + pad, line, code.code, font=FONT_BOLD, size=size)
        line -= 6 * mm
        expiry = date_format(timezone.localtime(code.expires_at), "SHORT_DATE_FORMAT")
        line = lines(x + pad, line, _("Valid until %(date)s inclusive. One school, one time.") % {"date": expiry})
        line -= 2 * mm
        for text in (
            _("1. Open %(url)s") % {"url": activate_url},
            _("2. Enter the code and the school's details."),
            _("3. Create the school administrator's account."),
        ):
            line = lines(x + pad, line, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
