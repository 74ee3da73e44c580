"""Writes of planning (КТП), the methodological library and teachers' description templates.

Every function is keyword-only with the acting person first, checks permission itself
(the views have already answered 404 to outsiders; this is the second lock for the API and
the shell) and runs in one transaction, so a refused write leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils.translation import gettext as _

from core.models import Person, SchoolClass
from gradebook import errors
from gradebook.errors import GradebookError
from gradebook.files import check_upload
from gradebook.importing_plan import MAX_HOURS, MAX_TOPICS, plan_rows_read
from gradebook.models import LessonTemplate, Material, Plan, PlanTopic
from gradebook.selectors.planning import material_can_delete, plan_can_edit, plan_lessons, planning_visible_to
from timetable.models import Lesson, ReportingPeriod, Subgroup, Subject

# Positions are renumbered through this offset: PostgreSQL checks a plain UNIQUE constraint
# row by row during an UPDATE, so shifting 1..n in place can collide with itself.
_SHIFT = 10000


def _forbidden() -> GradebookError:
    return GradebookError(errors.FORBIDDEN, _("You do not teach this subject in this class."))


def _check_plan(actor: Person, plan: Plan) -> None:
    if not plan_can_edit(actor, school_class=plan.school_class, subject=plan.subject, subgroup=plan.subgroup):
        raise _forbidden()


def _renumber(plan: Plan, ordered: list[PlanTopic]) -> None:
    PlanTopic.objects.filter(plan=plan).update(position=F("position") + _SHIFT)
    for number, topic in enumerate(ordered, start=1):
        topic.position = number
    PlanTopic.objects.bulk_update(ordered, ["position"])


def _topic_fields(*, title: str, hours: int, section: str, homework: str) -> dict[str, object]:
    title, section, homework = (" ".join((value or "").split()) for value in (title, section, homework))
    if not title:
        raise GradebookError(errors.BAD_ROW, _("Write the topic."), field="title")
    if len(title) > 500 or len(section) > 300 or len(homework) > 500:
        raise GradebookError(errors.BAD_ROW, _("The text is too long."), field="title")
    if not isinstance(hours, int) or not 1 <= hours <= MAX_HOURS:
        raise GradebookError(errors.BAD_ROW, _("Hours: a whole number from 1 to %(max)d.") % {"max": MAX_HOURS},
                             field="hours")
    return {"title": title, "hours": hours, "section": section, "homework": homework}


# ---- plans and topics --------------------------------------------------------------------


@transaction.atomic
def plan_ensure(actor: Person, *, school_class: SchoolClass, subject: Subject,
                subgroup: Subgroup | None = None) -> Plan:
    """The plan of a class and subject (group), created empty on the first write."""
    if not plan_can_edit(actor, school_class=school_class, subject=subject, subgroup=subgroup):
        raise _forbidden()
    name = " · ".join([subject.name, school_class.name] + ([subgroup.name] if subgroup else []))
    plan, _created = Plan.objects.get_or_create(school_class=school_class, subject=subject, subgroup=subgroup,
                                                defaults={"name": name[:200], "created_by": actor})
    return plan


@transaction.atomic
def plan_topic_add(actor: Person, *, plan: Plan, title: str, hours: int = 1, section: str = "",
                   homework: str = "", after: PlanTopic | None = None) -> PlanTopic:
    """A topic at the end of the plan, or right after `after`."""
    _check_plan(actor, plan)
    values = _topic_fields(title=title, hours=hours, section=section, homework=homework)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)  # one writer renumbers at a time
    topics = list(plan.topics.order_by("position"))
    if len(topics) >= MAX_TOPICS:
        raise GradebookError(errors.BAD_ROW, _("A plan has at most %(max)d topics.") % {"max": MAX_TOPICS})
    if after is None or after.plan_id != plan.pk:
        last = plan.topics.aggregate(last=Max("position"))["last"] or 0
        return PlanTopic.objects.create(plan=plan, position=last + 1, **values)
    index = next((i for i, t in enumerate(topics) if t.pk == after.pk), len(topics) - 1)
    topic = PlanTopic(plan=plan, position=_SHIFT * 2, **values)
    topic.save()
    topics.insert(index + 1, topic)
    _renumber(plan, topics)
    return topic


@transaction.atomic
def plan_topic_update(actor: Person, *, topic: PlanTopic, title: str, hours: int, section: str = "",
                      homework: str = "") -> PlanTopic:
    _check_plan(actor, topic.plan)
    for name, value in _topic_fields(title=title, hours=hours, section=section, homework=homework).items():
        setattr(topic, name, value)
    topic.save(update_fields=["title", "hours", "section", "homework"])
    return topic


@transaction.atomic
def plan_topic_move(actor: Person, *, topic: PlanTopic, offset: int) -> PlanTopic:
    """Move a topic up (offset −1) or down (+1); at either end nothing changes."""
    _check_plan(actor, topic.plan)
    plan = Plan.objects.select_for_update().get(pk=topic.plan_id)
    topics = list(plan.topics.order_by("position"))
    index = next((i for i, t in enumerate(topics) if t.pk == topic.pk), None)
    if index is None:
        return topic
    target = max(0, min(len(topics) - 1, index + offset))
    if target != index:
        topics.insert(target, topics.pop(index))
        _renumber(plan, topics)
    return next(t for t in topics if t.pk == topic.pk)


@transaction.atomic
def plan_topic_delete(actor: Person, *, topic: PlanTopic) -> None:
    _check_plan(actor, topic.plan)
    plan = Plan.objects.select_for_update().get(pk=topic.plan_id)
    topic.delete()
    _renumber(plan, list(plan.topics.order_by("position")))


@dataclass(frozen=True)
class PlanImportResult:
    topics: int
    hours: int
    replaced: int


def plan_import(actor: Person, *, plan: Plan, file_name: str, content: bytes,
                replace: bool = True) -> PlanImportResult:
    """Topics from an XLSX or CSV file: every row is checked first, and one bad cell refuses
    the whole file (PlanFileError lists them). `replace` swaps the plan's topics for the
    file's; otherwise the file's topics are added after the existing ones."""
    _check_plan(actor, plan)
    rows = plan_rows_read(file_name, content)  # raises before any write
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        replaced = 0
        start = 0
        if replace:
            replaced, _details = plan.topics.all().delete()
        else:
            start = plan.topics.aggregate(last=Max("position"))["last"] or 0
        if start + len(rows) > MAX_TOPICS:
            raise GradebookError(errors.BAD_ROW, _("A plan has at most %(max)d topics.") % {"max": MAX_TOPICS})
        PlanTopic.objects.bulk_create([
            PlanTopic(plan=plan, position=start + number, section=row.section, title=row.title, hours=row.hours,
                      homework=row.homework)
            for number, row in enumerate(rows, start=1)
        ])
    return PlanImportResult(topics=len(rows), hours=sum(row.hours for row in rows), replaced=replaced)


@dataclass(frozen=True)
class PlanApplyResult:
    """What «fill lesson topics» did: lessons that got a topic, lessons left as they were
    (they had a topic, or their period is closed), and the plan's topics that did not fit."""

    lessons_filled: int
    lessons_kept: int
    lessons_locked: int
    topics_placed: int
    topics_not_fitted: int
    hours_not_fitted: int
    lessons_left: int


