"""A mark's comment and "not counted in the average": saved from the lesson page (the plain
form; the same inputs journal.js saves through the cell endpoint) and from the grid's cell
endpoint (the history dialog's form); each change writes history and refreshes the average;
only who may write the mark may change them; the grid shows them."""

from __future__ import annotations

import re
from decimal import Decimal

from gradebook.models import JournalChange, Mark, PeriodMark
from gradebook.services.marks import mark_set, period_of
from tests.gradebook import test_journal_world
from tests.gradebook.factories import work_make
from tests.gradebook.test_journal_world import World

world = test_journal_world.world  # the fixture, shared by the journal tests

CELL = "/journal/cell/"


def _average(w: World, student) -> Decimal | None:
    period = period_of(w.j.school_class, w.j.day)
    row = PeriodMark.objects.filter(student=student, subject=w.j.subject, kind=PeriodMark.Kind.PERIOD,
                                    period=period).first()
    return row.average if row else None


def _two_marks(w: World):
    """A newcomer with a 5 and a 2 in two works of the lesson (same weight): average 3.5."""
    s = w.j.newcomer()
    first = work_make(w.j.school_class, w.j.subject, day=w.j.day, lesson=w.j.lesson)
    second = work_make(w.j.school_class, w.j.subject, day=w.j.day, lesson=w.j.lesson)
    five = mark_set(w.j.teacher, work=first, student=s, raw="5")
    two = mark_set(w.j.teacher, work=second, student=s, raw="2")
    assert _average(w, s) == Decimal("3.50")
    return s, five, two


def _form(s, mark: Mark, **fields) -> dict:
    """The lesson page's inputs for a one-mark cell, as the page renders them."""
    sfx = f"{s.pk}-w{mark.work_id}"
    data = {"action": "save", "topic": "", "description": "", f"m-{sfx}": mark.raw, f"o-{sfx}": mark.raw,
            f"v-{sfx}": str(mark.version), f"c-{sfx}": mark.comment, f"co-{sfx}": mark.comment,
            f"xo-{sfx}": "1" if mark.excluded else ""}
    if mark.excluded:
        data[f"x-{sfx}"] = "1"
    for name, value in fields.items():
        key = f"{name}-{sfx}"
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def test_lesson_page_form_saves_comment_and_exclusion_and_the_average_follows(world: World):
    s, _five, two = _two_marks(world)
    url = f"/journal/lessons/{world.j.lesson.pk}/"

    page = world.teacher.get(url).content.decode()
    assert f'name="c-{s.pk}-w{two.work_id}"' in page and f'name="x-{s.pk}-w{two.work_id}"' in page
    assert 'data-testid="mark-details-button"' in page

    response = world.teacher.post(url, _form(s, two, c="Списал", x="1"))

    assert response.status_code == 302
    two.refresh_from_db()
    assert (two.raw, two.comment, two.excluded) == ("2", "Списал", True)
    assert _average(world, s) == Decimal("5.00")  # the 2 is not counted
    change = JournalChange.objects.filter(kind="mark", object_id=two.pk).order_by("-pk").first()
    assert change.action == JournalChange.Action.UPDATE
    assert (change.before["raw"], change.before["comment"], change.before["excluded"]) == ("2", "", False)
    assert (change.after["raw"], change.after["comment"], change.after["excluded"]) == ("2", "Списал", True)
    page = world.teacher.get(url).content.decode()
    assert 'title="Списал"' in page and "jr-excluded" in page and 'value="Списал"' in page

    # Unticking the box (an unticked checkbox is not posted) counts the mark again.
    response = world.teacher.post(url, _form(s, two, x=None))
    assert response.status_code == 302
    two.refresh_from_db()
    assert two.excluded is False and two.comment == "Списал"
    assert _average(world, s) == Decimal("3.50")
    assert JournalChange.objects.filter(kind="mark", object_id=two.pk).count() == 3
    # A form that does not carry the details (an older page) changes neither.
    world.teacher.post(url, {"action": "save", f"m-{s.pk}-w{two.work_id}": "3", f"o-{s.pk}-w{two.work_id}": "2",
                             f"v-{s.pk}-w{two.work_id}": str(two.version)})
    two.refresh_from_db()
    assert (two.raw, two.comment, two.excluded) == ("3", "Списал", False)


def test_lesson_page_refuses_a_comment_without_a_mark_and_shows_it(world: World):
    s = world.j.newcomer()
    sfx = f"{s.pk}-d{world.j.school_class.pk}"
    response = world.teacher.post(f"/journal/lessons/{world.j.lesson.pk}/", {
        "action": "save", f"m-{sfx}": "", f"o-{sfx}": "", f"v-{sfx}": "", f"c-{sfx}": "Нет тетради",
        f"co-{sfx}": "", f"xo-{sfx}": ""})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Нет тетради"' in html and 'data-testid="form-error"' in html
    assert not Mark.objects.filter(student=s).exists()


def test_lesson_page_saves_the_comment_of_one_of_several_marks(world: World):
    s = world.j.newcomer()
    work = work_make(world.j.school_class, world.j.subject, day=world.j.day, lesson=world.j.lesson,
                     allows_several=True)
    mark_set(world.j.teacher, work=work, student=s, raw="5")
    second = mark_set(world.j.teacher, work=work, student=s, raw="3", position=1)
    sfx = f"{s.pk}-w{work.pk}-1"
    url = f"/journal/lessons/{world.j.lesson.pk}/"
    assert f'name="c-{sfx}"' in world.teacher.get(url).content.decode()

    response = world.teacher.post(url, {"action": "save", f"c-{sfx}": "С места", f"co-{sfx}": "",
                                        f"x-{sfx}": "1", f"xo-{sfx}": "", f"v-{sfx}": str(second.version)})

    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.raw, second.comment, second.excluded) == ("3", "С места", True)
    assert Mark.objects.get(work=work, student=s, position=0).comment == ""
    assert _average(world, s) == Decimal("5.00")
    html = world.teacher.get(url).content.decode()
    assert 'class="jr-mk jr-ex jr-cm"' in html


