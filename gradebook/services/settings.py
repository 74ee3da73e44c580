"""The school's journal settings: rules (rounding, the reason window, rating, early warning,
the assistant), grading scales and which class uses which, work types with their weights and
attendance codes. The administration's («gradebook.manage_settings»).

Each write checks everything first and saves in one transaction: a refused change leaves
the settings as they were. Something in use (a work type with works, a code with
attendance rows, a scale with marks) cannot be deleted — history keeps pointing at it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from core.models import Person, SchoolClass, SchoolSettings
from gradebook import errors
from gradebook.errors import BAD_VALUE, DUPLICATE, IN_USE, GradebookError
from gradebook.models import (
    Attendance,
    AttendanceCode,
    ClassScale,
    GradebookSettings,
    GradingScale,
    Mark,
    PeriodMark,
    Work,
    WorkType,
)
from gradebook.rules import can_journal

MAX_SCALE_VALUES = 30
_VALUE_RE = re.compile(r"^(?P<raw>[^=:]+?)\s*(?:[=:]\s*(?P<numeric>-?\d+(?:[.,]\d+)?))?$")


def _check(actor: Person) -> None:
    if not can_journal(actor, "gradebook.manage_settings"):
        raise GradebookError(errors.FORBIDDEN, _("Only the administration changes the journal settings."))


def _decimal(value: object, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError) as exc:
        raise GradebookError(BAD_VALUE, _("%(label)s: write a number.") % {"label": label}, field=field) from exc
    if not number.is_finite():
        raise GradebookError(BAD_VALUE, _("%(label)s: write a number.") % {"label": label}, field=field)
    return number


def gradebook_settings_current() -> GradebookSettings:
    """The school's one settings row (created if a school somehow lost it)."""
    settings, _created = GradebookSettings.objects.get_or_create(pk=1)
    return settings


# ---- the rules ---------------------------------------------------------------------------


@transaction.atomic
def gradebook_settings_update(actor: Person, *, rounding: str, reason_after_days: int, rating_enabled: bool,
                              warning_average_below: Decimal, warning_falling_marks: int, warning_absences: int,
                              assistant_enabled: bool) -> GradebookSettings:
    _check(actor)
    if rounding not in GradebookSettings.Rounding.values:
        raise GradebookError(BAD_VALUE, _("Choose a rounding rule from the list."), field="rounding")
    if not 0 <= reason_after_days <= 365:
        raise GradebookError(BAD_VALUE, _("The reason window is from 0 to 365 days (0: always ask for a reason)."),
                             field="reason_after_days")
    warning_average_below = _decimal(warning_average_below, "warning_average_below", _("Average threshold"))
    if not Decimal(0) <= warning_average_below <= Decimal(100):
        raise GradebookError(BAD_VALUE, _("The average threshold is from 0 to 100 (0 turns the warning off)."),
                             field="warning_average_below")
    if not 0 <= warning_falling_marks <= 20 or warning_falling_marks == 1:
        raise GradebookError(BAD_VALUE, _("A falling average is noticed over 2 to 20 marks (0 turns it off)."),
                             field="warning_falling_marks")
    if not 0 <= warning_absences <= 500:
        raise GradebookError(BAD_VALUE, _("The absence limit is from 0 to 500 lessons (0 turns it off)."),
                             field="warning_absences")
    settings = GradebookSettings.objects.select_for_update().get_or_create(pk=1)[0]
    settings.rounding = rounding
    settings.reason_after_days = reason_after_days
    settings.rating_enabled = rating_enabled
    settings.warning_average_below = warning_average_below.quantize(Decimal("0.01"))
    settings.warning_falling_marks = warning_falling_marks
    settings.warning_absences = warning_absences
    settings.assistant_enabled = assistant_enabled
    settings.save()
    return settings


# ---- grading scales ----------------------------------------------------------------------


