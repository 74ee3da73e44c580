"""Grading scales: which values a mark may take, what number each counts as, weighted
averages and the period mark an average proposes. Pure functions over a `GradingScale`
row (no queries) except the two lookups of a class's scale."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import F, Q
from django.utils.translation import gettext as _

from core.models import SchoolClass
from gradebook.errors import INVALID_MARK, GradebookError
from gradebook.models import GradebookSettings, GradingScale

CENT = Decimal("0.01")

# Dashes people type for a minus («5–», «5−», «5—») and look-alike pluses.
_MINUSES = str.maketrans({"−": "-", "–": "-", "—": "-", "‐": "-", "‑": "-", "＋": "+"})
# Cyrillic letters that look like the Latin marks A–F (typed on a Russian keyboard).
_LATIN = str.maketrans({"А": "A", "В": "B", "С": "C", "Е": "E", "а": "A", "в": "B", "с": "C", "е": "E"})
# Spellings of pass / fail, compared with «ё» read as «е».
_PASS = {"зач", "зачет", "з", "зачтено", "pass"}
_FAIL = {"незач", "незачет", "н/з", "нз", "не зачтено", "незачтено", "fail"}


# ---- which scale a class uses -----------------------------------------------------------

def _default_scale() -> GradingScale:
    scale = GradingScale.objects.filter(is_default=True).first()
    # A school that removed its default still grades: the plain five-point scale, or any.
    return (scale or GradingScale.objects.filter(kind=GradingScale.Kind.FIVE).order_by("pk").first()
            or GradingScale.objects.order_by("pk").first())


def scale_for_class(school_class: SchoolClass | int) -> GradingScale:
    """The class's own scale (ClassScale) or the school's default."""
    class_id = school_class if isinstance(school_class, int) else school_class.pk
    return scales_for_classes([class_id])[class_id]


def scales_for_classes(class_ids: Iterable[int]) -> dict[int, GradingScale]:
    """{class id: scale} for every given class, in one query: the scales linked to those
    classes plus the default (LEFT JOIN, so the default comes back even when unlinked)."""
    ids = set(class_ids)
    rows = list(
        GradingScale.objects.filter(Q(class_links__school_class_id__in=ids) | Q(is_default=True))
        .annotate(for_class=F("class_links__school_class_id"))
    )
    default = next((s for s in rows if s.is_default), None)
    result: dict[int, GradingScale] = {}
    for scale in rows:
        if scale.for_class in ids:
            result[scale.for_class] = scale
    missing = ids - result.keys()
    if missing:
        default = default or _default_scale()
        result.update(dict.fromkeys(missing, default))
    return result


# ---- values of a scale ------------------------------------------------------------------

def _numeric(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def is_range_scale(scale: GradingScale) -> bool:
    """A scale given by its bounds (the hundred-point one): any whole number between them."""
    return not scale.values


def scale_choices(scale: GradingScale) -> list[str]:
    """The raw values a teacher may type, best first (bounds for a range scale)."""
    if is_range_scale(scale):
        return [str(int(scale.max_value)), str(int(scale.min_value))]
    return [str(v["raw"]) for v in scale.values]


def _allowed_text(scale: GradingScale) -> str:
    if is_range_scale(scale):
        return _("whole numbers from %(low)s to %(high)s") % {"low": int(scale.min_value),
                                                               "high": int(scale.max_value)}
    return ", ".join(scale_choices(scale))


def _invalid(scale: GradingScale, raw: str) -> GradebookError:
    return GradebookError(INVALID_MARK, _("“%(raw)s” is not a mark of the scale “%(scale)s”. Allowed: %(allowed)s.")
                          % {"raw": raw, "scale": scale.name, "allowed": _allowed_text(scale)}, field="raw")


def _normalise(scale: GradingScale, raw: str) -> str:
    text = " ".join(str(raw).split()).translate(_MINUSES)
    if scale.kind == GradingScale.Kind.PASS_FAIL:
        low = text.lower().replace("ё", "е").rstrip(".")
        if low in _PASS:
            return "зач"
        if low in _FAIL:
            return "незач"
        return text
    if scale.kind == GradingScale.Kind.LETTERS:
        return text.translate(_LATIN).upper()
    return text.replace(" ", "")


def mark_parse(scale: GradingScale, raw: str) -> tuple[str, Decimal | None]:
    """(normalised raw, numeric) of a typed mark on the scale; GradebookError(INVALID_MARK)
    naming the allowed values otherwise."""
    text = _normalise(scale, raw or "")
    if not text:
        raise _invalid(scale, str(raw or ""))
    if is_range_scale(scale):
        if not text.isdigit():
            raise _invalid(scale, str(raw))
        value = Decimal(int(text))
        if not scale.min_value <= value <= scale.max_value:
            raise _invalid(scale, str(raw))
        return str(int(value)), value
    lowered = text.casefold()
    for entry in scale.values:
        if str(entry["raw"]).casefold() == lowered:
            return str(entry["raw"]), _numeric(entry.get("numeric"))
    raise _invalid(scale, str(raw))


# ---- averages and the proposed period mark ------------------------------------------------

def weighted_average(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Σ value·weight / Σ weight over (value, weight) pairs, to two places (half up, as the
    journal shows it); None when there is nothing to average."""
    total = Decimal(0)
    weights = Decimal(0)
    for value, weight in pairs:
        if value is None:
            continue
        total += Decimal(value) * Decimal(weight)
        weights += Decimal(weight)
    if not weights:
        return None
    return (total / weights).quantize(CENT, rounding=ROUND_HALF_UP)


