"""The people of a demo school: staff, classes, students and their parents.

Deterministic (seeded by the school's number) and relative to today, so the demo never
goes stale. Bulk inserts: a school of 250 students is written in a few queries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from core.demo_names import FEMALE_NAMES, MALE_NAMES, PATRONYMICS, SURNAMES, TEACHER_POSITIONS
from core.models import Enrollment, Guardianship, Person, SchoolClass
from tenants.choices import Role
from tenants.selectors import current_school
from tenants.services import membership_set

CLASS_LAYOUT = [(1, "А"), (2, "А"), (3, "А"), (4, "А"), (5, "А"), (5, "Б"), (6, "А"), (7, "А"), (8, "А"), (9, "А")]
STUDENTS_PER_CLASS = 25
DEMO_CLASS = (5, "А")  # the demo student's class; the demo teacher leads it


@dataclass
class DemoLogins:
    """Account ids for the fixed demo logins of one school."""

    admin: int
    director: int
    deputy: int
    teacher: int
    student: int
    parent: int
    multi_teacher: int | None = None


def _random_person(rng: random.Random, *, female: bool, surname: tuple[str, str] | None = None) -> dict:
    surname = surname or rng.choice(SURNAMES)
    patronymic = rng.choice(PATRONYMICS)
    return {
        "last_name": surname[1] if female else surname[0],
        "first_name": rng.choice(FEMALE_NAMES if female else MALE_NAMES),
        "middle_name": patronymic[1] if female else patronymic[0],
    }


def _names_of(account: Account) -> dict[str, str]:
    return {"last_name": account.last_name, "first_name": account.first_name, "middle_name": account.middle_name}


def _id(accounts: dict[str, Account], key: str | None) -> int | None:
    return accounts[key].pk if key else None


def _birth_date(rng: random.Random, grade: int, today: date) -> date:
    school_year_start = today.year if today.month >= 9 else today.year - 1
    year = school_year_start - 6 - grade
    return date(year, rng.randint(1, 12), rng.randint(1, 28))


@transaction.atomic
def demo_people_seed(*, number: int, accounts: dict[str, Account], multi_role: str | None) -> None:
    """Fill the current school's schema. `accounts` maps demo roles to their accounts;
    `multi_role` is "teacher" or "parent" for the account that spans two schools."""
    rng = random.Random(1000 + number)  # noqa: S311 — reproducible demo data, not secrets
    today = timezone.localdate()

    # Staff: administrator, director, two deputies, sixteen teachers (the personas among them).
    staff: list[Person] = []
    specs = [
        ("admin", [Role.ADMIN, Role.DEPUTY], "заместитель директора по ИКТ"),
        ("director", [Role.DIRECTOR], "директор"),
        ("deputy", [Role.DEPUTY], "заместитель директора по УВР"),
        (None, [Role.DEPUTY], "заместитель директора по ВР"),
        ("teacher", [Role.TEACHER], "учитель русского языка и литературы"),
    ]
    positions = list(TEACHER_POSITIONS)
    if multi_role == "teacher":
        specs.append(("multi", [Role.TEACHER], "учитель истории и обществознания"))
        positions.remove("учитель истории и обществознания")  # she is the school's history teacher
    specs += [(None, [Role.TEACHER], position) for position in positions]
    for key, roles, position in specs:
        names = _names_of(accounts[key]) if key else _random_person(rng, female=rng.random() < 0.8)
        staff.append(Person(**names, roles=roles, position=position, account_id=_id(accounts, key)))
    Person.objects.bulk_create(staff)

    # One class each: the demo teacher leads 5А, primary teachers 1А–4А, subject teachers
    # (never a persona, whose pages stay as the README describes them) the other classes.
    demo_teacher = next(p for p in staff if p.account_id == accounts["teacher"].pk)
    primary = [p for p in staff if "начальных классов" in p.position]
    others = [p for p in staff if Role.TEACHER in p.roles and p.account_id is None and p not in primary]
    classes = []
    for grade, letter in CLASS_LAYOUT:
        teacher = demo_teacher if (grade, letter) == DEMO_CLASS else (primary if grade <= 4 else others).pop(0)
        classes.append(SchoolClass(grade=grade, letter=letter, class_teacher=teacher))
    demo_index = CLASS_LAYOUT.index(DEMO_CLASS)
    SchoolClass.objects.bulk_create(classes)

    # Students, 25 a class, with one or two parents; some are siblings sharing parents.
    students: list[Person] = []
    enrollments: list[Enrollment] = []
    families: list[tuple[Person, list[tuple[Person, str]]]] = []
    parents: list[Person] = []
    for school_class in classes:
        for i in range(STUDENTS_PER_CLASS):
            is_demo_student = school_class is classes[demo_index] and i == 0
            female = rng.random() < 0.5
            sibling_of = None
            if families and not is_demo_student and rng.random() < 0.08:
                sibling_of = families[rng.randrange(len(families))]
            surname = (
                next(s for s in SURNAMES if sibling_of[0].last_name in s) if sibling_of else rng.choice(SURNAMES)
            )
            student = Person(
                **_random_person(rng, female=female, surname=surname),
                roles=[Role.STUDENT],
                birth_date=_birth_date(rng, school_class.grade, today),
            )
            if is_demo_student:
                student.account_id = accounts["student"].pk
                student.__dict__.update(_names_of(accounts["student"]))
                surname = next(s for s in SURNAMES if student.last_name in s)
            students.append(student)
            enrollments.append(Enrollment(student=student, school_class=school_class))
            if sibling_of:
                families.append((student, sibling_of[1]))
                continue
            family: list[tuple[Person, str]] = []
            mother = Person(**_random_person(rng, female=True, surname=surname), roles=[Role.PARENT])
            if is_demo_student:
                mother.account_id = accounts["parent"].pk
                mother.__dict__.update(_names_of(accounts["parent"]))
            family.append((mother, Guardianship.Kind.MOTHER))
            if rng.random() < 0.6:
                family.append((Person(**_random_person(rng, female=False, surname=surname), roles=[Role.PARENT]),
                               Guardianship.Kind.FATHER))
            parents.extend(p for p, _kind in family)
            families.append((student, family))
    if multi_role == "parent":
        # The cross-school account is the mother of a 7th-grader here.
        child, family = next(
            (s, fam) for (s, fam), e in zip(families, enrollments, strict=True) if e.school_class.grade == 7
        )
        mother = family[0][0]
        mother.__dict__.update(_names_of(accounts["multi"]))
        mother.account_id = accounts["multi"].pk
        child.last_name = "Орлова" if child.first_name in FEMALE_NAMES else "Орлов"

    Person.objects.bulk_create(students + parents)
    Enrollment.objects.bulk_create(enrollments)
    Guardianship.objects.bulk_create(
        [Guardianship(parent=p, child=student, kind=kind) for student, family in families for p, kind in family]
    )
    for person in Person.objects.filter(account__isnull=False):
        membership_set(account_id=person.account_id, school=current_school(), roles=person.roles)