def scale_values_parse(text: str) -> list[dict[str, str]]:
    """«5,4,3,2» or «отл=5; хор=4; уд=3; неуд=2» → [{"raw", "numeric"}], best first.
    A value without «=» must itself be a number."""
    items = [item.strip() for item in re.split(r"[,;\n]+", text or "") if item.strip()]
    if len(items) < 2:
        raise GradebookError(BAD_VALUE, _("A scale needs at least two values, e.g. «5, 4, 3, 2» or "
                                          "«отл=5, хор=4, уд=3, неуд=2»."), field="values")
    if len(items) > MAX_SCALE_VALUES:
        raise GradebookError(BAD_VALUE, _("A scale has at most %(max)d values.") % {"max": MAX_SCALE_VALUES},
                             field="values")
    values: list[dict[str, str]] = []
    seen: set[str] = set()
    for item in items:
        match = _VALUE_RE.match(item)
        raw = match.group("raw").strip() if match else item
        numeric_text = match.group("numeric") if match else None
        if numeric_text is None:
            numeric_text = raw
        try:
            numeric = Decimal(numeric_text.replace(",", "."))
        except InvalidOperation as exc:
            raise GradebookError(BAD_VALUE, _("«%(value)s» is not a number: write it as «%(value)s=4».")
                                 % {"value": raw}, field="values") from exc
        if len(raw) > 10:
            raise GradebookError(BAD_VALUE, _("«%(value)s» is longer than 10 characters.") % {"value": raw},
                                 field="values")
        if raw.lower() in seen:
            raise GradebookError(BAD_VALUE, _("«%(value)s» is listed twice.") % {"value": raw}, field="values")
        if not Decimal(-1000) < numeric < Decimal(10000):
            raise GradebookError(BAD_VALUE, _("«%(value)s» counts as a number out of range.") % {"value": raw},
                                 field="values")
        seen.add(raw.lower())
        values.append({"raw": raw, "numeric": str(numeric.normalize() if numeric == numeric.to_integral()
                                                  else numeric)})
    values.sort(key=lambda v: Decimal(v["numeric"]), reverse=True)
    return values


@transaction.atomic
def grading_scale_create(actor: Person, *, name: str, values: str, pass_from: Decimal, good_from: Decimal,
                         counts_in_average: bool = True) -> GradingScale:
    """A custom scale from its values and the numbers they count as."""
    _check(actor)
    name = " ".join((name or "").split())
    if not name:
        raise GradebookError(BAD_VALUE, _("Give the scale a name."), field="name")
    if len(name) > 100:
        raise GradebookError(BAD_VALUE, _("The name is longer than 100 characters."), field="name")
    if GradingScale.objects.filter(name__iexact=name).exists():
        raise GradebookError(DUPLICATE, _("The school already has a scale called «%(name)s».") % {"name": name},
                             field="name")
    parsed = scale_values_parse(values)
    numbers = [Decimal(v["numeric"]) for v in parsed]
    low, high = min(numbers), max(numbers)
    if low == high:
        raise GradebookError(BAD_VALUE, _("The values must count as different numbers."), field="values")
    pass_from = _decimal(pass_from, "pass_from", _("Passing from"))
    good_from = _decimal(good_from, "good_from", _("Good from"))
    if not low <= pass_from <= high:
        raise GradebookError(BAD_VALUE, _("«Passing from» must be between %(low)s and %(high)s.")
                             % {"low": low, "high": high}, field="pass_from")
    if not pass_from <= good_from <= high:
        raise GradebookError(BAD_VALUE, _("«Good from» must be between «passing from» and %(high)s.")
                             % {"high": high}, field="good_from")
    return GradingScale.objects.create(name=name, kind=GradingScale.Kind.CUSTOM, values=parsed, min_value=low,
                                       max_value=high, pass_from=pass_from, good_from=good_from,
                                       counts_in_average=counts_in_average)


@transaction.atomic
def grading_scale_set_default(actor: Person, *, scale: GradingScale) -> GradingScale:
    """The scale of every class that has none of its own."""
    _check(actor)
    # Two steps: the partial unique index allows one default at any moment.
    GradingScale.objects.filter(is_default=True).exclude(pk=scale.pk).update(is_default=False)
    GradingScale.objects.filter(pk=scale.pk).update(is_default=True)
    scale.is_default = True
    # The setup wizard shows the same choice as the school's grading system.
    if scale.kind in SchoolSettings.Grading.values:
        SchoolSettings.objects.filter(pk=1).update(grading=scale.kind)
    return scale


def scale_in_use(scale: GradingScale) -> bool:
    return (scale.is_default or ClassScale.objects.filter(scale=scale).exists()
            or Mark.objects.filter(scale=scale).exists() or PeriodMark.objects.filter(scale=scale).exists())


