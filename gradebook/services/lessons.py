"""The journal's own fields on the timetable's lesson: its topic and description.

The lesson row belongs to the timetable; the gradebook writes only these two fields, with
the same permission as the lesson's marks and attendance (`lesson.write_journal`) and the
same lock: a closed reporting period freezes what was taught as well as the marks.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Person
from gradebook.errors import FORBIDDEN, TOO_LONG, GradebookError
from gradebook.services.period_marks import closed_at, period_closed_error, periods_all
from timetable.models import Lesson
from timetable.rules import can_lesson

TOPIC_MAX = 500  # Lesson.topic's max_length


@transaction.atomic
def lesson_describe(actor: Person, *, lesson: Lesson, topic: str, description: str) -> Lesson:
    """Set a lesson's topic and description: its teachers, its substitute or the
    administration; refused (nothing saved) when a class's period is closed on its date.
    Saving them unchanged is not a change, so the lesson page's save with only marks or
    attendance reaches their own checks."""
    if not can_lesson(actor, "lesson.write_journal", lesson):
        raise GradebookError(FORBIDDEN, _("Only the lesson's teacher or the administration may change it."))
    topic = " ".join(topic.split())
    description = description.strip()
    if len(topic) > TOPIC_MAX:
        raise GradebookError(TOO_LONG, _("The topic is too long (at most %(n)s characters).") % {"n": TOPIC_MAX},
                             field="topic")
    if (topic, description) == (lesson.topic, lesson.description):
        return lesson
    periods = periods_all()
    for school_class in lesson.classes.all():
        period = closed_at(periods, school_class.grade, lesson.date)
        if period is not None:
            raise period_closed_error(period)
    # Only the two fields: the timetable may be moving or re-teaching the lesson meanwhile.
    Lesson.objects.filter(pk=lesson.pk).update(topic=topic, description=description)
    lesson.topic, lesson.description = topic, description
    return lesson
