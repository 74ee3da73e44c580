"""The columns of the staff, student and parent files.

The headers are Russian because the file is a document the school fills in (usually exported
from its register); they are matched ignoring case, spaces, «ё» and a trailing «*», and a few
common variants and English names are accepted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.choices import PeopleGroup


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int = 16
    note: str = ""


LAST_NAME = Column("last_name", "Фамилия", True, ("last name", "surname"), 18)
FIRST_NAME = Column("first_name", "Имя", True, ("first name", "name"), 14)
MIDDLE_NAME = Column("middle_name", "Отчество", False, ("patronymic", "middle name"), 18)
BIRTH_DATE = Column("birth_date", "Дата рождения", False, ("birth date", "дата рожд", "др"), 15,
                    "ДД.ММ.ГГГГ, например 05.03.2014")
EMAIL = Column("email", "E-mail", False, ("email", "e-mail", "эл почта", "электронная почта", "почта"), 24)
PHONE = Column("phone", "Телефон", False, ("phone", "мобильный телефон", "тел"), 18, "+7 912 345-67-89")
EXTERNAL_ID = Column("external_id", "Внешний ID", False,
                     ("external id", "внешний идентификатор", "id", "идентификатор"), 14,
                     "номер человека в учётной системе школы; уникален в пределах школы")

STAFF_COLUMNS = [
    LAST_NAME, FIRST_NAME, MIDDLE_NAME, BIRTH_DATE,
    Column("position", "Должность", False, ("position",), 30, "например, учитель математики"),
    Column("roles", "Роли", False, ("roles", "роль"), 26,
           "через запятую: администратор, директор, заместитель директора, учитель; пусто — учитель"),
    EMAIL, PHONE, EXTERNAL_ID,
]
STUDENT_COLUMNS = [
    LAST_NAME, FIRST_NAME, MIDDLE_NAME,
    Column("birth_date", "Дата рождения", True, BIRTH_DATE.aliases, 15, BIRTH_DATE.note),
    Column("class_name", "Класс", True, ("class",), 8, "цифра и буква: 5А, 10Б; нового класса нет — он будет создан"),
    EMAIL, PHONE, EXTERNAL_ID,
]
PARENT_COLUMNS = [
    LAST_NAME, FIRST_NAME, MIDDLE_NAME, BIRTH_DATE,
    Column("relation", "Кем приходится", False, ("relation", "степень родства", "родство"), 16,
           "мать, отец или опекун"),
    EMAIL, PHONE, EXTERNAL_ID,
    Column("child_name", "ФИО ребёнка", False, ("child", "ребёнок", "ребенок фио", "фио ученика"), 30,
           "как в списке учеников; если ребёнок указан по внешнему ID, можно не заполнять"),
    Column("child_birth_date", "Дата рождения ребёнка", False, ("child birth date", "дата рождения ученика"), 15,
           "ДД.ММ.ГГГГ"),
    Column("child_external_id", "Внешний ID ребёнка", False, ("child external id", "внешний id ученика"), 14,
           "если указан, ребёнок ищется по нему"),
]

COLUMNS: dict[str, list[Column]] = {
    PeopleGroup.STAFF: STAFF_COLUMNS,
    PeopleGroup.STUDENTS: STUDENT_COLUMNS,
    PeopleGroup.PARENTS: PARENT_COLUMNS,
}


def header_key(text: object) -> str:
    """A header as it is compared: lower case, «е» for «ё», no punctuation or extra spaces."""
    value = str(text or "").strip().lower().replace("ё", "е").rstrip("*").strip()
    value = re.sub(r"[\s\-_.:]+", " ", value)
    return value.strip()


def column_lookup(kind: str) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in COLUMNS[kind]:
        for name in (column.header, *column.aliases):
            lookup.setdefault(header_key(name), column)
    return lookup
