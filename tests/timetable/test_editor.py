"""The template editor's pages: who may open them, the grid, the slot form (htmx and
plain), conflicts refused with nothing saved, copy of a day, CSV import, undo."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.models import Person, SchoolClass
from tests.conftest import client_for
from timetable import selectors
from timetable.models import BellSchedule, Room, Subject, TemplateEntry, TimetableVersion
from timetable.services import template as services


@pytest.fixture
def ed(school1):
    """A fresh version of school 1 and the ids a form needs."""
    with schema_context(school1.school.schema_name):
        admin = Person.objects.get(account_id=school1.admin.pk)
        year = selectors.current_year()
        version = services.timetable_version_create(
            actor=admin, year=year, name="Редактор", valid_from=year.starts_on, valid_to=year.ends_on,
            bell_schedule=BellSchedule.objects.get(is_default=True),
            week_a_monday=year.starts_on - timedelta(days=year.starts_on.weekday()))
        teachers = list(Person.objects.filter(roles__contains=["teacher"]).order_by("pk")[:2])
        data = {
            "version": version, "admin": admin, "t1": teachers[0], "t2": teachers[1],
            "c5a": SchoolClass.objects.get(grade=5, letter="А"), "c5b": SchoolClass.objects.get(grade=5, letter="Б"),
            "math": Subject.objects.get(name="Математика"), "r101": Room.objects.get(name="101"),
            "r102": Room.objects.get(name="102"),
        }
    client = client_for(school1.host, school1.admin)
    return type("Editor", (), {**data, "client": client, "cast": school1,
                               "base": f"/timetable/editor/{version.pk}/"})


def _form(ed, *, school_class, teacher, room, weekday=1, bell=1, **extra):
    return {"weekday": weekday, "bell_number": bell, "subject": ed.math.pk, "teacher": teacher.pk,
            "room": room.pk if room else "", "classes": [school_class.pk], "week_type": "every", "duration": 1,
            "class": school_class.pk, **extra}


def _entries(ed):
    with schema_context(ed.cast.school.schema_name):
        return list(TemplateEntry.objects.filter(version=ed.version).order_by("pk"))


@pytest.mark.parametrize("who", ["teacher", "student", "parent", "director"])
def test_the_editor_does_not_exist_for_anyone_but_the_administrator(ed, who):
    client = client_for(ed.cast.host, getattr(ed.cast, who))
    assert client.get("/timetable/editor/").status_code == 404
    assert client.get(ed.base).status_code == 404
    assert client.get(f"{ed.base}class/{ed.c5a.pk}/").status_code == 404
    assert client.post(f"{ed.base}entry/new/", _form(ed, school_class=ed.c5a, teacher=ed.t1,
                                                      room=ed.r101)).status_code == 404
    assert not _entries(ed)


def test_a_member_of_another_school_is_refused(ed, school2):
    client = client_for(ed.cast.host, school2.admin)
    assert client.get(f"{ed.base}class/{ed.c5a.pk}/").status_code == 403


def test_the_administrator_creates_a_version(ed):
    with schema_context(ed.cast.school.schema_name):
        year = selectors.current_year()
        bells = BellSchedule.objects.get(is_default=True)
    response = ed.client.post("/timetable/editor/", {
        "name": "Со второй четверти", "valid_from": year.starts_on.isoformat(), "valid_to": year.ends_on.isoformat(),
        "bell_schedule": bells.pk, "copy_from": ed.version.pk})
    assert response.status_code == 302
    with schema_context(ed.cast.school.schema_name):
        created = TimetableVersion.objects.get(name="Со второй четверти")
    assert response["Location"] == f"/timetable/editor/{created.pk}/"
    assert ed.client.get("/timetable/editor/").status_code == 200
    assert ed.client.get(response["Location"]).status_code == 200


def test_the_class_grid_has_a_row_per_bell_and_a_column_per_school_day(ed):
    response = ed.client.get(f"{ed.base}class/{ed.c5a.pk}/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 7 and len(rows[0]["cells"]) == 5
    assert b'data-testid="add-5-7"' in response.content and b'data-testid="add-6-1"' not in response.content
    with schema_context(ed.cast.school.schema_name):
        from core.setup import school_settings

        settings = school_settings()
        settings.week_days = 6
        settings.save()
    response = ed.client.get(f"{ed.base}class/{ed.c5a.pk}/")
    assert len(response.context["rows"][0]["cells"]) == 6


def test_the_slot_form_opens_as_a_fragment_for_htmx_and_as_a_page_without(ed):
    url = f"{ed.base}entry/new/?weekday=2&bell=3&class={ed.c5a.pk}"
    fragment = ed.client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content and b'data-testid="entry-form"' in fragment.content
    assert fragment.context["form"].initial["weekday"] == "2"
    page = ed.client.get(url)
    assert b"<html" in page.content and b'data-testid="entry-form"' in page.content


def test_saving_a_lesson_shows_it_in_the_class_and_teacher_grids(ed):
    back = f"{ed.base}class/{ed.c5a.pk}/"
    response = ed.client.post(f"{ed.base}entry/new/", {
        **_form(ed, school_class=ed.c5a, teacher=ed.t1, room=ed.r101), "next": back}, headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == back
    [entry] = _entries(ed)
    grid = ed.client.get(back)
    assert f'data-testid="entry-{entry.pk}"'.encode() in grid.content
    teacher_grid = ed.client.get(f"{ed.base}teacher/{ed.t1.pk}/")
    assert f'data-testid="entry-{entry.pk}"'.encode() in teacher_grid.content
    assert grid.context["undo"] is not None


def test_a_conflicting_lesson_is_refused_with_the_message_and_nothing_saved(ed):
    ed.client.post(f"{ed.base}entry/new/", _form(ed, school_class=ed.c5a, teacher=ed.t1, room=ed.r101))
    response = ed.client.post(f"{ed.base}entry/new/", _form(ed, school_class=ed.c5b, teacher=ed.t1, room=ed.r102),
                              headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b'data-testid="refused"' in response.content
    assert [c.code for c in response.context["refused"]] == ["teacher"]
    assert len(_entries(ed)) == 1


def test_an_existing_conflict_is_highlighted_in_the_grid(ed):
    with schema_context(ed.cast.school.schema_name):
        # Written past the services (as an old import might have): the grid must still show it.
        for school_class in (ed.c5a, ed.c5b):
            entry = TemplateEntry.objects.create(version=ed.version, weekday=1, bell_number=1, subject=ed.math,
                                                 room=ed.r101)
            entry.classes.set([school_class])
    grid = ed.client.get(f"{ed.base}class/{ed.c5a.pk}/")
    assert b'class="slot conflict"' in grid.content
    assert [c.code for c in grid.context["conflicts"]] == ["room"]


def test_editing_and_removing_a_lesson_then_undo(ed):
    ed.client.post(f"{ed.base}entry/new/", _form(ed, school_class=ed.c5a, teacher=ed.t1, room=ed.r101))
    [entry] = _entries(ed)
    assert ed.client.get(f"{ed.base}entry/{entry.pk}/", headers={"HX-Request": "true"}).status_code == 200
    ed.client.post(f"{ed.base}entry/{entry.pk}/", _form(ed, school_class=ed.c5a, teacher=ed.t2, room=ed.r102,
                                                        bell=4))
    [moved] = _entries(ed)
    assert (moved.pk, moved.bell_number) == (entry.pk, 4)
    assert ed.client.post(f"{ed.base}undo/").status_code == 302
    [back] = _entries(ed)
    assert back.bell_number == 1 and back.room_id == ed.r101.pk
    ed.client.post(f"{ed.base}entry/{entry.pk}/delete/")
    assert not _entries(ed)
    ed.client.post(f"{ed.base}undo/")
    assert [e.pk for e in _entries(ed)] == [entry.pk]
    # Only one step is remembered.
    ed.client.post(f"{ed.base}undo/")
    assert [e.pk for e in _entries(ed)] == [entry.pk]


def test_copy_a_day_from_the_class_grid(ed):
    ed.client.post(f"{ed.base}entry/new/", _form(ed, school_class=ed.c5a, teacher=ed.t1, room=ed.r101))
    ed.client.post(f"{ed.base}entry/new/", _form(ed, school_class=ed.c5a, teacher=ed.t2, room=ed.r101, bell=2))
    response = ed.client.post(f"{ed.base}class/{ed.c5a.pk}/copy-day/", {"from_weekday": 1, "to_weekday": 3})
    assert response.status_code == 302
    assert sorted((e.weekday, e.bell_number) for e in _entries(ed)) == [(1, 1), (1, 2), (3, 1), (3, 2)]
    assert ed.client.get(f"{ed.base}class/{ed.c5a.pk}/copy-day/").status_code == 405


def test_csv_import_page_shows_problems_and_then_imports(ed):
    header = "класс;день;урок;предмет;учитель;кабинет;неделя;группа\n"
    bad = SimpleUploadedFile("t.csv", (header + "5А;Пн;9;Математика;;;;\n").encode())
    response = ed.client.post(f"{ed.base}import/", {"file": bad})
    assert response.status_code == 200
    assert [(p.row, p.column) for p in response.context["report"].problems] == [(2, "урок")]
    assert b'data-testid="import-problems"' in response.content
    assert not _entries(ed)
    good = SimpleUploadedFile("t.csv", (header + f"5А;Пн;1;Математика;{ed.t1.full_name};101;;\n").encode())
    assert ed.client.post(f"{ed.base}import/", {"file": good}).status_code == 302
    assert len(_entries(ed)) == 1


def _grid_queries(ed) -> int:
    url = f"{ed.base}class/{ed.c5a.pk}/"
    ed.client.get(url)  # warm the session and the caches
    with CaptureQueriesContext(connection) as queries:
        assert ed.client.get(url).status_code == 200
    return len([q for q in queries.captured_queries if not q["sql"].startswith("SET ")])


def test_the_class_grid_takes_the_same_number_of_queries_whatever_the_entries(ed):
    ed.client.post(f"{ed.base}entry/new/", _form(ed, school_class=ed.c5a, teacher=ed.t1, room=ed.r101))
    few = _grid_queries(ed)
    with schema_context(ed.cast.school.schema_name):
        rooms = list(Room.objects.order_by("pk")[:20])
        for day in range(1, 6):
            for bell in range(1, 8):
                entry = TemplateEntry.objects.create(version=ed.version, weekday=day, bell_number=bell,
                                                     subject=ed.math, room=rooms[bell])
                entry.classes.set([ed.c5a])
                entry.teachers.set([ed.t1, ed.t2])
    assert _grid_queries(ed) == few


# ----- drag and drop: the move endpoint -----

def _put(ed, *, school_class, teacher, room, weekday=1, bell=1) -> TemplateEntry:
    ed.client.post(f"{ed.base}entry/new/", _form(ed, school_class=school_class, teacher=teacher, room=room,
                                                 weekday=weekday, bell=bell))
    return _entries(ed)[-1]


def _move(ed, entry, weekday, bell, **headers):
    return ed.client.post(f"{ed.base}entry/{entry.pk}/move/", {"weekday": weekday, "bell_number": bell},
                          headers={"Accept": "application/json", **headers})


def test_dragging_a_lesson_to_a_free_cell_moves_it_and_can_be_undone(ed):
    entry = _put(ed, school_class=ed.c5a, teacher=ed.t1, room=ed.r101)
    ed.client.get(ed.base)  # shows (and so clears) the message of the save
    response = _move(ed, entry, 3, 4)
    assert response.status_code == 200 and response.json()["ok"] is True
    [moved] = _entries(ed)
    assert (moved.pk, moved.weekday, moved.bell_number, moved.room_id) == (entry.pk, 3, 4, ed.r101.pk)
    grid = ed.client.get(f"{ed.base}class/{ed.c5a.pk}/")
    assert [m.level_tag for m in grid.context["messages"]] == ["success"]
    ed.client.post(f"{ed.base}undo/")
    [back] = _entries(ed)
    assert (back.weekday, back.bell_number) == (1, 1)


def test_dragging_onto_a_clash_is_refused_with_the_same_messages_and_nothing_moves(ed):
    entry = _put(ed, school_class=ed.c5a, teacher=ed.t1, room=ed.r101)
    other = _put(ed, school_class=ed.c5b, teacher=ed.t1, room=ed.r102, weekday=2, bell=2)
    response = _move(ed, entry, 2, 2)
    assert response.status_code == 409
    data = response.json()
    assert data["ok"] is False and data["conflict_entry_ids"] == [other.pk]
    assert any(ed.t1.short_name in message for message in data["errors"])
    assert [(e.weekday, e.bell_number) for e in _entries(ed)] == [(1, 1), (2, 2)]


def test_a_drop_outside_the_bells_or_by_someone_else_is_refused(ed):
    entry = _put(ed, school_class=ed.c5a, teacher=ed.t1, room=ed.r101)
    assert _move(ed, entry, 2, 99).status_code == 400
    assert _move(ed, entry, "x", 1).status_code == 400
    teacher = client_for(ed.cast.host, ed.cast.teacher)
    response = teacher.post(f"{ed.base}entry/{entry.pk}/move/", {"weekday": 2, "bell_number": 2})
    assert response.status_code == 404
    assert ed.client.get(f"{ed.base}entry/{entry.pk}/move/").status_code == 405
    assert [(e.weekday, e.bell_number) for e in _entries(ed)] == [(1, 1)]


def test_the_move_works_as_a_plain_form_too(ed):
    entry = _put(ed, school_class=ed.c5a, teacher=ed.t1, room=ed.r101)
    back = f"{ed.base}class/{ed.c5a.pk}/"
    response = ed.client.post(f"{ed.base}entry/{entry.pk}/move/", {"weekday": 2, "bell_number": 3, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert [(e.weekday, e.bell_number) for e in _entries(ed)] == [(2, 3)]


def test_the_grid_offers_drag_and_drop_with_the_form_as_the_keyboard_way(ed):
    entry = _put(ed, school_class=ed.c5a, teacher=ed.t1, room=ed.r101)
    html = ed.client.get(f"{ed.base}class/{ed.c5a.pk}/").content.decode()
    assert f'data-move-url="/timetable/editor/{ed.version.pk}/entry/{entry.pk}/move/"' in html
    assert 'draggable="true"' in html and "editor-dnd.js" in html
    assert 'data-weekday="1" data-bell="1"' in html
    assert f'href="/timetable/editor/{ed.version.pk}/entry/{entry.pk}/?' in html  # the form, for the keyboard