@transaction.atomic
def grading_scale_delete(actor: Person, *, scale: GradingScale) -> None:
    _check(actor)
    if scale.is_default:
        raise GradebookError(IN_USE, _("The default scale cannot be deleted: make another scale the default first."))
    if scale_in_use(scale):
        raise GradebookError(IN_USE, _("«%(name)s» is used by classes or marks and cannot be deleted.")
                             % {"name": scale.name})
    scale.delete()


@transaction.atomic
def class_scale_set(actor: Person, *, school_class: SchoolClass, scale: GradingScale | None) -> None:
    """The scale a class is graded on; None (or the default itself) means the school's
    default. Marks already given keep the scale they were given on."""
    _check(actor)
    if scale is None or scale.is_default:
        ClassScale.objects.filter(school_class=school_class).delete()
        return
    ClassScale.objects.update_or_create(school_class=school_class, defaults={"scale": scale})


@transaction.atomic
def class_scales_set(actor: Person, *, choices: dict[int, int | None]) -> int:
    """Several classes at once ({class id: scale id or None}); returns how many changed."""
    _check(actor)
    classes = {c.pk: c for c in SchoolClass.objects.filter(pk__in=choices)}
    scales = {s.pk: s for s in GradingScale.objects.filter(pk__in={v for v in choices.values() if v})}
    current = dict(ClassScale.objects.filter(school_class_id__in=classes).values_list("school_class_id", "scale_id"))
    default_id = next((s.pk for s in scales.values() if s.is_default), None)
    changed = 0
    for class_id, scale_id in choices.items():
        if class_id not in classes or (scale_id and scale_id not in scales):
            raise GradebookError(BAD_VALUE, _("Choose a class and a scale from the lists."), field="scales")
        wanted = None if scale_id == default_id else scale_id
        if current.get(class_id) != wanted:
            class_scale_set(actor, school_class=classes[class_id], scale=scales.get(scale_id) if scale_id else None)
            changed += 1
    return changed


# ---- work types --------------------------------------------------------------------------


def _work_type_values(*, name: str, short_name: str, weight: Decimal, exclude_pk: int | None) -> dict[str, object]:
    name = " ".join((name or "").split())
    short_name = " ".join((short_name or "").split())
    if not name:
        raise GradebookError(BAD_VALUE, _("Give the work type a name."), field="name")
    if len(name) > 100 or len(short_name) > 12:
        raise GradebookError(BAD_VALUE, _("The name is up to 100 characters, the short name up to 12."),
                             field="short_name" if len(short_name) > 12 else "name")
    if WorkType.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise GradebookError(DUPLICATE, _("The school already has a work type called «%(name)s».") % {"name": name},
                             field="name")
    weight = _decimal(weight, "weight", _("Weight"))
    if not Decimal("0.1") <= weight <= Decimal("10"):
        raise GradebookError(BAD_VALUE, _("The weight is from 0.1 to 10."), field="weight")
    if weight != weight.quantize(Decimal("0.01")):
        raise GradebookError(BAD_VALUE, _("The weight has at most two decimal places."), field="weight")
    return {"name": name, "short_name": short_name, "weight": weight}


def _make_default(work_type: WorkType) -> None:
    WorkType.objects.filter(is_default=True).exclude(pk=work_type.pk).update(is_default=False)


@transaction.atomic
def work_type_create(actor: Person, *, name: str, weight: Decimal, short_name: str = "",
                     is_default: bool = False) -> WorkType:
    _check(actor)
    values = _work_type_values(name=name, short_name=short_name, weight=weight, exclude_pk=None)
    last = WorkType.objects.order_by("-position").values_list("position", flat=True).first()
    work_type = WorkType(position=(last or 0) + 1, **values)
    if is_default:
        _make_default(work_type)
        work_type.is_default = True
    work_type.save()
    return work_type


@transaction.atomic
def work_type_update(actor: Person, *, work_type: WorkType, name: str, weight: Decimal, short_name: str = "",
                     is_default: bool = False) -> WorkType:
    """A new weight counts for every mark of the type, old ones included (the period
    averages are refreshed by the engine's recompute job, not here)."""
    _check(actor)
    values = _work_type_values(name=name, short_name=short_name, weight=weight, exclude_pk=work_type.pk)
    for key, value in values.items():
        setattr(work_type, key, value)
    if is_default and not work_type.is_default:
        _make_default(work_type)
    if not is_default and work_type.is_default:
        raise GradebookError(BAD_VALUE, _("One work type is the lesson's default: choose another one as the "
                                          "default instead."), field="is_default")
    work_type.is_default = is_default
    work_type.save()
    return work_type