def _proposal_candidates(scale: GradingScale) -> list[tuple[Decimal, str]]:
    """The values a period mark can take, ascending by number: whole marks only on the
    signed five-point scale (a term mark is never «4−»)."""
    if is_range_scale(scale):
        return []  # handled arithmetically
    values = [(n, str(v["raw"])) for v in scale.values if (n := _numeric(v.get("numeric"))) is not None]
    if scale.kind == GradingScale.Kind.FIVE_SIGNS:
        values = [(n, raw) for n, raw in values if n == n.to_integral_value()]
    # Keep the first raw of each number (the plain «4», not a duplicate spelling).
    seen: dict[Decimal, str] = {}
    for n, raw in values:
        seen.setdefault(n, raw)
    return sorted(seen.items())


def _goes_up(fraction: Decimal, rounding: str) -> bool:
    if rounding == GradebookSettings.Rounding.SIX_TENTHS:
        return fraction >= Decimal("0.6")
    if rounding == GradebookSettings.Rounding.DOWN:
        return False
    return fraction >= Decimal("0.5")


def average_round(average: Decimal | None, scale: GradingScale, rounding: str) -> str:
    """The period mark an average proposes: the nearest value of the scale by the school's
    rule — half_up (3.5 → 4), six_tenths (3.5 → 3, 3.6 → 4), down (3.9 → 3). "" for no average."""
    if average is None:
        return ""
    average = Decimal(average)
    if is_range_scale(scale):
        average = min(max(average, scale.min_value), scale.max_value)
        lower = average.to_integral_value(rounding=ROUND_FLOOR)
        result = lower + 1 if lower != average and _goes_up(average - lower, rounding) else lower
        return str(int(result))
    candidates = _proposal_candidates(scale)
    if not candidates:
        return ""
    if average <= candidates[0][0]:
        return candidates[0][1]
    if average >= candidates[-1][0]:
        return candidates[-1][1]
    for (low, low_raw), (high, high_raw) in itertools.pairwise(candidates):
        if average == low:
            return low_raw
        if low < average < high:
            return high_raw if _goes_up((average - low) / (high - low), rounding) else low_raw
    return candidates[-1][1]
