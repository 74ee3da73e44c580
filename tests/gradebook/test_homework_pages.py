"""Homework pages and API as people use them: the student's done / not done lists and
hand-in, the parent's view, the teacher's table with accept / return, giving homework
from a lesson, the administration's archive, downloads — and 404 for everyone else."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from core.models import Person
from gradebook.models import Homework, HomeworkStudent, Submission, SubmissionFile
from gradebook.services import homework as services
from tenants.models import Membership
from tests.conftest import DEMO_PASSWORD, client_for
from tests.gradebook.factories import Journal, journal_build
from timetable.models import SchoolClass, Subject, TeachingAssignment

Status = HomeworkStudent.Status
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def j(school1, in_school, settings, tmp_path) -> Journal:
    settings.MEDIA_ROOT = tmp_path
    with in_school(school1.school):
        yield journal_build(school1)


def give(j: Journal, **kwargs) -> Homework:
    kwargs.setdefault("subject", j.subject)
    kwargs.setdefault("school_class", j.school_class)
    kwargs.setdefault("text", "Выучить стихотворение")
    kwargs.setdefault("due_date", j.day + timedelta(days=1))
    return services.homework_create(j.teacher, **kwargs)


def item_of(homework: Homework, student: Person) -> HomeworkStudent:
    return HomeworkStudent.objects.get(homework=homework, student=student)


def other_class_teacher(cast, j: Journal) -> Account:
    """A signed-up teacher who teaches the subject, but in another class."""
    account = Account.objects.create_user("other-teacher@school1.parta.test", DEMO_PASSWORD, last_name="Другова",
                                          first_name="Ольга")
    Membership.objects.create(account=account, school=cast.school, roles=["teacher"])
    person = Person.objects.create(account=account, last_name="Другова", first_name="Ольга", roles=["teacher"])
    other = SchoolClass.objects.exclude(pk=j.school_class.pk).first()
    TeachingAssignment.objects.create(teacher=person, subject=j.subject, school_class=other)
    return account


def test_the_student_sees_only_their_own_homework_split_into_not_done_and_done(school1, j: Journal):
    todo = give(j, text="Задача про поезда", needs_submission=True)
    done = give(j, text="Прочитать главу 3")
    services.submission_create(j.student, item=item_of(done, j.student))
    only_theirs = give(j, text="Только для одноклассника", students=[j.classmate])
    student = client_for(school1.host, school1.student)

    page = student.get("/homework/").content.decode()
    not_done_part, done_part = page.split('data-testid="hw-done"')
    assert "Задача про поезда" in not_done_part and "Прочитать главу 3" in done_part
    assert "Только для одноклассника" not in page

    response = student.get(f"/homework/item/{item_of(todo, j.student).pk}/")
    assert response.status_code == 200 and "Задача про поезда" in response.content.decode()
    assert item_of(todo, j.student).status == Status.SEEN  # the first open
    assert student.get(f"/homework/item/{item_of(only_theirs, j.classmate).pk}/").status_code == 404
    assert student.get(f"/homework/{todo.pk}/").status_code == 404
    assert student.get("/homework/archive/").status_code == 404


def test_done_homework_comes_in_pages_of_20_and_not_done_stays_complete(school1, j: Journal):
    HomeworkStudent.objects.filter(student=j.student).delete()  # the demo's own homework
    todo = [give(j, text=f"Не сделано {n}", students=[j.student]) for n in range(3)]
    done = [give(j, text=f"Сделано {n:02d}", students=[j.student], due_date=j.day - timedelta(days=n))
            for n in range(25)]
    HomeworkStudent.objects.filter(homework__in=done).update(status=Status.ACCEPTED)
    student = client_for(school1.host, school1.student)

    def parts(url: str) -> tuple[str, str]:
        page = student.get(url).content.decode()
        return tuple(page.split('data-testid="hw-done"'))

    not_done_part, done_part = parts("/homework/")
    assert all(f"Не сделано {n}" in not_done_part for n in range(len(todo)))
    assert done_part.count("Сделано ") == 20 and "Сделано 00" in done_part and "Сделано 20" not in done_part
    assert 'data-testid="pager"' in done_part and 'href="?page=2#hw-done"' in done_part
    not_done_part, done_part = parts("/homework/?page=2")
    assert all(f"Не сделано {n}" in not_done_part for n in range(len(todo)))
    assert done_part.count("Сделано ") == 5 and "Сделано 24" in done_part


def test_the_parent_sees_their_childs_homework_and_nobody_elses(school1, j: Journal):
    homework = give(j, text="Нарисовать карту")
    parent = client_for(school1.host, school1.parent)
    assert "Нарисовать карту" in parent.get("/homework/").content.decode()
    assert "Нарисовать карту" in parent.get(f"/homework/?child={j.student.pk}").content.decode()
    mine = parent.get(f"/homework/item/{item_of(homework, j.student).pk}/")
    assert mine.status_code == 200
    assert item_of(homework, j.student).status == Status.ASSIGNED  # a parent's look is not the student's
    assert parent.get(f"/homework/item/{item_of(homework, j.classmate).pk}/").status_code == 404
    assert parent.get(f"/homework/?child={j.classmate.pk}").status_code == 404
    assert parent.get(f"/homework/{homework.pk}/").status_code == 404


def test_hand_in_with_a_file_then_the_teacher_accepts_with_a_mark(school1, j: Journal):
    homework = give(j, needs_submission=True)
    item = item_of(homework, j.student)
    student = client_for(school1.host, school1.student)
    response = student.post(f"/homework/item/{item.pk}/submit/", {
        "text": "Мой ответ", "files": [SimpleUploadedFile("ответ.pdf", PDF)]})
    assert response.status_code == 302
    assert item_of(homework, j.student).status == Status.SUBMITTED

    teacher = client_for(school1.host, school1.teacher)
    table = teacher.get(f"/homework/{homework.pk}/").content.decode()
    assert "Мой ответ" in table and "ответ.pdf" in table and j.student.short_name in table

    stored = SubmissionFile.objects.get(submission__item=item)
    download = teacher.get(f"/homework/submission-files/{stored.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert client_for(school1.host, school1.parent).get(f"/homework/submission-files/{stored.pk}/").status_code == 200

    row = teacher.post(f"/homework/item/{item.pk}/accept/", {"raw": "5", "comment": "Отлично"},
                       HTTP_HX_REQUEST="true")
    assert row.status_code == 200
    assert f'data-testid="hw-mark-{item.pk}">5<' in row.content.decode()
    assert item_of(homework, j.student).mark.raw == "5"
    assert "5" in student.get(f"/homework/item/{item.pk}/").content.decode()


def test_a_bad_mark_or_file_shows_a_clear_error_and_saves_nothing(school1, j: Journal):
    homework = give(j, needs_submission=True)
    item = item_of(homework, j.student)
    student = client_for(school1.host, school1.student)
    response = student.post(f"/homework/item/{item.pk}/submit/", {
        "text": "Ответ", "files": [SimpleUploadedFile("ответ.pdf", b"<html><body>not a pdf</body></html>")]})
    assert response.status_code == 200
    assert "ответ.pdf" in response.content.decode() and 'role="alert"' in response.content.decode()
    assert not Submission.objects.filter(item=item).exists()

    services.submission_create(j.student, item=item, text="Ответ")
    teacher = client_for(school1.host, school1.teacher)
    row = teacher.post(f"/homework/item/{item.pk}/accept/", {"raw": "7"}, HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and 'class="hw-error"' in row.content.decode()
    assert item_of(homework, j.student).status == Status.SUBMITTED
    back = teacher.post(f"/homework/item/{item.pk}/return/", {"comment": "Допиши вывод"})
    assert back.status_code == 302
    assert item_of(homework, j.student).status == Status.RETURNED


def test_accept_and_return_in_place_update_the_counters_too(school1, j: Journal):
    """The htmx answer carries the status counters out of band, so they are not stale."""
    homework = give(j, needs_submission=True)
    mine, theirs = item_of(homework, j.student), item_of(homework, j.classmate)
    services.submission_create(j.student, item=mine, text="Ответ")
    services.submission_create(j.classmate, item=theirs, text="Ответ")
    teacher = client_for(school1.host, school1.teacher)

    def counts(html: str) -> dict[str, int]:
        return {k: int(v) for k, v in re.findall(
            r'data-testid="hw-count-(\w+)"><span class="stat-value">(\d+)<', html)}

    page = teacher.get(f"/homework/{homework.pk}/").content.decode()
    assert 'id="hw-status-counts"' in page and "hx-swap-oob" not in page
    before = counts(page)
    assert before["submitted"] == 2 and before["accepted"] == 0

    row = teacher.post(f"/homework/item/{mine.pk}/accept/", {"raw": "5"}, HTTP_HX_REQUEST="true").content.decode()
    assert row.lstrip().startswith(f'<tbody id="item-{mine.pk}"')
    oob = row.split("<template>", 1)[1]
    assert 'id="hw-status-counts"' in oob and 'hx-swap-oob="true"' in oob
    assert counts(oob) == {**before, "submitted": 1, "accepted": 1}

    row = teacher.post(f"/homework/item/{theirs.pk}/return/", {"comment": "Допиши"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert counts(row.split("<template>", 1)[1]) == {**before, "submitted": 0, "accepted": 1, "returned": 1}
    assert counts(teacher.get(f"/homework/{homework.pk}/").content.decode()) == counts(row)


def test_a_teacher_of_another_class_gets_404(school1, j: Journal):
    homework = give(j, needs_submission=True, files=[SimpleUploadedFile("task.pdf", PDF)])
    item = item_of(homework, j.student)
    services.submission_create(j.student, item=item, text="Ответ")
    other = client_for(school1.host, other_class_teacher(school1, j))
    file_id = homework.files.get().pk
    for url in (f"/homework/{homework.pk}/", f"/homework/{homework.pk}/edit/", f"/homework/item/{item.pk}/",
                f"/homework/files/{file_id}/", f"/api/v1/gradebook/homework/{homework.pk}/",
                f"/api/v1/gradebook/homework/items/{item.pk}/"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/homework/item/{item.pk}/accept/", {"raw": "2"}).status_code == 404
    assert other.post(f"/homework/{homework.pk}/delete/").status_code == 404
    assert item_of(homework, j.student).status == Status.SUBMITTED
    assert Homework.objects.filter(pk=homework.pk).exists()
    # The student of the class downloads the teacher's file; another class's student does not.
    assert client_for(school1.host, school1.student).get(f"/homework/files/{file_id}/").status_code == 200


def test_giving_homework_from_a_lesson(school1, j: Journal):
    teacher = client_for(school1.host, school1.teacher)
    form = teacher.get(f"/homework/new/?lesson={j.lesson.pk}")
    assert form.status_code == 200
    due = j.lesson_at(j.day + timedelta(days=2), bell=9)
    response = teacher.post(f"/homework/new/?lesson={j.lesson.pk}", {
        "text": "Упражнение 105", "due_lesson": due.pk, "needs_submission": "on",
        "links": "https://example.org/task\n", "files": [SimpleUploadedFile("лист.pdf", PDF)]})
    assert response.status_code == 302, response.content.decode()[:2000]
    homework = Homework.objects.get(text="Упражнение 105")
    assert (homework.lesson, homework.due_lesson, homework.due_date) == (j.lesson, due, due.date)
    assert homework.needs_submission and homework.links == ["https://example.org/task"]
    assert homework.files.get().name == "лист.pdf"
    assert response["Location"] == f"/homework/{homework.pk}/"

    empty = teacher.post(f"/homework/new/?lesson={j.lesson.pk}", {"text": ""})
    assert empty.status_code == 200 and 'role="alert"' in empty.content.decode()

    foreign = j.lesson_at(bell=10, teachers=[j.other_teacher], subject=Subject.objects.exclude(pk=j.subject.pk)
                          .first())
    assert teacher.get(f"/homework/new/?lesson={foreign.pk}").status_code == 404
    assert client_for(school1.host, school1.student).get("/homework/new/").status_code == 404


def test_the_archive_is_for_the_administration(school1, j: Journal):
    give(j, text="Архивное задание")
    assert client_for(school1.host, school1.teacher).get("/homework/archive/").status_code == 404
    assert client_for(school1.host, school1.parent).get("/homework/archive/").status_code == 404
    deputy = client_for(school1.host, school1.deputy)
    page = deputy.get(f"/homework/archive/?school_class={j.school_class.pk}&subject={j.subject.pk}"
                      f"&teacher={j.teacher.pk}&date_from={j.day}")
    assert page.status_code == 200 and "Архивное задание" in page.content.decode()
    other_class = SchoolClass.objects.exclude(pk=j.school_class.pk).first()
    assert "Архивное задание" not in deputy.get(f"/homework/archive/?school_class={other_class.pk}").content.decode()


def test_list_pages_run_a_constant_number_of_queries(school1, j: Journal):
    student = client_for(school1.host, school1.student)
    teacher = client_for(school1.host, school1.teacher)
    parent = client_for(school1.host, school1.parent)

    def measure() -> list[int]:
        counts = []
        for client in (student, teacher, parent):
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/homework/").status_code == 200
            counts.append(len(queries))
        return counts

    first = give(j, needs_submission=True)
    services.submission_create(j.student, item=item_of(first, j.student), text="Ответ")
    give(j)
    measure()  # the first request of a session warms per-session caches
    before = measure()
    for n in range(5):
        homework = give(j, text=f"Ещё {n}", needs_submission=True)
        services.submission_create(j.student, item=item_of(homework, j.student), text="Ответ")
        give(j, text=f"Несделанное {n}")
    assert measure() == before


def test_api_lists_details_hand_in_and_check(school1, j: Journal):
    homework = give(j, needs_submission=True, text="API-задание")
    item = item_of(homework, j.student)
    student = client_for(school1.host, school1.student)
    items = student.get("/api/v1/gradebook/homework/items/?state=not_done").json()["results"]
    assert [row["id"] for row in items if row["homework"]["text"] == "API-задание"] == [item.pk]
    assert student.get("/api/v1/gradebook/homework/").json()["results"] == []
    assert student.get(f"/api/v1/gradebook/homework/items/{item_of(homework, j.classmate).pk}/").status_code == 404
    assert client_for(school1.host, school1.parent).get(
        f"/api/v1/gradebook/homework/items/?child={j.classmate.pk}").status_code == 404

    handed = student.post(f"/api/v1/gradebook/homework/items/{item.pk}/submissions/",
                          {"text": "Ответ через API", "files": [SimpleUploadedFile("a.pdf", PDF)]})
    assert handed.status_code == 201, handed.content
    assert handed.json()["status"] == "submitted"
    assert handed.json()["submissions"][0]["files"][0]["name"] == "a.pdf"
    again = student.post(f"/api/v1/gradebook/homework/items/{item.pk}/submissions/", {"text": "ещё"})
    assert again.status_code == 400 and again.json()["code"] == "bad_status"

    teacher = client_for(school1.host, school1.teacher)
    given = teacher.get("/api/v1/gradebook/homework/").json()["results"]
    row = next(r for r in given if r["id"] == homework.pk)
    assert row["counts"]["submitted"] == 1 and row["counts"]["total"] == homework.students.count()
    detail = teacher.get(f"/api/v1/gradebook/homework/{homework.pk}/").json()
    assert {i["id"] for i in detail["items"]} == set(homework.students.values_list("pk", flat=True))
    assert student.post(f"/api/v1/gradebook/homework/items/{item.pk}/accept/", {"raw": "5"}).status_code == 404
    accepted = teacher.post(f"/api/v1/gradebook/homework/items/{item.pk}/accept/", {"raw": "5"},
                            content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["mark"]["raw"] == "5"


def test_the_homework_api_is_in_the_openapi_schema(school1):
    schema = client_for(school1.host, school1.teacher).get("/api/schema/").content.decode()
    for path in ("/api/v1/gradebook/homework/", "/api/v1/gradebook/homework/items/",
                 "/api/v1/gradebook/homework/items/{item_id}/submissions/",
                 "/api/v1/gradebook/homework/items/{item_id}/accept/"):
        assert path in schema, path


def test_post_only_routes_answer_404_before_405(school1, j: Journal):
    homework = give(j, needs_submission=True)
    item = item_of(homework, j.student)
    teacher = client_for(school1.host, school1.teacher)
    assert teacher.get(f"/homework/item/{item.pk}/accept/").status_code == 405
    assert teacher.get("/homework/item/987654/accept/").status_code == 404
    assert client_for(school1.host, school1.student).get(f"/homework/item/{item.pk}/submit/").status_code == 405
    assert client_for(school1.host, school1.admin).get("/homework/987654/delete/").status_code == 404
    assert item_of(homework, j.student).status == Status.ASSIGNED