@transaction.atomic
def work_type_move(actor: Person, *, work_type: WorkType, offset: int) -> None:
    _check(actor)
    ordered = list(WorkType.objects.select_for_update().order_by("position", "name"))
    index = next(i for i, t in enumerate(ordered) if t.pk == work_type.pk)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    for position, item in enumerate(ordered):
        item.position = position
    WorkType.objects.bulk_update(ordered, ["position"])


@transaction.atomic
def work_type_delete(actor: Person, *, work_type: WorkType) -> None:
    _check(actor)
    used = Work.objects.filter(work_type=work_type).count()
    if used:
        raise GradebookError(IN_USE, _("«%(name)s» is used by %(count)d works in the journal and cannot be deleted. "
                                       "Rename it instead.") % {"name": work_type.name, "count": used})
    if work_type.is_default:
        raise GradebookError(IN_USE, _("«%(name)s» is the lesson's default work type: choose another default first.")
                             % {"name": work_type.name})
    work_type.delete()


# ---- attendance codes --------------------------------------------------------------------


def _code_values(*, code: str, name: str, exclude_pk: int | None) -> tuple[str, str]:
    code = "".join((code or "").split()).lower()
    name = " ".join((name or "").split())
    if not code or len(code) > 4:
        raise GradebookError(BAD_VALUE, _("The code is 1 to 4 letters, e.g. «н» or «оп»."), field="code")
    if not name or len(name) > 100:
        raise GradebookError(BAD_VALUE, _("Say what the code means (up to 100 characters)."), field="name")
    if AttendanceCode.objects.filter(code__iexact=code).exclude(pk=exclude_pk).exists():
        raise GradebookError(DUPLICATE, _("The code «%(code)s» already exists.") % {"code": code}, field="code")
    return code, name


@transaction.atomic
def attendance_code_create(actor: Person, *, code: str, name: str, is_absence: bool = True,
                           is_excused: bool = False) -> AttendanceCode:
    _check(actor)
    code, name = _code_values(code=code, name=name, exclude_pk=None)
    last = AttendanceCode.objects.order_by("-position").values_list("position", flat=True).first()
    try:
        return AttendanceCode.objects.create(code=code, name=name, is_absence=is_absence, is_excused=is_excused,
                                             position=(last or 0) + 1)
    except IntegrityError as exc:  # a colleague added the same code a moment ago
        raise GradebookError(DUPLICATE, _("The code «%(code)s» already exists.") % {"code": code},
                             field="code") from exc


@transaction.atomic
def attendance_code_update(actor: Person, *, attendance_code: AttendanceCode, code: str, name: str,
                           is_absence: bool, is_excused: bool) -> AttendanceCode:
    _check(actor)
    code, name = _code_values(code=code, name=name, exclude_pk=attendance_code.pk)
    attendance_code.code, attendance_code.name = code, name
    attendance_code.is_absence, attendance_code.is_excused = is_absence, is_excused
    attendance_code.save()
    return attendance_code


@transaction.atomic
def attendance_code_move(actor: Person, *, attendance_code: AttendanceCode, offset: int) -> None:
    _check(actor)
    ordered = list(AttendanceCode.objects.select_for_update().order_by("position", "code"))
    index = next(i for i, c in enumerate(ordered) if c.pk == attendance_code.pk)
    ordered.insert(max(0, min(len(ordered) - 1, index + offset)), ordered.pop(index))
    for position, item in enumerate(ordered):
        item.position = position
    AttendanceCode.objects.bulk_update(ordered, ["position"])


@transaction.atomic
def attendance_code_delete(actor: Person, *, attendance_code: AttendanceCode) -> None:
    _check(actor)
    used = Attendance.objects.filter(code=attendance_code).count()
    if used:
        raise GradebookError(IN_USE, _("«%(code)s» is used in %(count)d attendance entries and cannot be deleted.")
                             % {"code": attendance_code.code, "count": used})
    attendance_code.delete()


def usage_counts() -> dict[str, dict[int, int]]:
    """How many works use each work type and how many entries each code (for the page)."""
    return {
        "work_types": dict(WorkType.objects.annotate(n=Count("works")).values_list("pk", "n")),
        "codes": dict(Attendance.objects.values("code").annotate(n=Count("pk")).values_list("code", "n")),
    }

