"""Scales: what each kind accepts and how it spells it, weighted averages and the period
mark each rounding rule proposes — against figures computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from gradebook.errors import INVALID_MARK, GradebookError
from gradebook.models import ClassScale, GradingScale
from gradebook.scales import average_round, mark_parse, scale_for_class, scales_for_classes, weighted_average

D = Decimal


@pytest.fixture
def scales(school1, in_school):
    with in_school(school1.school):
        yield {s.kind: s for s in GradingScale.objects.all()}


@pytest.mark.parametrize(("kind", "raw", "expected"), [
    ("five", "5", ("5", D(5))),
    ("five", " 2 ", ("2", D(2))),
    ("five_signs", "5−", ("5-", D("4.75"))),
    ("five_signs", "4+", ("4+", D("4.25"))),
    ("five_signs", "3–", ("3-", D("2.75"))),
    ("five_signs", "4", ("4", D(4))),
    ("ten", "10", ("10", D(10))),
    ("ten", "1", ("1", D(1))),
    ("twelve", "12", ("12", D(12))),
    ("hundred", "87", ("87", D(87))),
    ("hundred", "0", ("0", D(0))),
    ("hundred", "100", ("100", D(100))),
    ("pass_fail", "зачёт", ("зач", D(1))),
    ("pass_fail", "Зачет", ("зач", D(1))),
    ("pass_fail", "зач", ("зач", D(1))),
    ("pass_fail", "незачёт", ("незач", D(0))),
    ("pass_fail", "н/з", ("незач", D(0))),
    ("letters", "a", ("A", D(5))),
    ("letters", "В", ("B", D("4.5"))),  # a Cyrillic «В» typed on a Russian keyboard
    ("letters", "F", ("F", D(2))),
])
def test_valid_marks_are_normalised(scales, kind, raw, expected):
    assert mark_parse(scales[kind], raw) == expected


@pytest.mark.parametrize(("kind", "raw"), [
    ("five", "6"), ("five", "5-"), ("five", "0"), ("five", "abc"), ("five", ""), ("five", "4.5"),
    ("five_signs", "5+"), ("five_signs", "1-"),
    ("ten", "11"), ("ten", "0"), ("twelve", "13"),
    ("hundred", "101"), ("hundred", "-1"), ("hundred", "87.5"), ("hundred", "сто"),
    ("pass_fail", "5"), ("pass_fail", "да"),
    ("letters", "G"), ("letters", "5"),
])
def test_invalid_marks_are_refused_naming_the_allowed_values(scales, kind, raw):
    with pytest.raises(GradebookError) as caught:
        mark_parse(scales[kind], raw)
    assert caught.value.code == INVALID_MARK
    assert caught.value.field == "raw"


def test_the_message_lists_the_allowed_values_in_the_users_language(scales):
    with translation.override("en"), pytest.raises(GradebookError) as caught:
        mark_parse(scales["five"], "6")
    assert "5, 4, 3, 2, 1" in caught.value.message and "“6”" in caught.value.message
    with translation.override("en"), pytest.raises(GradebookError) as caught:
        mark_parse(scales["hundred"], "101")
    assert "0" in caught.value.message and "100" in caught.value.message


def test_a_custom_scale_takes_its_own_values_with_and_without_numbers(school1, in_school):
    with in_school(school1.school):
        custom = GradingScale.objects.create(
            name="Проектная", kind="custom", min_value=0, max_value=3,
            values=[{"raw": "отл", "numeric": "3"}, {"raw": "хор", "numeric": "2"}, {"raw": "осв", "numeric": None}])
        assert mark_parse(custom, "ОТЛ") == ("отл", D(3))
        assert mark_parse(custom, "осв") == ("осв", None)
        with pytest.raises(GradebookError, match="отл, хор, осв"):
            mark_parse(custom, "5")


def test_a_class_uses_its_own_scale_or_the_default_in_one_query(school1, in_school):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.models import SchoolClass

    with in_school(school1.school):
        first, second, third = SchoolClass.objects.order_by("grade", "letter")[:3]
        ten = GradingScale.objects.get(kind="ten")
        ClassScale.objects.create(school_class=second, scale=ten)
        with CaptureQueriesContext(connection) as queries:
            found = scales_for_classes([first.pk, second.pk, third.pk])
        # django-tenants' `SET search_path` before a query is not a query of ours.
        assert len([q for q in queries if not q["sql"].startswith("SET ")]) == 1
        assert found[first.pk].is_default and found[first.pk].kind == "five"
        assert found[second.pk] == ten
        assert found[third.pk].kind == "five"
        assert scale_for_class(second) == ten


# ---- weighted averages ------------------------------------------------------------------------

def test_weighted_average_by_hand():
    # 5·1 + 4·1 + 3·2 (a test weighs 2) = 15 over 4 → 3.75
    assert weighted_average([(D(5), D(1)), (D(4), D(1)), (D(3), D(2))]) == D("3.75")
    # 5 (answer) and 4.75 («5−», weight 1.5): (5 + 7.125) / 2.5 = 4.85
    assert weighted_average([(D(5), D(1)), (D("4.75"), D("1.5"))]) == D("4.85")
    # Two places, half up: (5 + 4 + 4) / 3 = 4.333… → 4.33; (5 + 5 + 4) / 3 = 4.666… → 4.67
    assert weighted_average([(D(5), D(1)), (D(4), D(1)), (D(4), D(1))]) == D("4.33")
    assert weighted_average([(D(5), D(1)), (D(5), D(1)), (D(4), D(1))]) == D("4.67")
    assert weighted_average([]) is None


@pytest.mark.parametrize(("average", "half_up", "six_tenths", "down"), [
    ("3.5", "4", "3", "3"),
    ("3.6", "4", "4", "3"),
    ("3.49", "3", "3", "3"),
    ("3.59", "4", "3", "3"),
    ("4.0", "4", "4", "4"),
    ("4.99", "5", "5", "4"),
    ("2.5", "3", "2", "2"),
    ("1.2", "1", "1", "1"),
    ("5", "5", "5", "5"),
])
def test_each_rounding_rule_on_the_five_point_scale(scales, average, half_up, six_tenths, down):
    for rule, expected in (("half_up", half_up), ("six_tenths", six_tenths), ("down", down)):
        assert average_round(D(average), scales["five"], rule) == expected, rule


def test_proposals_on_other_scales(scales):
    # A term mark on the signed scale is a whole mark, never «4−».
    assert average_round(D("4.6"), scales["five_signs"], "half_up") == "5"
    assert average_round(D("4.4"), scales["five_signs"], "half_up") == "4"
    assert average_round(D("7.5"), scales["ten"], "half_up") == "8"
    assert average_round(D("7.5"), scales["ten"], "six_tenths") == "7"
    assert average_round(D("86.5"), scales["hundred"], "half_up") == "87"
    assert average_round(D("86.59"), scales["hundred"], "six_tenths") == "86"
    assert average_round(D("86.9"), scales["hundred"], "down") == "86"
    # Letters: C is 4, B is 4.5; 4.25 is the midpoint.
    assert average_round(D("4.25"), scales["letters"], "half_up") == "B"
    assert average_round(D("4.2"), scales["letters"], "half_up") == "C"
    assert average_round(None, scales["five"], "half_up") == ""
