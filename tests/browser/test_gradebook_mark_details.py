"""A mark's comment and "not counted in the average" in Chromium, by the keyboard: on the
lesson page through the cell's ⋯ disclosure (each change saves itself), then in the grid
through the cell's history dialog (Shift+Enter), which redraws the cell."""

from __future__ import annotations

import re

from django_tenants.utils import schema_context
from playwright.sync_api import expect

from gradebook.models import Mark
from tests.browser import test_gradebook_journal
from tests.browser.conftest import shot
from tests.browser.test_gradebook_journal import _sign_in
from tests.conftest import run_committed

lesson_case = test_gradebook_journal.lesson_case  # the fixture: today's extra lesson of 5А


def _mark(django_db_blocker, case) -> tuple[str, str, bool] | None:
    def read():
        with schema_context("school_school1"):
            mark = Mark.objects.filter(work__lesson_id=case["lesson"], student_id=case["student"]).first()
            return (mark.raw, mark.comment, mark.excluded) if mark else None

    return run_committed(django_db_blocker, read)


def test_teacher_comments_and_excludes_a_mark_with_the_keyboard(page, live_url, lesson_case, django_db_blocker):
    base = f"http://school1.{live_url}"
    case = lesson_case
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _sign_in(page, base, "teacher@school1.parta.test", f"/journal/lessons/{case['lesson']}/")
    sfx = f"{case['student']}-d{case['class']}"
    mark = page.locator(f"#m-{sfx}")
    mark.focus()
    page.keyboard.type("5")
    page.keyboard.press("Tab")  # saves; focus goes to the cell's ⋯ button
    page.locator(f"#st-{sfx}").get_by_text("✓").wait_for()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")  # opens the disclosure
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"c-{sfx}"
    with page.expect_response(lambda r: r.url.endswith("/journal/cell/")) as saved:
        page.keyboard.type("Отвечал у доски")
        page.keyboard.press("Enter")  # saves the comment (and does not submit the page)
    assert saved.value.ok
    with page.expect_response(lambda r: r.url.endswith("/journal/cell/")) as saved:
        page.keyboard.press("Tab")
        page.keyboard.press("Space")  # ticks "not counted in the average"
    assert saved.value.ok
    expect(mark).to_have_class("jr-mark jr-excluded")
    expect(mark).to_have_attribute("title", "Отвечал у доски")
    shot(page, "mark-details-1-lesson")
    assert _mark(django_db_blocker, case) == ("5", "Отвечал у доски", True)

    # The grid: struck through, with the comment; Shift+Enter opens the history with the form.
    page.goto(f"{base}/journal/{case['class']}/{case['subject']}/")
    row = page.get_by_test_id("journal-grid").locator(f"tr[data-s='{case['student']}']")
    cell = row.locator("td").first
    noted = cell.locator("span.jr-mk.jr-ex.jr-cm")
    expect(noted).to_have_attribute("title", re.compile(r"^не учитывается.*; Отвечал у доски$"))
    cell.click()
    page.keyboard.press("Shift+Enter")
    dialog = page.locator("#history-dialog")
    expect(dialog).to_be_visible()
    form = dialog.locator("form[data-details-form]")
    expect(form.locator("input[name=comment]")).to_have_value("Отвечал у доски")
    form.locator("input[name=comment]").fill("")
    form.locator("input[name=excluded]").uncheck()
    with page.expect_response(lambda r: r.url.endswith("/journal/cell/")) as saved:
        form.locator("button[type=submit]").click()
    assert saved.value.ok
    expect(dialog.locator(".jr-history li")).to_have_count(4)  # reloaded: created, comment, exclusion, this
    expect(cell.locator("span.jr-mk")).to_have_count(0)
    expect(cell).to_have_text("5")
    shot(page, "mark-details-2-grid-dialog")
    assert _mark(django_db_blocker, case) == ("5", "", False)
    assert errors == []