def _closed_ranges(school_class: SchoolClass) -> list[tuple[date, date]]:
    periods = ReportingPeriod.objects.filter(is_closed=True).filter(
        Q(grades=[]) | Q(grades__contains=[school_class.grade]))
    return list(periods.values_list("starts_on", "ends_on"))


@transaction.atomic
def plan_apply(actor: Person, *, plan: Plan, from_date: date | None = None,
               overwrite: bool = False) -> PlanApplyResult:
    """Spread the plan's topics over the class's (group's) lessons of the subject in date
    order, a topic of N hours taking N lessons. Only empty topics are filled unless
    `overwrite`; a lesson in a closed period is never touched. Lessons left as they were do
    not use up a topic, so a topic the teacher wrote by hand does not shift the plan."""
    _check_plan(actor, plan)
    plan = Plan.objects.select_for_update(of=("self",)).select_related("school_class", "subject", "subgroup").get(
        pk=plan.pk)
    hours = [topic for topic in plan.topics.order_by("position") for _hour in range(topic.hours)]
    lessons = plan_lessons(school_class=plan.school_class, subject=plan.subject, subgroup=plan.subgroup)
    if from_date is not None:
        lessons = lessons.filter(date__gte=from_date)
    closed = _closed_ranges(plan.school_class)
    changed: list[Lesson] = []
    kept = locked = left = 0
    used = 0
    for lesson in lessons.select_for_update(of=("self",)).only("pk", "date", "topic"):
        if any(start <= lesson.date <= end for start, end in closed):
            locked += 1
            continue
        if lesson.topic and not overwrite:
            kept += 1
            continue
        if used >= len(hours):
            left += 1  # a free lesson after the plan ran out
            continue
        lesson.topic = hours[used].title
        changed.append(lesson)
        used += 1
    Lesson.objects.bulk_update(changed, ["topic"])
    not_fitted = {topic.pk for topic in hours[used:]}
    return PlanApplyResult(
        lessons_filled=len(changed), lessons_kept=kept, lessons_locked=locked,
        # A topic counts as not fitted when even one of its hours found no lesson.
        topics_placed=len({topic.pk for topic in hours[:used]} - not_fitted),
        topics_not_fitted=len(not_fitted),
        hours_not_fitted=len(hours) - used,
        lessons_left=left,
    )


