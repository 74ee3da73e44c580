"""The printable sheet of invitation cards: A4, eight cut-out cards a page, Cyrillic text in
the bundled DejaVu fonts (reportlab's built-in fonts have no Cyrillic)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
_FONT_DIR = Path(settings.BASE_DIR) / "assets" / "fonts"

COLUMNS, ROWS = 2, 4
MARGIN = 10 * mm
PAD = 5 * mm


def fonts_register() -> None:
    """Cyrillic needs a TTF: reportlab's built-in fonts are Latin-1 only."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name in (FONT, FONT_BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(_FONT_DIR / f"{name}.ttf")))


@dataclass(frozen=True)
class InvitationCard:
    """One cut-out card: who it is for and the code, printed once."""

    person_name: str
    role_label: str
    detail: str
    code: str
    expires_on: date
    note: str = ""


def _lines(canvas: Canvas, text: str, *, x: float, y: float, width: float, font: str, size: float,
           leading: float | None = None, color=colors.black) -> float:
    """Draw wrapped text from the top line at y; return the y below it."""
    leading = leading or size * 1.25
    canvas.setFont(font, size)
    canvas.setFillColor(color)
    for line in simpleSplit(text, font, size, width):
        canvas.drawString(x, y, line)
        y -= leading
    return y


def _fit(text: str, font: str, size: float, width: float, minimum: float = 7.0) -> float:
    """The largest size up to `size` at which the longest word fits (names do not break)."""
    longest = max(text.split(), key=lambda word: pdfmetrics.stringWidth(word, font, size), default="")
    while size > minimum and pdfmetrics.stringWidth(longest, font, size) > width:
        size -= 0.5
    return size


def _card(canvas: Canvas, card: InvitationCard, *, x: float, y: float, w: float, h: float,
          school_name: str, portal_address: str) -> None:
    canvas.setStrokeColor(colors.grey)
    canvas.setDash(3, 3)
    canvas.setLineWidth(0.5)
    canvas.rect(x, y, w, h)
    canvas.setDash()
    inner = w - 2 * PAD
    left = x + PAD
    top = y + h - PAD - 8
    grey = colors.HexColor("#556070")
    top = _lines(canvas, school_name, x=left, y=top, width=inner, font=FONT_BOLD, size=9)
    top = _lines(canvas, _("Invitation to the electronic diary Parta"), x=left, y=top, width=inner,
                 font=FONT, size=8, color=grey)
    top -= 4
    name_size = _fit(card.person_name, FONT_BOLD, 13, inner)
    top = _lines(canvas, card.person_name, x=left, y=top, width=inner, font=FONT_BOLD, size=name_size)
    role = card.role_label + (f" · {card.detail}" if card.detail else "")
    top = _lines(canvas, role, x=left, y=top, width=inner, font=FONT, size=9)
    top -= 5
    canvas.setFont(FONT, 8)
    canvas.setFillColor(grey)
    canvas.drawString(left, top, _("Invitation code:"))
    top -= 17
    size, spacing = 14.0, 1.0
    while size > 9 and pdfmetrics.stringWidth(card.code, FONT_BOLD, size) + spacing * len(card.code) > inner:
        size -= 0.5
    # Letter spacing makes a code easier to read off paper; saveState keeps it out of the rest.
    canvas.saveState()
    text = canvas.beginText(left, top)
    text.setFont(FONT_BOLD, size)
    text.setCharSpace(spacing)
    text.setFillColor(colors.black)
    text.textOut(card.code)
    canvas.drawText(text)
    canvas.restoreState()
    top -= 14
    top = _lines(canvas, _("1. Open %(address)s") % {"address": portal_address}, x=left, y=top, width=inner,
                 font=FONT_BOLD, size=8)
    top = _lines(canvas, _("2. Type the code."), x=left, y=top, width=inner, font=FONT, size=8)
    top = _lines(canvas, _("3. Create an account or sign in to yours."), x=left, y=top, width=inner,
                 font=FONT, size=8)
    top -= 3
    valid = _("Valid until %(date)s. The code works once; do not pass it on.") % {
        "date": card.expires_on.strftime("%d.%m.%Y")
    }
    top = _lines(canvas, valid, x=left, y=top, width=inner, font=FONT, size=8)
    if card.note:
        _lines(canvas, card.note, x=left, y=top, width=inner, font=FONT, size=8, color=grey)


def invitation_cards_pdf(*, cards: list[InvitationCard], school_name: str, portal_address: str, title: str) -> bytes:
    """A4 pages of cut-out cards, family by family in the order given."""
    fonts_register()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(title)
    canvas.setAuthor("Parta")
    canvas.setSubject(school_name)
    page_w, page_h = A4
    w = (page_w - 2 * MARGIN) / COLUMNS
    h = (page_h - 2 * MARGIN) / ROWS
    per_page = COLUMNS * ROWS
    for index, card in enumerate(cards):
        slot = index % per_page
        if index and slot == 0:
            canvas.showPage()
        column, row = slot % COLUMNS, slot // COLUMNS
        x = MARGIN + column * w
        y = page_h - MARGIN - (row + 1) * h
        _card(canvas, card, x=x, y=y, w=w, h=h, school_name=school_name, portal_address=portal_address)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
