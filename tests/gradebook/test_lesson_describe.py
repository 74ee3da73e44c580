"""A lesson's topic and description (`lesson_describe`): the lesson's teacher and the
administration write them, another teacher may not, a closed period locks them; a refused
write saves nothing."""

from __future__ import annotations

import pytest

from gradebook.errors import FORBIDDEN, PERIOD_CLOSED, TOO_LONG, GradebookError
from gradebook.services.lessons import lesson_describe
from tests.gradebook.factories import journal_build
from timetable.models import Lesson


@pytest.fixture
def j(school1, in_school):
    with in_school(school1.school):
        yield journal_build(school1)


def _saved(lesson: Lesson) -> tuple[str, str]:
    return tuple(Lesson.objects.filter(pk=lesson.pk).values_list("topic", "description").get())


def test_the_lessons_teacher_and_the_administration_describe_it(j):
    lesson = lesson_describe(j.teacher, lesson=j.lesson, topic="  Дроби   и  доли ", description=" Повторение\n")
    assert (lesson.topic, lesson.description) == ("Дроби и доли", "Повторение")
    assert _saved(j.lesson) == ("Дроби и доли", "Повторение")
    lesson_describe(j.admin, lesson=j.lesson, topic="Проценты", description="")
    assert _saved(j.lesson) == ("Проценты", "")


def test_another_teacher_may_not_and_nothing_is_saved(j):
    with pytest.raises(GradebookError) as caught:
        lesson_describe(j.other_teacher, lesson=j.lesson, topic="Чужая тема", description="Чужое")
    assert caught.value.code == FORBIDDEN
    with pytest.raises(GradebookError) as caught:
        lesson_describe(j.student, lesson=j.lesson, topic="Тема", description="")
    assert caught.value.code == FORBIDDEN
    assert _saved(j.lesson) == ("", "")


def test_a_closed_period_refuses_a_change_even_for_the_administration(j):
    lesson_describe(j.teacher, lesson=j.lesson, topic="Дроби", description="")
    j.period.is_closed = True
    j.period.save()
    for actor in (j.teacher, j.admin):
        with pytest.raises(GradebookError) as caught:
            lesson_describe(actor, lesson=Lesson.objects.get(pk=j.lesson.pk), topic="Проценты", description="Новое")
        assert caught.value.code == PERIOD_CLOSED
    assert _saved(j.lesson) == ("Дроби", "")
    # Saving it unchanged is no change: the lesson page's save is not refused for it.
    lesson_describe(j.teacher, lesson=Lesson.objects.get(pk=j.lesson.pk), topic="Дроби", description="")
    # A period for other grades does not lock this class's lessons.
    j.period.grades = [j.school_class.grade + 1]
    j.period.save()
    lesson_describe(j.teacher, lesson=Lesson.objects.get(pk=j.lesson.pk), topic="Проценты", description="")
    assert _saved(j.lesson) == ("Проценты", "")


def test_a_too_long_topic_saves_nothing(j):
    with pytest.raises(GradebookError) as caught:
        lesson_describe(j.teacher, lesson=j.lesson, topic="я" * 501, description="Описание")
    assert caught.value.code == TOO_LONG and caught.value.field == "topic"
    assert _saved(j.lesson) == ("", "")