# ---- the methodological library ----------------------------------------------------------


@transaction.atomic
def material_create(actor: Person, *, subject: Subject, title: str, grades: list[int] | None = None,
                    description: str = "", upload: UploadedFile | None = None, url: str = "") -> Material:
    """A file (checked by content and size) or a link, shared with every teacher."""
    if not planning_visible_to(actor):
        raise GradebookError(errors.FORBIDDEN, _("Only school staff add materials."))
    title = " ".join((title or "").split())
    url = (url or "").strip()
    if not title:
        raise GradebookError(errors.BAD_ROW, _("Give the material a title."), field="title")
    if bool(upload) == bool(url):
        raise GradebookError(errors.BAD_ROW, _("Attach a file or give a link — one of the two."), field="file")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except Exception as exc:
            raise GradebookError(errors.BAD_ROW, _("The link must start with http:// or https://."),
                                 field="url") from exc
    clean_grades = sorted({int(g) for g in grades or []})
    if any(not 1 <= g <= 11 for g in clean_grades):
        raise GradebookError(errors.BAD_ROW, _("Grades are from 1 to 11."), field="grades")
    material = Material(subject=subject, title=title[:300], description=description.strip(), grades=clean_grades,
                        url=url, created_by=actor)
    if upload is not None:
        check_upload(upload)
        material.file_name = (upload.name or "file").rsplit("/", 1)[-1][-255:]
        material.file.save(upload.name or "file", upload, save=False)
    material.save()
    return material


@transaction.atomic
def material_delete(actor: Person, *, material: Material) -> None:
    """The author or the administration; the stored file goes after the commit."""
    if not material_can_delete(actor, material):
        raise GradebookError(errors.FORBIDDEN, _("Only the author or the administration may delete it."))
    stored = material.file.name if material.file else ""
    storage = material.file.storage if material.file else None
    material.delete()
    if stored and storage is not None:
        transaction.on_commit(lambda: storage.delete(stored))


# ---- description templates ---------------------------------------------------------------


def _template_fields(title: str, text: str) -> tuple[str, str]:
    title = " ".join((title or "").split())
    text = (text or "").strip()
    if not title:
        raise GradebookError(errors.BAD_ROW, _("Give the template a title."), field="title")
    if len(title) > 200:
        raise GradebookError(errors.BAD_ROW, _("The title is longer than 200 characters."), field="title")
    if not text:
        raise GradebookError(errors.BAD_ROW, _("Write the text of the template."), field="text")
    return title, text


@transaction.atomic
def lesson_template_create(actor: Person, *, title: str, text: str) -> LessonTemplate:
    if not planning_visible_to(actor):
        raise GradebookError(errors.FORBIDDEN, _("Only school staff keep description templates."))
    title, text = _template_fields(title, text)
    return LessonTemplate.objects.create(owner=actor, title=title, text=text)


@transaction.atomic
def lesson_template_update(actor: Person, *, template: LessonTemplate, title: str, text: str) -> LessonTemplate:
    if template.owner_id != actor.pk:
        raise GradebookError(errors.FORBIDDEN, _("This is not your template."))
    template.title, template.text = _template_fields(title, text)
    template.save(update_fields=["title", "text"])
    return template


@transaction.atomic
def lesson_template_delete(actor: Person, *, template: LessonTemplate) -> None:
    if template.owner_id != actor.pk:
        raise GradebookError(errors.FORBIDDEN, _("This is not your template."))
    template.delete()
