"""Importing staff, students and parents from XLSX and CSV: check first, write all or nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from core import errors
from core.models import Enrollment, Guardianship, PeopleImport, Person, SchoolClass
from core.services.imports import people_import_apply, people_import_check
from tests.conftest import client_for
from tests.core.helpers import csv_bytes, xlsx_bytes

STUDENTS_HEAD = ["Фамилия", "Имя", "Отчество", "Дата рождения", "Класс", "E-mail", "Телефон", "Внешний ID"]
PARENTS_HEAD = ["Фамилия", "Имя", "Отчество", "Дата рождения", "Кем приходится", "E-mail", "Телефон",
                "Внешний ID", "ФИО ребёнка", "Дата рождения ребёнка", "Внешний ID ребёнка"]
STAFF_HEAD = ["Фамилия", "Имя", "Отчество", "Дата рождения", "Должность", "Роли", "E-mail", "Телефон",
              "Внешний ID"]


def _students() -> list[list[object]]:
    return [
        STUDENTS_HEAD,
        ["Импортова", "Алиса", "Сергеевна", "05.03.2014", "5А", "", "", "IMP-1"],
        ["Импортов", "Борис", "Олегович", date(2014, 4, 6), "5В", "", "+7 912 000-00-01", "IMP-2"],
        ["ИМПОРТОВА", "ВЕРА", "", "2013-11-30", "6 в", "vera@example.ru", "", ""],
    ]


def _check(school, kind: str, content: bytes, name: str = "list.xlsx") -> PeopleImport:
    with tenant_context(school.school):
        admin = Person.objects.get(account_id=school.admin.pk)
        return people_import_check(actor=admin, kind=kind, file_name=name, content=content)


def _apply(school, job: PeopleImport) -> PeopleImport:
    with tenant_context(school.school):
        admin = Person.objects.get(account_id=school.admin.pk)
        return people_import_apply(actor=admin, people_import=job)


def _snapshot(school) -> dict[str, object]:
    with tenant_context(school.school):
        return {
            "people": sorted(Person.objects.values_list(
                "pk", "last_name", "first_name", "middle_name", "birth_date", "email", "phone", "external_id",
                "position", "roles", "is_active")),
            "classes": sorted(SchoolClass.objects.values_list("pk", "grade", "letter")),
            "enrollments": sorted(Enrollment.objects.values_list("student_id", "school_class_id", "enrolled_on")),
            "links": sorted(Guardianship.objects.values_list("parent_id", "child_id", "kind")),
        }


# ---------------------------------------------------------------- checking


def test_problems_are_reported_per_row_and_column_and_nothing_is_written(school1):
    before = _snapshot(school1)
    content = csv_bytes([
        STUDENTS_HEAD,
        ["Верный", "Пётр", "", "01.09.2014", "5А", "", "", ""],
        ["", "Безфамильный", "", "01.09.2014", "5А", "", "", ""],
        ["Датов", "Иван", "", "31.02.2014", "5А", "", "", ""],
        ["Классов", "Иван", "", "01.09.2014", "15Ж", "почта", "123", ""],
        ["Малышов", "Иван", "", date.today().replace(year=date.today().year - 2).strftime("%d.%m.%Y"), "1А", "",
         "", ""],
        ["Верный", "Пётр", "", "01.09.2014", "5А", "", "", ""],
    ])
    job = _check(school1, "students", content, "list.csv")
    assert job.status == PeopleImport.Status.REJECTED
    found = {(p["row"], p["column"], p["code"]) for p in job.report["problems"]}
    assert found == {
        (3, "Фамилия", errors.REQUIRED),
        (4, "Дата рождения", errors.BAD_DATE),
        (5, "Класс", errors.BAD_CLASS),
        (5, "E-mail", errors.BAD_EMAIL),
        (5, "Телефон", errors.BAD_PHONE),
        (6, "Дата рождения", errors.BAD_BIRTH_DATE),
        (7, "Фамилия", errors.DUPLICATE_ROW),
    }
    messages = {p["row"]: p["message"] for p in job.report["problems"]}
    assert messages[3] == "Заполните этот столбец."
    assert messages[7] == "Тот же человек, что в строке 2."
    assert job.content == b""  # a rejected file is not kept
    assert _snapshot(school1) == before


def test_the_report_page_lists_row_column_and_problem(school1):
    client = client_for(school1.host, school1.admin)
    content = csv_bytes([STUDENTS_HEAD, ["Датов", "Иван", "", "вчера", "5А", "", "", ""]])
    response = client.post("/people/import/", {
        "group": "students", "file": SimpleUploadedFile("ученики.csv", content, "text/csv"),
    }, follow=True)
    body = response.content.decode()
    assert "В файле есть ошибки. Ничего не записано." in body
    assert "<td>2</td><td>Дата рождения</td><td>«вчера» — не дата. Пишите ДД.ММ.ГГГГ.</td>" in body
    assert "Записать в школу" not in body


def test_a_file_without_a_required_column_is_refused_as_a_whole(school1):
    job = _check(school1, "students", csv_bytes([["Фамилия", "Имя"], ["Без", "Класса"]]), "x.csv")
    assert job.status == PeopleImport.Status.REJECTED
    columns = {(p["column"], p["code"]) for p in job.report["problems"]}
    assert columns == {("Дата рождения", errors.MISSING_COLUMN), ("Класс", errors.MISSING_COLUMN)}


@pytest.mark.parametrize(("name", "content", "code"), [
    ("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, errors.FILE_UNREADABLE),
    ("broken.xlsx", b"PK\x03\x04 broken", errors.FILE_UNREADABLE),
    ("empty.csv", b"", errors.FILE_EMPTY),
    ("header-only.csv", "Фамилия,Имя\n".encode(), errors.FILE_EMPTY),
])
def test_unreadable_files_get_one_clear_problem(school1, name, content, code):
    job = _check(school1, "students", content, name)
    assert [p["code"] for p in job.report["problems"]] == [code]


# ---------------------------------------------------------------- writing


def test_students_are_written_with_new_classes_announced_first(school1):
    job = _check(school1, "students", xlsx_bytes(_students()))
    assert job.status == PeopleImport.Status.CHECKED, job.report["problems"]
    assert job.report["classes_to_create"] == ["5В", "6В"]
    assert job.report["counts"] == {"create": 3, "update": 0, "same": 0}
    with tenant_context(school1.school):
        assert not Person.objects.filter(last_name__startswith="Импортов").exists()  # nothing before confirming
    job = _apply(school1, job)
    assert job.status == PeopleImport.Status.APPLIED
    assert job.summary["created"] == 3
    assert job.summary["classes_created"] == ["5В", "6В"]
    with tenant_context(school1.school):
        vera = Person.objects.get(last_name="Импортова", first_name="Вера")  # capitals are tidied up
        assert vera.roles == ["student"]
        assert Enrollment.objects.get(student=vera).school_class.name == "6В"
        boris = Person.objects.get(external_id="IMP-2")
        assert boris.phone == "+79120000001"
        assert boris.birth_date == date(2014, 4, 6)


def test_reimporting_the_same_file_changes_nothing(school1):
    content = xlsx_bytes(_students())
    _apply(school1, _check(school1, "students", content))
    before = _snapshot(school1)
    again = _check(school1, "students", content)
    assert again.report["counts"] == {"create": 0, "update": 0, "same": 3}
    assert again.report["classes_to_create"] == []
    again = _apply(school1, again)
    assert again.summary["created"] == again.summary["updated"] == 0
    assert _snapshot(school1) == before


def test_csv_from_russian_excel_and_xlsx_are_read_alike(school1):
    rows = _students()
    from_csv = _check(school1, "students", csv_bytes(rows, encoding="cp1251", delimiter=";"), "list.csv")
    from_xlsx = _check(school1, "students", xlsx_bytes(rows))
    assert from_csv.status == from_xlsx.status == PeopleImport.Status.CHECKED
    assert from_csv.report["rows"] == from_xlsx.report["rows"]
    utf8 = _check(school1, "students", b"\xef\xbb\xbf" + csv_bytes(rows), "list.csv")  # with a BOM
    assert utf8.report["rows"] == from_xlsx.report["rows"]


def test_one_bad_row_means_no_row_is_written(school1):
    before = _snapshot(school1)
    rows = [*_students(), ["Плохов", "Пётр", "", "01.01.2014", "5А", "", "", "IMP-1"]]  # IMP-1 twice
    job = _check(school1, "students", xlsx_bytes(rows))
    assert job.status == PeopleImport.Status.REJECTED
    assert [(p["row"], p["column"], p["code"]) for p in job.report["problems"]] == [
        (5, "Внешний ID", errors.DUPLICATE_ROW)
    ]
    assert _snapshot(school1) == before


def test_a_failure_while_writing_leaves_nothing_behind(school1, monkeypatch):
    job = _check(school1, "students", xlsx_bytes(_students()))
    before = _snapshot(school1)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Enrollment.objects, "bulk_create", boom)  # after people and classes are inserted
    with pytest.raises(RuntimeError):
        _apply(school1, job)
    assert _snapshot(school1) == before
    with tenant_context(school1.school):
        assert PeopleImport.objects.get(pk=job.pk).status == PeopleImport.Status.CHECKED


def test_an_import_is_written_once(school1):
    job = _apply(school1, _check(school1, "students", xlsx_bytes(_students())))
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        _apply(school1, job)
    assert caught.value.code == errors.IMPORT_ALREADY_APPLIED


def test_the_school_changing_between_check_and_confirmation_is_caught(school1):
    job = _check(school1, "students", xlsx_bytes(_students()))
    with tenant_context(school1.school):
        Person.objects.create(last_name="Занятов", first_name="Иван", roles=["teacher"], external_id="IMP-1")
    job = _apply(school1, job)
    assert job.status == PeopleImport.Status.REJECTED
    assert job.report["problems"][0]["code"] == errors.KIND_CONFLICT
    with tenant_context(school1.school):
        assert not Person.objects.filter(last_name__startswith="Импортов").exists()


def test_a_student_found_by_external_id_is_updated_and_moved(school1):
    _apply(school1, _check(school1, "students", xlsx_bytes(_students())))
    rows = [STUDENTS_HEAD, ["Импортова-Ли", "Алиса", "Сергеевна", "05.03.2014", "6А", "", "8 900 123 45 67", "IMP-1"]]
    job = _check(school1, "students", xlsx_bytes(rows))
    assert job.report["counts"] == {"create": 0, "update": 1, "same": 0}
    changes = job.report["rows"][0]["changes"]
    assert "фамилия" in changes
    assert "класс: 5А → 6А" in changes
    _apply(school1, job)
    with tenant_context(school1.school):
        alice = Person.objects.get(external_id="IMP-1")
        assert alice.last_name == "Импортова-Ли"
        assert Enrollment.objects.get(student=alice).school_class.name == "6А"


def test_parents_are_linked_to_children_by_name_and_birth_date_or_by_external_id(school1):
    _apply(school1, _check(school1, "students", xlsx_bytes(_students())))
    rows = [
        PARENTS_HEAD,
        ["Импортова", "Мария", "Петровна", "", "мать", "mama@example.ru", "", "P-1", "Импортова Алиса Сергеевна",
         "05.03.2014", ""],
        ["Импортова", "Мария", "Петровна", "", "Мама", "", "", "P-1", "", "", "IMP-2"],
        ["Импортов", "Сергей", "", "", "отец", "", "", "", "ИМПОРТОВА АЛИСА СЕРГЕЕВНА", "05.03.2014", ""],
    ]
    job = _check(school1, "parents", xlsx_bytes(rows))
    assert job.status == PeopleImport.Status.CHECKED, job.report["problems"]
    _apply(school1, job)
    with tenant_context(school1.school):
        mother = Person.objects.get(external_id="P-1")
        assert mother.roles == ["parent"]
        children = set(Guardianship.objects.filter(parent=mother).values_list("child__external_id", flat=True))
        assert children == {"IMP-1", "IMP-2"}  # one parent, two children
        father = Person.objects.get(last_name="Импортов", first_name="Сергей")
        assert Guardianship.objects.get(parent=father).kind == "father"
    assert _check(school1, "parents", xlsx_bytes(rows)).report["counts"] == {"create": 0, "update": 0, "same": 3}


def test_a_parent_row_whose_child_is_not_in_the_school_is_reported(school1):
    rows = [PARENTS_HEAD, ["Чужая", "Мама", "", "", "мать", "", "", "", "Несуществующий Ребёнок", "01.01.2015", ""],
            ["Другая", "Мама", "", "", "тётя", "", "", "", "", "", ""]]
    job = _check(school1, "parents", xlsx_bytes(rows))
    found = {(p["row"], p["column"], p["code"]) for p in job.report["problems"]}
    assert found == {
        (2, "ФИО ребёнка", errors.CHILD_NOT_FOUND),
        (3, "Кем приходится", errors.BAD_RELATION),
    }


def test_staff_roles_are_read_from_words(school1):
    rows = [
        STAFF_HEAD,
        ["Кадрова", "Ольга", "", "", "учитель физики", "Заместитель директора, учитель", "", "", "T-9"],
        ["Пустова", "Нина", "", "", "учитель музыки", "", "", "", ""],
        ["Странный", "Ян", "", "", "", "волшебник", "", "", ""],
    ]
    job = _check(school1, "staff", xlsx_bytes(rows))
    assert [(p["row"], p["column"], p["code"]) for p in job.report["problems"]] == [(4, "Роли", errors.BAD_ROLE)]
    job = _check(school1, "staff", xlsx_bytes(rows[:3]))
    _apply(school1, job)
    with tenant_context(school1.school):
        assert Person.objects.get(external_id="T-9").roles == ["deputy", "teacher"]
        assert Person.objects.get(last_name="Пустова").roles == ["teacher"]


def test_a_staff_file_cannot_turn_a_student_into_staff(school1):
    student = school1.person(school1.student)
    rows = [STAFF_HEAD, [student.last_name, student.first_name, student.middle_name,
                         student.birth_date.strftime("%d.%m.%Y"), "", "учитель", "", "", ""]]
    job = _check(school1, "staff", xlsx_bytes(rows))
    assert [p["code"] for p in job.report["problems"]] == [errors.KIND_CONFLICT]


# ---------------------------------------------------------------- templates and pages


@pytest.mark.parametrize(("group", "headers"), [
    ("staff", STAFF_HEAD), ("students", STUDENTS_HEAD), ("parents", PARENTS_HEAD),
])
def test_each_template_opens_with_openpyxl_and_has_the_russian_headers(school1, group, headers):
    response = client_for(school1.host, school1.admin).get(f"/people/import/template/{group}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Данные", "Инструкция"]
    assert [c.value for c in workbook["Данные"][1]] == headers
    assert "Фамилия" in [c.value for row in workbook["Инструкция"].iter_rows() for c in row]


def test_a_filled_in_template_is_accepted(school1):
    client = client_for(school1.host, school1.admin)
    workbook = load_workbook(io.BytesIO(client.get("/people/import/template/students/").content))
    workbook["Данные"].append(["Шаблонова", "Ника", "", date(2015, 1, 2), "3А", "", "", "TPL-1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = _check(school1, "students", buffer.getvalue())
    assert job.status == PeopleImport.Status.CHECKED, job.report["problems"]


def test_the_upload_check_and_confirm_pages(school1):
    client = client_for(school1.host, school1.admin)
    page = client.get("/people/import/")
    assert "Загрузка людей из файла" in page.content.decode()
    response = client.post("/people/import/", {
        "group": "students", "file": SimpleUploadedFile("ученики.xlsx", xlsx_bytes(_students())),
    })
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "Будут добавлены: 3" in preview
    assert "Этих классов ещё нет, они будут созданы" in preview
    assert "5В, 6В" in preview
    with tenant_context(school1.school):
        job = PeopleImport.objects.latest("pk")
        assert not Person.objects.filter(external_id="IMP-1").exists()
    done = client.post(f"/people/import/{job.pk}/apply/", follow=True).content.decode()
    assert "Файл записан: добавлено 3, обновлено 0." in done
    assert "Дальше: напечатайте коды приглашений для" in done
    with tenant_context(school1.school):
        assert Person.objects.filter(external_id="IMP-1").exists()
    assert "ученики.xlsx" in client.get("/people/import/").content.decode()


def test_an_upload_that_is_not_a_spreadsheet_is_refused_by_the_form(school1):
    client = client_for(school1.host, school1.admin)
    response = client.post("/people/import/", {
        "group": "students", "file": SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff"),
    })
    assert response.status_code == 200
    assert "Загрузите книгу Excel (.xlsx) или файл CSV." in response.content.decode()


def test_a_father_without_a_birth_date_is_not_mistaken_for_his_namesake_son(school1):
    _apply(school1, _check(school1, "students", xlsx_bytes(
        [STUDENTS_HEAD, ["Тёзкин", "Иван", "Иванович", "01.02.2012", "6А", "", "", ""]])))
    rows = [PARENTS_HEAD, ["Тёзкин", "Иван", "Иванович", "", "отец", "", "", "", "Тёзкин Иван Иванович",
                           "01.02.2012", ""]]
    job = _check(school1, "parents", xlsx_bytes(rows))
    assert job.status == PeopleImport.Status.CHECKED, job.report["problems"]
    assert job.report["counts"] == {"create": 1, "update": 0, "same": 0}
    _apply(school1, job)
    with tenant_context(school1.school):
        father = Person.objects.get(last_name="Тёзкин", birth_date__isnull=True)
        son = Person.objects.get(last_name="Тёзкин", birth_date__isnull=False)
        assert (father.roles, son.roles) == (["parent"], ["student"])
        assert Guardianship.objects.filter(parent=father, child=son).exists()
