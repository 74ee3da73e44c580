"""Writes of the setup wizard's own steps: school settings and classes."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Person, SchoolClass, SchoolSettings
from core.rules import can
from core.setup import school_settings
from tenants.models import School

LOGO_MAX_BYTES = 1024 * 1024
CLASS_LETTERS = "АБВГДЕЖЗИКЛМНОПРСТ"


def _require(actor: Person | None, action: str = "school.manage") -> None:
    if actor is not None and not can(actor, action):
        raise PermissionDenied(action)


@transaction.atomic
def school_settings_update(
    *, actor: Person | None, school: School, name: str, short_name: str, timezone: str,
    logo: UploadedFile | None = None, clear_logo: bool = False, **fields: object,
) -> SchoolSettings:
    """Save the school's data (the public registry row) and its settings (its schema)."""
    _require(actor)
    if logo is not None and logo.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo must be under 1 MB."), code="logo_size")
    School.objects.filter(pk=school.pk).update(name=name, short_name=short_name, timezone=timezone)
    school.name, school.short_name, school.timezone = name, short_name, timezone
    from tenants.selectors import school_cache_clear

    transaction.on_commit(lambda: school_cache_clear(school))
    settings = school_settings()
    for field, value in fields.items():
        setattr(settings, field, value)
    if clear_logo and settings.logo:
        settings.logo.delete(save=False)
    if logo is not None:
        settings.logo = logo  # ImageField: Pillow has verified it is an image
    settings.full_clean(exclude=["logo"])
    settings.save()
    if "grading" in fields:
        # The grading system chosen here IS the journal's default scale: one setting, not two.
        from gradebook.models import GradingScale

        if (scale := GradingScale.objects.filter(kind=settings.grading).first()) is not None:
            GradingScale.objects.filter(is_default=True).exclude(pk=scale.pk).update(is_default=False)
            GradingScale.objects.filter(pk=scale.pk).update(is_default=True)
    return settings


# Latin letters typed for their Cyrillic twins on an English keyboard layout.
_LATIN_LOOKALIKES = str.maketrans("ABEKMHOPCTX", "АВЕКМНОРСТХ")
_CLASS_RE = re.compile(r"^(?P<first>\d{1,2})(?:\s*-\s*(?P<last>\d{1,2}))?\s*(?P<letters>[А-ЯЁA-Z,\s]*)$", re.I)


def class_names_parse(text: str) -> list[tuple[int, str]]:
    """«1-4 АБ; 5А, 5Б, 10» → [(1,'А'), (1,'Б'), …, (5,'А'), (5,'Б'), (10,'')].

    A grade range takes the letters written after it; each comma- or semicolon-separated
    part is one entry."""
    result: list[tuple[int, str]] = []
    for part in re.split(r"[;,\n]+", text):
        part = part.strip().upper().replace("Ё", "Е").translate(_LATIN_LOOKALIKES)
        if not part:
            continue
        match = _CLASS_RE.match(part)
        if not match:
            raise ValidationError(_("«%(part)s» is not a class name like 5А or 1-4 АБ.") % {"part": part},
                                  code="class_name")
        first = int(match["first"])
        last = int(match["last"] or first)
        letters = [c for c in match["letters"] if c.strip() and c != ","] or [""]
        if not (0 <= first <= last <= 12):
            raise ValidationError(_("Grades go from 1 to 11 (0 for preschool)."), code="class_grade")
        for letter in letters:
            if letter and letter not in CLASS_LETTERS:
                raise ValidationError(_("«%(letter)s» is not a class letter.") % {"letter": letter},
                                      code="class_letter")
        result.extend((grade, letter) for grade in range(first, last + 1) for letter in letters)
    return result


@transaction.atomic
def classes_add(*, actor: Person | None, names: Iterable[tuple[int, str]]) -> list[SchoolClass]:
    """Create the classes that do not exist yet."""
    _require(actor, "class.manage")
    wanted = list(dict.fromkeys(names))
    existing = set(SchoolClass.objects.values_list("grade", "letter"))
    return SchoolClass.objects.bulk_create(
        [SchoolClass(grade=g, letter=letter) for g, letter in wanted if (g, letter) not in existing]
    )


@transaction.atomic
def classes_update(*, actor: Person | None, rows: Iterable[tuple[SchoolClass, Person | None, bool]]) -> int:
    """Class teachers and pilot flags for many classes at once."""
    _require(actor, "class.manage")
    changed = []
    for school_class, teacher, in_pilot in rows:
        if teacher is not None and not teacher.has_role("teacher"):
            raise ValidationError(_("%(name)s is not a teacher.") % {"name": teacher.short_name}, code="not_teacher")
        if school_class.class_teacher_id != (teacher.pk if teacher else None) or school_class.in_pilot != in_pilot:
            school_class.class_teacher = teacher
            school_class.in_pilot = in_pilot
            changed.append(school_class)
    SchoolClass.objects.bulk_update(changed, ["class_teacher", "in_pilot"])
    return len(changed)