def test_cell_endpoint_saves_comment_and_exclusion_keeping_its_json(world: World):
    s, five, two = _two_marks(world)
    base = {"kind": "mark", "student": s.pk, "work": two.work_id, "position": 0}

    response = world.teacher.post(CELL, {**base, "version": two.version, "comment": "Списал", "excluded": "1"})

    assert response.status_code == 200
    data = response.json()
    assert data["ok"] and data["text"] == "2" and data["raw"] == "2" and data["id"] == two.pk
    assert data["work"] == two.work_id and data["version"] == two.version + 1 and data["position"] == 0
    assert data["comment"] == "Списал" and data["excluded"] is True
    assert data["marks"] == [{"id": two.pk, "raw": "2", "comment": "Списал", "excluded": True,
                              "version": two.version + 1, "position": 0}]
    assert data["average"] in ("5,00", "5.00") and data["proposed"] == "5"
    two.refresh_from_db()
    assert (two.raw, two.comment, two.excluded) == ("2", "Списал", True)
    assert JournalChange.objects.filter(kind="mark", object_id=two.pk, action="update").count() == 1

    # The grid shows it struck through, with a comment marker and the comment as the tooltip.
    grid = world.teacher.get(f"/journal/{world.j.school_class.pk}/{world.j.subject.pk}/"
                             f"?period={period_of(world.j.school_class, world.j.day).pk}").content.decode()
    assert re.search(rf'data-m="{two.pk}" data-p="0"><span class="jr-mk jr-ex jr-cm" title="[^"]+; Списал">2'
                     rf'<span class="visually-hidden"> \([^)]+; Списал\)</span></span></td>', grid)
    assert f'data-m="{five.pk}" data-p="0">5</td>' in grid  # a plain mark stays plain

    # The history shows the change and, to its teacher, the form to edit it.
    history = world.teacher.get(f"/journal/history/mark/{two.pk}/?partial=1").content.decode()
    assert "Списал" in history and 'data-testid="mark-details"' in history
    assert 'name="comment" value="Списал"' in history

    # The dialog's form: `details=1` reads the unticked checkbox as "counted".
    again = world.teacher.post(CELL, {**base, "version": data["version"], "comment": "", "details": "1"})
    assert again.status_code == 200 and again.json()["excluded"] is False
    assert again.json()["average"] in ("3,50", "3.50")
    two.refresh_from_db()
    assert (two.comment, two.excluded) == ("", False)

    # A stale version is a conflict, not an overwrite.
    stale = world.teacher.post(CELL, {**base, "version": data["version"], "excluded": "1"})
    assert stale.status_code == 409
    assert Mark.objects.get(pk=two.pk).excluded is False


def test_cell_endpoint_plain_form_goes_back_to_the_page(world: World):
    s, _five, two = _two_marks(world)
    back = f"/journal/history/mark/{two.pk}/"
    response = world.teacher.post(CELL, {"kind": "mark", "student": s.pk, "work": two.work_id, "position": 0,
                                         "version": two.version, "comment": "Исправил", "details": "1",
                                         "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert Mark.objects.get(pk=two.pk).comment == "Исправил"
    # JSON still, for whoever asks for it (journal.js sends Accept: application/json).
    json_response = world.teacher.post(CELL, {"kind": "mark", "student": s.pk, "work": two.work_id, "position": 0,
                                              "version": two.version + 1, "comment": "", "next": "https://evil.test/"},
                                       HTTP_ACCEPT="application/json")
    assert json_response.status_code == 200 and json_response.json()["ok"]
    off_site = world.teacher.post(CELL, {"kind": "mark", "student": s.pk, "work": two.work_id, "position": 0,
                                         "version": two.version + 2, "comment": "x", "next": "https://evil.test/"})
    assert off_site.status_code == 200  # never redirected off the site


def test_another_teacher_cannot_comment_or_exclude(world: World, school1):
    s, _five, two = _two_marks(world)
    fields = {"kind": "mark", "student": s.pk, "work": two.work_id, "position": 0, "version": two.version,
              "comment": "Чужой", "excluded": "1"}
    # A colleague teaching another subject in the class reads the journal, writes nothing.
    colleague = world.client(world.colleague)
    assert colleague.post(CELL, fields).status_code == 403
    history = colleague.get(f"/journal/history/mark/{two.pk}/?partial=1")
    assert history.status_code == 200 and 'data-testid="mark-details"' not in history.content.decode()
    assert colleague.post(f"/journal/lessons/{world.j.lesson.pk}/", _form(s, two, c="Чужой", x="1")).status_code \
        == 403
    # A teacher with nothing in the class and a parent: not found.
    assert world.client(world.stranger).post(CELL, fields).status_code == 404
    assert world.client(world.stranger).get(f"/journal/history/mark/{two.pk}/?partial=1").status_code == 404
    assert world.client(school1.parent).post(CELL, fields).status_code == 404
    two.refresh_from_db()
    assert (two.comment, two.excluded) == ("", False)
    assert _average(world, s) == Decimal("3.50")
    # The administration may.
    assert world.client(school1.admin).post(CELL, fields).status_code == 200
    assert Mark.objects.get(pk=two.pk).excluded is True
