"""Shared helpers of the journal tests (lesson page, grid, API): the demo teacher's class
from the engine's `journal_build`, plus people with accounts for permission checks."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from accounts.models import Account
from core.models import Enrollment, Person, SchoolClass
from tenants.models import Membership
from tests.conftest import DEMO_PASSWORD, client_for
from tests.gradebook.factories import Journal, journal_build
from timetable.models import Subject, TeachingAssignment


def account_for(person: Person) -> Account:
    """An account (and membership) for a person of the current school, to sign in as them."""
    if person.account_id is None:
        account = Account.objects.create_user(f"jr{person.pk}@journal.parta.test", DEMO_PASSWORD,
                                              last_name=person.last_name, first_name=person.first_name)
        Person.objects.filter(pk=person.pk).update(account_id=account.pk)
        person.account_id = account.pk
    else:
        account = Account.objects.get(pk=person.account_id)
    Membership.objects.update_or_create(account=account, school=connection.tenant,
                                        defaults={"roles": person.roles, "is_active": True})
    return account


def teacher_make(last_name: str) -> Person:
    return Person.objects.create(last_name=last_name, first_name="Ирина", roles=["teacher"])


@dataclass
class World:
    j: Journal
    host: str
    stranger: Person  # a teacher with no load in the class: the class does not exist for them
    colleague: Person  # teaches another subject in the class: reads the journal, writes nothing

    def client(self, person_or_account=None):
        if isinstance(person_or_account, Person):
            # A request to another school's address leaves the connection there: come back.
            connection.set_tenant(self.j.school)
            person_or_account = account_for(person_or_account)
        return client_for(self.host, person_or_account)

    @property
    def teacher(self):
        return self.client(self.j.teacher)


@pytest.fixture
def world(school1):
    with schema_context(school1.school.schema_name):
        connection.set_tenant(school1.school)
        j = journal_build(school1)
        stranger = teacher_make("Посторонняя")
        colleague = teacher_make("Коллегова")
        other_subject = Subject.objects.exclude(pk=j.subject.pk).order_by("name").first()
        TeachingAssignment.objects.create(teacher=colleague, subject=other_subject, school_class=j.school_class)
        yield World(j=j, host=school1.host, stranger=stranger, colleague=colleague)


def class_with_students(name_letter: str, count: int, teacher: Person, subject: Subject) -> tuple[SchoolClass, list]:
    """A fresh class of `count` students taught `subject` by `teacher`."""
    school_class = SchoolClass.objects.create(grade=9, letter=name_letter)
    students = Person.objects.bulk_create([Person(last_name=f"Ученик{i:02d}", first_name="Пётр", roles=["student"])
                                           for i in range(count)])
    Enrollment.objects.bulk_create([Enrollment(student=s, school_class=school_class) for s in students])
    TeachingAssignment.objects.create(teacher=teacher, subject=subject, school_class=school_class)
    return school_class, students
