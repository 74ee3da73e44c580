"""The template editor in Chromium: the demo administrator builds a new version with the
keyboard-reachable slot form and meets a teacher conflict."""

from __future__ import annotations

from datetime import date

from tests.browser.conftest import shot
from tests.browser.test_journeys import _sign_in


def test_admin_adds_lessons_and_sees_a_teacher_conflict(page, live_url):
    base = f"http://school1.{live_url}"
    _sign_in(page, f"{base}/timetable/editor/", "admin@school1.parta.test")
    page.wait_for_url(f"{base}/timetable/editor/")
    form = page.get_by_test_id("version-form")
    form.locator("#id_name").fill(f"Браузер {date.today():%d.%m}")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/timetable/editor/*/")
    page.get_by_test_id("class-links").get_by_role("link", name="5А", exact=True).click()
    page.wait_for_selector('[data-testid="editor-grid"]')

    # Keyboard: focus the «+» of Monday, lesson 1, and press Enter; the form opens beside the grid.
    page.get_by_test_id("add-1-1").focus()
    page.keyboard.press("Enter")
    form = page.get_by_test_id("entry-form")
    form.wait_for()
    form.locator("#id_subject").select_option(label="Математика")
    form.locator("#id_teacher").select_option(index=1)
    teacher = form.locator("#id_teacher option:checked").inner_text()
    form.locator("#id_room").select_option(label="101")
    form.get_by_test_id("entry-save").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-testid="cell-1-1"] a.slot')
    assert "Матем" in page.get_by_test_id("cell-1-1").inner_text()
    shot(page, "editor-first-lesson")

    # The same teacher for 5Б at the same time: refused, the clash named.
    page.get_by_test_id("class-links").get_by_role("link", name="5Б", exact=True).click()
    page.wait_for_selector('[data-testid="editor-grid"]')
    page.get_by_test_id("add-1-1").click()
    form = page.get_by_test_id("entry-form")
    form.wait_for()
    form.locator("#id_subject").select_option(label="Математика")
    form.locator("#id_teacher").select_option(label=teacher)
    form.locator("#id_room").select_option(label="102")
    form.get_by_test_id("entry-save").click()
    refused = page.get_by_test_id("refused")
    refused.wait_for()
    assert teacher in refused.inner_text()
    shot(page, "editor-conflict-refused")

    # A room too small is saved but highlighted in the grid.
    form = page.get_by_test_id("entry-form")
    form.locator("#id_teacher").select_option(index=0)
    form.locator("#id_room").select_option(label="301")
    form.get_by_test_id("entry-save").click()
    page.wait_for_selector('[data-testid="cell-1-1"] a.slot.conflict')
    assert page.locator('[data-testid="cell-1-1"] a.slot.conflict').get_attribute("title")
    shot(page, "editor-conflict-highlighted")


def test_admin_drags_a_lesson_to_another_cell_and_a_clash_is_refused(page, live_url):
    base = f"http://school1.{live_url}"
    _sign_in(page, f"{base}/timetable/editor/", "admin@school1.parta.test")
    page.wait_for_url(f"{base}/timetable/editor/")
    form = page.get_by_test_id("version-form")
    form.locator("#id_name").fill(f"Перетаскивание {date.today():%d.%m}")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/timetable/editor/*/")
    version_url = page.url
    page.get_by_test_id("class-links").get_by_role("link", name="5А", exact=True).click()
    page.wait_for_selector('[data-testid="editor-grid"]')
    class_url = page.url

    def add(cell: str, teacher_index: int, room: str) -> None:
        page.get_by_test_id(f"add-{cell}").click()
        form = page.get_by_test_id("entry-form")
        form.wait_for()
        form.locator("#id_subject").select_option(label="Математика")
        form.locator("#id_teacher").select_option(index=teacher_index)
        form.locator("#id_room").select_option(label=room)
        form.get_by_test_id("entry-save").click()
        page.wait_for_selector(f'[data-testid="cell-{cell}"] a.slot')

    add("1-1", 1, "101")
    # Drag Monday's lesson 1 to Wednesday's lesson 3: it moves there.
    page.locator('[data-testid="cell-1-1"] a.slot').drag_to(page.get_by_test_id("cell-3-3"))
    page.wait_for_selector('[data-testid="cell-3-3"] a.slot')
    assert page.locator('[data-testid="cell-1-1"] a.slot').count() == 0
    shot(page, "editor-dragged")

    # The same teacher teaches 5Б on Thursday 2; dragging 5А's lesson there is refused.
    page.goto(version_url)
    page.get_by_test_id("class-links").get_by_role("link", name="5Б", exact=True).click()
    page.wait_for_selector('[data-testid="editor-grid"]')
    add("4-2", 1, "102")
    page.goto(class_url)
    page.wait_for_selector('[data-testid="cell-3-3"] a.slot')
    page.locator('[data-testid="cell-3-3"] a.slot').drag_to(page.get_by_test_id("cell-4-2"))
    status = page.get_by_test_id("dnd-status")
    status.wait_for()
    assert status.inner_text().strip()
    assert page.locator('[data-testid="cell-3-3"] a.slot').count() == 1
    assert page.locator('[data-testid="cell-4-2"] a.slot').count() == 0
    shot(page, "editor-drag-refused")
