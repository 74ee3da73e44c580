"""From rows to a plan: every row is checked against the file and the school BEFORE anything
is written, and the plan says what each row will do (create, update, nothing).

People are matched by external id, else by full name and birth date (a missing birth date
on either side matches any), so importing the same file twice changes nothing. The school's
people, classes, enrollments and links are read in four queries whatever the file's size;
all the rest is done in memory, which is what keeps 1,000 rows well under a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.phones import normalize_phone
from core import errors
from core.choices import GROUP_ROLES, STAFF_ROLE_ORDER, PeopleGroup
from core.importing.columns import COLUMNS, Column, column_lookup, header_key
from core.importing.reader import ImportFileError, Table, table_read
from core.models import Enrollment, Guardianship, Person, SchoolClass
from tenants.choices import Role

STUDENT_AGES = (5, 21)

_ROLE_WORDS = {
    "администратор": Role.ADMIN, "админ": Role.ADMIN, "admin": Role.ADMIN, "administrator": Role.ADMIN,
    "директор": Role.DIRECTOR, "director": Role.DIRECTOR,
    "заместитель директора": Role.DEPUTY, "заместитель": Role.DEPUTY, "замдиректора": Role.DEPUTY,
    "зам директора": Role.DEPUTY, "завуч": Role.DEPUTY, "deputy": Role.DEPUTY, "deputy director": Role.DEPUTY,
    "учитель": Role.TEACHER, "педагог": Role.TEACHER, "преподаватель": Role.TEACHER, "teacher": Role.TEACHER,
}
_RELATION_WORDS = {
    "мать": Guardianship.Kind.MOTHER, "мама": Guardianship.Kind.MOTHER, "mother": Guardianship.Kind.MOTHER,
    "отец": Guardianship.Kind.FATHER, "папа": Guardianship.Kind.FATHER, "father": Guardianship.Kind.FATHER,
    "опекун": Guardianship.Kind.GUARDIAN, "попечитель": Guardianship.Kind.GUARDIAN,
    "законный представитель": Guardianship.Kind.GUARDIAN, "guardian": Guardianship.Kind.GUARDIAN,
}
# «5A» typed with a Latin A is the class «5А».
_LATIN_TO_CYRILLIC = str.maketrans("ABEKMHOPCTXYabekmhopctxy", "АВЕКМНОРСТХУАВЕКМНОРСТХУ")
_CLASS_RE = re.compile(r"^(\d{1,2})\s*[-–]?\s*[«\"']?([A-Za-zА-Яа-яЁё]{0,4})[»\"']?(?:\s*класс)?$", re.IGNORECASE)
_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


# ---------------------------------------------------------------- values


class _CellError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an id or a phone number that Excel stored as a number
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return " ".join(str(value).split())


def _name(value: object) -> str:
    text = _text(value)
    # Registers often export names in capitals; «ИВАНОВА-ПЕТРОВА» becomes «Иванова-Петрова».
    if text and (text.isupper() or text.islower()):
        text = text.title()
    return text


def name_key(*parts: str) -> str:
    """A full name as it is compared: case, «ё» and spacing do not matter."""
    return " ".join(" ".join(parts).split()).casefold().replace("ё", "е")


def _date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    else:
        text = _text(value)
        if not text:
            return None
        parsed = None
        for fmt in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a date, no time or zone
                break
            except ValueError:
                continue
        if parsed is None:
            raise _CellError(errors.BAD_DATE, _("«%(value)s» is not a date. Write it as DD.MM.YYYY.") % {"value": text})
    if parsed > timezone.localdate():
        raise _CellError(errors.BAD_DATE, _("The date is in the future."))
    if parsed.year < 1900:
        raise _CellError(errors.BAD_DATE, _("The year is before 1900."))
    return parsed


def class_name_parse(value: object) -> tuple[int, str]:
    """«5А», «5 а», «5-A», «10Б класс» → (5, "А"); raises _CellError otherwise."""
    text = _text(value)
    match = _CLASS_RE.match(text)
    if not match:
        raise _CellError(errors.BAD_CLASS, _("«%(value)s» is not a class. Write the grade and the letter: 5А, 10Б.")
                         % {"value": text})
    grade = int(match.group(1))
    if not 0 <= grade <= 12:
        raise _CellError(errors.BAD_CLASS, _("Grade %(grade)d does not exist.") % {"grade": grade})
    letter = match.group(2).translate(_LATIN_TO_CYRILLIC).upper().replace("Ё", "Е")
    if not re.fullmatch(r"[А-Я]*", letter):
        raise _CellError(errors.BAD_CLASS, _("Write the class letter in Cyrillic: 5А, 10Б."))
    return grade, letter


def _roles(value: object) -> list[str]:
    text = _text(value)
    if not text:
        return [Role.TEACHER]
    roles: set[str] = set()
    for part in re.split(r"[,;/\n]+", text):
        word = header_key(part)
        if not word:
            continue
        role = _ROLE_WORDS.get(word)
        if role is None:
            raise _CellError(
                errors.BAD_ROLE,
                _("Unknown role «%(value)s». Use: administrator, director, deputy director, teacher.")
                % {"value": part.strip()},
            )
        roles.add(role)
    return [r for r in STAFF_ROLE_ORDER if r in roles]


def _relation(value: object) -> str | None:
    text = _text(value)
    if not text:
        return None
    kind = _RELATION_WORDS.get(header_key(text))
    if kind is None:
        raise _CellError(errors.BAD_RELATION, _("«%(value)s»: write mother, father or guardian.") % {"value": text})
    return kind


def _email(value: object) -> str:
    text = _text(value)
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        raise _CellError(errors.BAD_EMAIL, _("«%(value)s» is not an e-mail address.") % {"value": text}) from None
    local, _at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def _phone(value: object) -> str:
    text = _text(value)
    if not text:
        return ""
    phone = normalize_phone(text)
    if not phone:
        raise _CellError(errors.BAD_PHONE, _("«%(value)s» is not a phone number.") % {"value": text})
    return phone


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


_LIMITS = {"last_name": 100, "first_name": 100, "middle_name": 100, "position": 200, "external_id": 64,
           "child_external_id": 64, "child_name": 300, "email": 254}
_PARSERS = {
    "last_name": _name, "first_name": _name, "middle_name": _name, "birth_date": _date,
    "child_birth_date": _date, "class_name": class_name_parse, "roles": _roles, "relation": _relation,
    "email": _email, "phone": _phone, "child_name": _name,
}


# ---------------------------------------------------------------- the plan


@dataclass
class Problem:
    row: int | None
    column: str
    message: str
    code: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message, "code": self.code}


@dataclass
class RowOutcome:
    row: int
    name: str
    action: str  # "create" | "update" | "same"
    changes: list[str]
    detail: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "name": self.name, "action": self.action, "changes": self.changes,
                "detail": self.detail}


@dataclass
class Plan:
    """What the file will do to the school; written by `plan_write` only when `ok`."""

    kind: str
    file_name: str = ""
    problems: list[Problem] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    classes_to_create: list[tuple[int, str]] = field(default_factory=list)
    new_people: list[Person] = field(default_factory=list)
    changed_people: dict[int, Person] = field(default_factory=dict)
    changed_fields: set[str] = field(default_factory=set)
    enrollments_new: list[tuple[Person, tuple[int, str]]] = field(default_factory=list)
    enrollments_moved: list[tuple[Enrollment, tuple[int, str]]] = field(default_factory=list)
    links_new: list[tuple[Person, Person, str]] = field(default_factory=list)
    links_changed: list[Guardianship] = field(default_factory=list)
    access_changed: dict[int, Person] = field(default_factory=dict)
    class_names: set[str] = field(default_factory=set)
    rows_total: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def report(self) -> dict[str, object]:
        counts = {"create": 0, "update": 0, "same": 0}
        for outcome in self.outcomes:
            counts[outcome.action] += 1
        return {
            "kind": self.kind,
            "rows_total": self.rows_total,
            # Stable sort: by row, and within a row in the file's column order.
            "problems": [p.as_dict() for p in sorted(self.problems, key=lambda p: p.row or 0)],
            "rows": [o.as_dict() for o in self.outcomes] if self.ok else [],
            "classes_to_create": [f"{g}{letter}" for g, letter in self.classes_to_create],
            "counts": counts,
            "people": {
                "create": len(self.new_people),
                "update": len(self._touched_existing()),
            },
            "class_names": sorted(self.class_names, key=_class_sort_key),
        }

    def _touched_existing(self) -> set[int]:
        touched = set(self.changed_people)
        touched |= {e.student_id for e, _name in self.enrollments_moved}
        touched |= {p.pk for p, _c in self.enrollments_new if p.pk}
        touched |= {parent.pk for parent, _child, _kind in self.links_new if parent.pk}
        touched |= {g.parent_id for g in self.links_changed}
        return touched


def _class_sort_key(name: str) -> tuple[int, str]:
    digits = "".join(ch for ch in name if ch.isdigit())
    return (int(digits or 0), name)


class _School:
    """The school as the plan needs it, read in four queries."""

    def __init__(self) -> None:
        self.people = list(Person.objects.all())
        self.by_ext: dict[str, Person] = {}
        self.by_name: dict[str, list[Person]] = {}
        for person in self.people:
            self.remember(person)
        self.classes = {(c.grade, c.letter): c for c in SchoolClass.objects.all()}
        self.enrollments = {e.student_id: e for e in Enrollment.objects.all()}
        self.links = {(g.parent_id, g.child_id): g for g in Guardianship.objects.all()}
        self.classes_by_pk = {c.pk: c for c in self.classes.values()}

    def remember(self, person: Person) -> None:
        if person.external_id:
            self.by_ext[person.external_id] = person
        key = name_key(person.last_name, person.first_name, person.middle_name)
        bucket = self.by_name.setdefault(key, [])
        if person not in bucket:
            bucket.append(person)

    def class_name(self, key: tuple[int, str]) -> str:
        return f"{key[0]}{key[1]}"


def _role_labels(roles) -> str:
    labels = dict(Role.choices)
    return ", ".join(str(labels[r]) for r in roles)


class _Planner:
    def __init__(self, kind: str, table: Table) -> None:
        self.kind = kind
        self.table = table
        self.plan = Plan(kind=kind)
        self.school = _School()
        self.today = timezone.localdate()
        self.columns: dict[int, Column] = {}
        self.claimed: dict[int, int] = {}  # id(person) -> first row that named them
        self.row_values: dict[int, dict[str, object]] = {}
        self.labels = {f.name: str(f.verbose_name) for f in Person._meta.concrete_fields}

    # -- header

    def map_header(self) -> bool:
        lookup = column_lookup(self.kind)
        found: set[str] = set()
        for index, header in enumerate(self.table.headers):
            column = lookup.get(header_key(header))
            if column is not None and column.key not in found:
                self.columns[index] = column
                found.add(column.key)
        for column in COLUMNS[self.kind]:
            if column.required and column.key not in found:
                self.problem(self.table.header_row, column, errors.MISSING_COLUMN,
                             _("There is no column «%(column)s» in the header row.") % {"column": column.header})
        return self.plan.ok

    def problem(self, row: int | None, column: Column | str, code: str, message: str) -> None:
        header = column.header if isinstance(column, Column) else column
        self.plan.problems.append(Problem(row=row, column=header, message=message, code=code))

    # -- rows

    def parse_row(self, number: int, values: list[object]) -> dict[str, object] | None:
        parsed: dict[str, object] = {}
        ok = True
        for index, column in self.columns.items():
            raw = values[index] if index < len(values) else None
            parser = _PARSERS.get(column.key, _text)
            try:
                value = parser(raw)
            except _CellError as exc:
                self.problem(number, column, exc.code, exc.message)
                ok = False
                continue
            if column.required and (value is None or value == ""):
                self.problem(number, column, errors.REQUIRED, _("Fill in this column."))
                ok = False
                continue
            limit = _LIMITS.get(column.key)
            if limit and isinstance(value, str) and len(value) > limit:
                self.problem(number, column, errors.TOO_LONG,
                             _("Too long: at most %(limit)d characters.") % {"limit": limit})
                ok = False
                continue
            parsed[column.key] = value
        for key in ("last_name", "first_name", "middle_name", "email", "phone", "external_id", "position",
                    "child_name", "child_external_id"):
            parsed.setdefault(key, "")
        for key in ("birth_date", "child_birth_date", "relation"):
            parsed.setdefault(key, None)
        if self.kind == PeopleGroup.STAFF:
            parsed.setdefault("roles", [Role.TEACHER])
        born = parsed.get("birth_date")
        if ok and self.kind == PeopleGroup.STUDENTS and isinstance(born, date):
            age = _age(born, self.today)
            if not STUDENT_AGES[0] <= age <= STUDENT_AGES[1]:
                self.problem(number, self._column("birth_date"), errors.BAD_BIRTH_DATE,
                             _("A student would be %(age)d years old: check the birth date.") % {"age": age})
                ok = False
        return parsed if ok else None

    def _column(self, key: str) -> Column:
        return next(c for c in COLUMNS[self.kind] if c.key == key)

    def resolve(self, number: int, values: dict[str, object], *, child: bool = False) -> tuple[Person | None, str]:
        """The existing (or already planned) person a row means: (person, how) or (None, "")."""
        prefix = "child_" if child else ""
        ext = values[f"{prefix}external_id"]
        if ext:
            person = self.school.by_ext.get(ext)
            if person is not None:
                return person, "ext"
            if child:
                return None, ""
        if child:
            key = name_key(str(values["child_name"]))
        else:
            key = name_key(str(values["last_name"]), str(values["first_name"]), str(values["middle_name"]))
        born = values[f"{prefix}birth_date"]
        candidates = self.school.by_name.get(key, [])
        # The same name and birth date is the same person, whoever they are (a clash is then
        # reported). A match that leans on a missing birth date only counts within the same kind:
        # a student «Иванов Иван Иванович» is not his namesake father.
        same_kind = [p for p in candidates if child or self.same_kind(p)]
        if born is not None:
            exact = [p for p in candidates if p.birth_date == born]
            candidates = exact or [p for p in same_kind if p.birth_date is None]
        else:
            candidates = same_kind
        if child:
            candidates = [p for p in candidates if Role.STUDENT in p.roles and p.is_active]
        if len(candidates) > 1:
            column = self._column("child_name" if child else "last_name")
            code = errors.CHILD_AMBIGUOUS if child else errors.AMBIGUOUS_PERSON
            self.problem(number, column, code,
                         _("The school has several people with this name and birth date: add the external id."))
            raise _CellError(code, "")
        if not candidates:
            return None, ""
        person = candidates[0]
        if ext and person.external_id and person.external_id != ext:
            self.problem(number, self._column("external_id"), errors.CONFLICTING_ROW,
                         _("%(name)s is already in the school with another external id (%(ext)s).")
                         % {"name": person.full_name, "ext": person.external_id})
            raise _CellError(errors.CONFLICTING_ROW, "")
        return person, "name"

    def same_kind(self, person: Person) -> bool:
        """Students match students; staff and parents match staff and parents."""
        return not person.roles or (self.kind == PeopleGroup.STUDENTS) == (Role.STUDENT in person.roles)

    def kind_allows(self, number: int, person: Person) -> bool:
        if not self.same_kind(person):
            self.problem(number, self._column("last_name"), errors.KIND_CONFLICT,
                         _("%(name)s is already in the school as: %(roles)s. A student cannot also be staff or "
                           "a parent.") % {"name": person.full_name, "roles": _role_labels(person.roles)})
            return False
        return True

    def person_for_row(self, number: int, values: dict[str, object]) -> tuple[Person, bool, str] | None:
        """(person, is_new, matched_by) — a new unsaved Person when nobody matches."""
        try:
            person, how = self.resolve(number, values)
        except _CellError:
            return None
        if person is not None:
            if not self.kind_allows(number, person):
                return None
            return person, person.pk is None, how
        person = Person(
            last_name=values["last_name"], first_name=values["first_name"], middle_name=values["middle_name"],
            birth_date=values["birth_date"], email=values["email"], phone=values["phone"],
            external_id=values["external_id"], position=values.get("position") or "",
            roles=sorted(self.roles_of(values)),
        )
        self.plan.new_people.append(person)
        self.school.remember(person)
        return person, True, ""

    def roles_of(self, values: dict[str, object]) -> set[str]:
        if self.kind == PeopleGroup.STAFF:
            return set(values["roles"])
        return set(GROUP_ROLES[self.kind])

    def claim(self, number: int, person: Person, how: str) -> bool:
        """Students and staff appear once per file; a parent may have a row per child."""
        first = self.claimed.setdefault(id(person), number)
        if first == number or self.kind == PeopleGroup.PARENTS:
            if first != number:
                return self.same_parent_data(number, first, person)
            return True
        column = self._column("external_id" if how == "ext" else "last_name")
        self.problem(number, column, errors.DUPLICATE_ROW,
                     _("The same person as in row %(row)d.") % {"row": first})
        return False

    def same_parent_data(self, number: int, first: int, person: Person) -> bool:
        earlier, now = self.row_values[first], self.row_values[number]
        ok = True
        for key in ("email", "phone", "external_id", "birth_date", "relation"):
            if earlier.get(key) and now.get(key) and earlier[key] != now[key]:
                self.problem(number, self._column(key), errors.CONFLICTING_ROW,
                             _("Row %(row)d gives this parent a different value.") % {"row": first})
                ok = False
        return ok

    def update_fields(self, person: Person, values: dict[str, object], how: str) -> list[str]:
        """Apply the row to an existing person in memory; the labels of what changed."""
        changes: list[str] = []
        labels = self.labels

        def change(name: str, value: object) -> None:
            if getattr(person, name) != value:
                setattr(person, name, value)
                self.plan.changed_fields.add(name)
                self.plan.changed_people[person.pk] = person
                changes.append(labels[name])

        if how == "ext":  # the register's id is the key: names and birth date follow the file
            for name in ("last_name", "first_name", "middle_name"):
                if values[name] and name_key(values[name]) != name_key(getattr(person, name)):
                    change(name, values[name])
            if values["birth_date"]:
                change("birth_date", values["birth_date"])
        elif values["birth_date"] and person.birth_date is None:
            change("birth_date", values["birth_date"])
        for name in ("email", "phone", "position"):
            value = values.get(name)
            if value and str(value).lower() != str(getattr(person, name)).lower():
                change(name, value)
        if values["external_id"] and not person.external_id:
            change("external_id", values["external_id"])
            self.school.remember(person)
        roles = sorted(set(person.roles) | self.roles_of(values))
        if roles != sorted(person.roles):
            added = [r for r in roles if r not in person.roles]
            person.roles = roles
            self.plan.changed_fields.add("roles")
            self.plan.changed_people[person.pk] = person
            changes.append(_("roles: + %(roles)s") % {"roles": _role_labels(added)})
            if person.account_id:
                self.plan.access_changed[person.pk] = person
        if not person.is_active:
            person.is_active = True
            self.plan.changed_fields.add("is_active")
            self.plan.changed_people[person.pk] = person
            changes.append(_("back in the school"))
            if person.account_id:
                self.plan.access_changed[person.pk] = person
        return changes

    def plan_class(self, person: Person, key: tuple[int, str]) -> list[str]:
        name = self.school.class_name(key)
        self.plan.class_names.add(name)
        if key not in self.school.classes and key not in self.plan.classes_to_create:
            self.plan.classes_to_create.append(key)
        enrollment = self.school.enrollments.get(person.pk) if person.pk else None
        if enrollment is None:
            self.plan.enrollments_new.append((person, key))
            return [_("class: %(name)s") % {"name": name}] if person.pk else []
        current = self.school.classes_by_pk.get(enrollment.school_class_id)
        if current is not None and (current.grade, current.letter) == key:
            return []
        self.plan.enrollments_moved.append((enrollment, key))
        old = current.name if current else "—"
        return [_("class: %(old)s → %(new)s") % {"old": old, "new": name}]

    def plan_child(self, number: int, parent: Person, values: dict[str, object]) -> tuple[list[str], str]:
        if not values["child_external_id"] and not (values["child_name"] and values["child_birth_date"]):
            self.problem(number, self._column("child_name"), errors.REQUIRED,
                         _("Give the child's full name and birth date, or the child's external id."))
            raise _CellError(errors.REQUIRED, "")
        child, _how = self.resolve(number, values, child=True)
        if child is None or Role.STUDENT not in child.roles or not child.is_active:
            column = self._column("child_external_id" if values["child_external_id"] else "child_name")
            self.problem(number, column, errors.CHILD_NOT_FOUND,
                         _("No such student in the school. Import the students first or check the name, birth "
                           "date and id."))
            raise _CellError(errors.CHILD_NOT_FOUND, "")
        if child is parent:
            self.problem(number, self._column("child_name"), errors.CHILD_IS_SELF,
                         _("A person cannot be their own parent."))
            raise _CellError(errors.CHILD_IS_SELF, "")
        enrollment = self.school.enrollments.get(child.pk)
        klass = self.school.classes_by_pk.get(enrollment.school_class_id) if enrollment else None
        detail = f"{child.full_name} ({klass.name})" if klass else child.full_name
        if klass is not None:
            self.plan.class_names.add(klass.name)
        relation = values["relation"]
        link = self.school.links.get((parent.pk, child.pk)) if parent.pk else None
        if link is None:
            if any(p is parent and c is child for p, c, _k in self.plan.links_new):
                self.problem(number, self._column("child_name"), errors.DUPLICATE_ROW,
                             _("This parent and child are already linked by an earlier row."))
                raise _CellError(errors.DUPLICATE_ROW, "")
            self.plan.links_new.append((parent, child, relation or Guardianship.Kind.GUARDIAN))
            return ([_("child: %(name)s") % {"name": detail}] if parent.pk else []), detail
        if relation and link.kind != relation:
            link.kind = relation
            self.plan.links_changed.append(link)
            return [_("relation to %(name)s") % {"name": child.full_name}], detail
        return [], detail

    def run(self) -> Plan:
        self.plan.rows_total = len(self.table.rows)
        if not self.map_header():
            return self.plan
        for number, raw in self.table.rows:
            values = self.parse_row(number, raw)
            if values is None:
                continue
            self.row_values[number] = values
            found = self.person_for_row(number, values)
            if found is None:
                continue
            person, is_new, how = found
            if not self.claim(number, person, how):
                continue
            first_row = self.claimed[id(person)] == number
            changes = self.update_fields(person, values, how) if (not is_new and first_row) else []
            detail = ""
            try:
                if self.kind == PeopleGroup.STUDENTS:
                    key = values["class_name"]
                    changes += self.plan_class(person, key)
                    detail = self.school.class_name(key)
                elif self.kind == PeopleGroup.PARENTS:
                    more, detail = self.plan_child(number, person, values)
                    changes += more
                else:
                    detail = str(values.get("position") or "")
            except _CellError:
                continue
            action = "create" if is_new else ("update" if changes else "same")
            self.plan.outcomes.append(RowOutcome(row=number, name=person.full_name, action=action,
                                                 changes=changes, detail=detail))
        return self.plan


def plan_build(*, kind: str, file_name: str, content: bytes) -> Plan:
    """Read and check a file against the current school's schema; writes nothing."""
    if kind not in PeopleGroup.values:
        raise ValueError(f"unknown kind {kind!r}")
    try:
        table = table_read(file_name, content)
    except ImportFileError as exc:
        plan = Plan(kind=kind, file_name=file_name)
        plan.problems.append(Problem(row=None, column="", message=exc.message, code=exc.code))
        return plan
    plan = _Planner(kind, table).run()
    plan.file_name = file_name
    return plan
