"""The methodological library: files checked by content, links, filters by subject and
grade, downloads as attachments for staff only, deletion by the author or the
administration."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Account
from core.models import Person
from gradebook.errors import FILE_TYPE, FORBIDDEN, GradebookError
from gradebook.models import Material
from gradebook.services import planning as services
from tests.conftest import client_for
from timetable.models import Subject

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def lib(school1, in_school, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with in_school(school1.school):
        subject = Subject.objects.order_by("name").first()
        other_subject = Subject.objects.exclude(pk=subject.pk).order_by("name").first()
        yield school1, subject, other_subject


def test_teacher_uploads_a_pdf_and_colleagues_download_it_as_an_attachment(lib):
    cast, subject, _other = lib
    client = client_for(cast.host, cast.teacher)

    response = client.post("/planning/materials/", {
        "subject": subject.pk, "title": "Карточки по дробям", "grades": ["5", "6"],
        "file": SimpleUploadedFile("карточки.pdf", PDF, content_type="application/pdf")})

    assert response.status_code == 302
    material = Material.objects.get(title="Карточки по дробям")
    assert material.grades == [5, 6] and material.file_name == "карточки.pdf"
    download = client_for(cast.host, cast.director).get(f"/planning/materials/{material.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_html_disguised_as_pdf_is_refused_and_nothing_is_saved(lib):
    cast, subject, _other = lib
    client = client_for(cast.host, cast.teacher)

    response = client.post("/planning/materials/", {
        "subject": subject.pk, "title": "Вредный файл",
        "file": SimpleUploadedFile("file.pdf", b"<html><script>alert(1)</script></html>")})

    assert response.status_code == 422
    assert response.context["form"].errors
    assert not Material.objects.filter(title="Вредный файл").exists()
    with pytest.raises(GradebookError) as error:
        services.material_create(cast.person(cast.teacher), subject=subject, title="x",
                                 upload=SimpleUploadedFile("a.exe", b"MZ\x90\x00binary"))
    assert error.value.code == FILE_TYPE


def test_a_link_or_a_file_but_not_neither_nor_a_bad_link(lib):
    cast, subject, _other = lib
    teacher = cast.person(cast.teacher)
    link = services.material_create(teacher, subject=subject, title="РЭШ", url="https://resh.edu.ru/")
    assert link.url == "https://resh.edu.ru/" and not link.file
    for kwargs in ({}, {"url": "javascript:alert(1)"}):
        with pytest.raises(GradebookError):
            services.material_create(teacher, subject=subject, title="Пусто", **kwargs)
    assert not Material.objects.filter(title="Пусто").exists()


def test_filters_by_subject_and_grade(lib):
    cast, subject, other = lib
    teacher = cast.person(cast.teacher)
    fifth = services.material_create(teacher, subject=subject, title="Для пятых", grades=[5], url="https://a.ru/")
    any_grade = services.material_create(teacher, subject=subject, title="Для всех", url="https://b.ru/")
    services.material_create(teacher, subject=subject, title="Для девятых", grades=[9], url="https://c.ru/")
    services.material_create(teacher, subject=other, title="Другой предмет", grades=[5], url="https://d.ru/")
    client = client_for(cast.host, cast.teacher)

    response = client.get("/planning/materials/", {"subject": subject.pk, "grade": 5})

    assert {m.pk for m in response.context["items"]} >= {fifth.pk, any_grade.pk}
    titles = {m.title for m in response.context["items"]}
    assert "Для девятых" not in titles and "Другой предмет" not in titles


def test_only_the_author_or_management_deletes(lib):
    cast, subject, _other = lib
    material = services.material_create(cast.person(cast.teacher), subject=subject, title="Моё", url="https://a.ru/")
    colleague = (Person.objects.filter(roles__contains=["teacher"]).exclude(pk=material.created_by_id)
                 .exclude(roles__overlap=["admin", "director", "deputy"]).order_by("pk").first())
    with pytest.raises(GradebookError) as error:
        services.material_delete(colleague, material=material)
    assert error.value.code == FORBIDDEN
    client_for(cast.host, Account.objects.get(pk=colleague.account_id)).post(
        f"/planning/materials/{material.pk}/delete/")
    assert Material.objects.filter(pk=material.pk).exists()

    assert client_for(cast.host, cast.deputy).post(f"/planning/materials/{material.pk}/delete/").status_code == 302
    assert not Material.objects.filter(pk=material.pk).exists()


@pytest.mark.parametrize("who", ["student", "parent"])
def test_students_and_parents_cannot_list_or_download(lib, who):
    cast, subject, _other = lib
    material = services.material_create(cast.person(cast.teacher), subject=subject, title="Файл",
                                        upload=SimpleUploadedFile("a.pdf", PDF))
    client = client_for(cast.host, getattr(cast, who))
    assert client.get("/planning/materials/").status_code == 404
    assert client.get(f"/planning/materials/{material.pk}/download/").status_code == 404
    assert client.post(f"/planning/materials/{material.pk}/delete/").status_code == 404
    assert Material.objects.filter(pk=material.pk).exists()
