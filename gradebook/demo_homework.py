"""Demo homework: on most lessons of the past two weeks and the coming week, due by the
class's next lesson in the subject, with realistic tasks and each student's progress
spread the way a real class looks (most past homework handed in or accepted, some returned,
upcoming homework mostly just seen). Homework of a lesson still to come is only assigned:
nobody has seen or handed in what has not been set yet. The demo student always has
homework due next school day that is not done yet and one handed-in work waiting for the
teacher. The first grade gets no homework (as in Russian schools).

Deterministic (a seeded random generator, rows in a fixed order) and idempotent (nothing
happens when the school already has homework); written in bulk, under two seconds a school.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, models, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import Enrollment, Person
from gradebook.models import Homework, HomeworkEvent, HomeworkStudent, Submission
from tenants.choices import Role
from timetable.models import Lesson

Status = HomeworkStudent.Status
PAST_DAYS = 14
AHEAD_DAYS = 7
SHARE_WITH_HOMEWORK = 0.75
# Subjects where homework is rare in Russian schools: none given in the demo.
NO_HOMEWORK = {"Физическая культура", "Музыка", "Изобразительное искусство", "Труд (технология)"}
NO_HOMEWORK_GRADES = {1}

TASKS: dict[str, list[str]] = {
    "Русский язык": ["Упр. {n}, выписать слова с безударной гласной в корне", "§{p}, выучить правило, упр. {n}",
                     "Словарный диктант: повторить слова на с. {page}", "Упр. {n} (разобрать 3 предложения по членам)"],
    "Литература": ["Прочитать рассказ до конца, ответить на вопросы 1–4 на с. {page}",
                   "Выучить наизусть стихотворение (с. {page})", "Подготовить пересказ главы {p}",
                   "Написать мини-сочинение «Мой любимый герой» (5–7 предложений)"],
    "Литературное чтение": ["Прочитать с. {page}–{page2}, ответить на вопросы", "Выразительное чтение с. {page}",
                            "Выучить стихотворение на с. {page}"],
    "Математика": ["№ {n}, {n2}", "§{p}, № {n} (а, б), № {n2}", "Решить задачи № {n} и № {n2}",
                   "Повторить таблицу умножения, № {n}"],
    "Алгебра": ["§{p}, № {n}, {n2}", "Решить уравнения № {n} (в, г)", "Подготовиться к самостоятельной: § {p}",
                "№ {n}, {n2}, {n3}"],
    "Геометрия": ["§{p}, выучить теорему, № {n}", "Задачи № {n}, {n2} (с чертежом)", "П. {p}, вопросы 1–5, № {n}"],
    "Иностранный язык (английский)": ["Ex. {n}, p. {page}: выучить новые слова", "Workbook p. {page}, ex. 1–3",
                                      "Написать письмо другу (8–10 предложений)",
                                      "Ex. {n} p. {page} (read and translate)"],
    "Окружающий мир": ["Прочитать с. {page}–{page2}, ответить на вопросы", "Рабочая тетрадь с. {page}",
                       "Подготовить сообщение о любом животном леса"],
    "История": ["§{p}, ответить на вопросы 1–3 письменно", "§{p}, составить хронологическую таблицу",
                "§{p}, работа с картой на с. {page}"],
    "Обществознание": ["§{p}, вопросы в рубрике «Проверим себя»", "§{p}, подготовить пример из жизни"],
    "География": ["§{p}, контурная карта с. {page}", "§{p}, вопросы 1–4", "Подготовить сообщение о любой реке России"],
    "Биология": ["§{p}, зарисовать строение клетки", "§{p}, вопросы после параграфа", "§{p}, заполнить таблицу"],
    "Физика": ["§{p}, упр. {n} (1, 2)", "§{p}, задачи № {n}, {n2}", "Оформить лабораторную работу № {lab}"],
    "Химия": ["§{p}, упр. {n}", "§{p}, составить уравнения реакций (с. {page})", "§{p}, задачи 1–3"],
    "Информатика": ["§{p}, вопросы 1–5", "Составить алгоритм из задания на с. {page}",
                    "§{p}, выполнить задание в тетради"],
}
GENERIC = ["§{p}, вопросы после параграфа", "Повторить материал урока, с. {page}"]
ANSWERS = ["Выполнил(а) все упражнения, фото тетради прикладываю.", "Ответы: 1) б; 2) а; 3) в; 4) г.",
           "Сделала, но в задаче 2 не уверена в ответе.", "Выполнено полностью.",
           "Решение в тетради, переписал(а) сюда: x = 12, y = 7.", "Готово!"]
RETURN_COMMENTS = ["Не хватает второго задания — доделай, пожалуйста.", "Проверь вычисления в задаче 2.",
                   "Оформи аккуратнее и допиши вывод."]
ACCEPT_COMMENTS = ["", "", "Молодец!", "Хорошо, но будь внимательнее.", "Отлично."]


@contextmanager
def _own_timestamps(*fields: models.DateTimeField) -> Iterator[None]:
    """Let bulk_create keep the demo's own past timestamps: `auto_now_add` would stamp every
    row with the moment of seeding, and the log would say everything happened just now."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


def _task(rng: random.Random, subject: str) -> str:
    template = rng.choice(TASKS.get(subject, GENERIC))
    page = rng.randint(12, 180)
    return template.format(n=rng.randint(40, 700), n2=rng.randint(40, 700), n3=rng.randint(40, 700),
                           p=rng.randint(2, 30), page=page, page2=page + 3, lab=rng.randint(1, 8))


def _progress(rng: random.Random, *, past: bool, needs_submission: bool) -> list[str]:
    """The statuses one student's homework went through (a spread, not a script)."""
    roll = rng.random()
    if not past:
        if roll < 0.45:
            return [Status.ASSIGNED]
        if roll < 0.85:
            return [Status.ASSIGNED, Status.SEEN]
        return [Status.ASSIGNED, Status.SEEN, Status.SUBMITTED]
    if roll < 0.05:
        return [Status.ASSIGNED]
    if roll < 0.13:
        return [Status.ASSIGNED, Status.SEEN]
    if roll < 0.18 and needs_submission:
        return [Status.ASSIGNED, Status.SEEN, Status.SUBMITTED, Status.RETURNED]
    if roll < 0.45:
        return [Status.ASSIGNED, Status.SEEN, Status.SUBMITTED]
    if roll < 0.52 and needs_submission:
        return [Status.ASSIGNED, Status.SEEN, Status.SUBMITTED, Status.RETURNED, Status.SUBMITTED, Status.ACCEPTED]
    return [Status.ASSIGNED, Status.SEEN, Status.SUBMITTED, Status.ACCEPTED]


def demo_homework_seed(school, number: int = 0) -> None:
    """Seed the school's demo homework (inside or outside its schema; `number` is accepted
    for the seeders' common signature and unused)."""
    with schema_context(school.schema_name), transaction.atomic():
        if Homework.objects.exists():
            return
        zone = ZoneInfo(school.timezone)
        now = timezone.now()
        today = now.astimezone(zone).date()
        rng = random.Random(f"homework-{school.schema_name}")  # noqa: S311 — reproducible demo data
        lessons = list(
            Lesson.objects.filter(date__gte=today - timedelta(days=PAST_DAYS),
                                  date__lte=today + timedelta(days=AHEAD_DAYS + 14), status=Lesson.Status.SCHEDULED)
            .exclude(subject__name__in=NO_HOMEWORK).exclude(classes__grade__in=NO_HOMEWORK_GRADES)
            .select_related("subject")
            .only("id", "date", "bell_number", "starts_at", "ends_at", "subject__name", "subgroup_id")
            .order_by("date", "bell_number", "pk"))
        # Plain pairs from the link tables: cheaper than prefetching thousands of objects.
        lesson_ids = [lesson.pk for lesson in lessons]
        lesson_classes: dict[int, list[int]] = defaultdict(list)
        for lesson_id, class_id in Lesson.classes.through.objects.filter(lesson_id__in=lesson_ids).values_list(
                "lesson_id", "schoolclass_id"):
            lesson_classes[lesson_id].append(class_id)
        lesson_teacher: dict[int, int] = {}
        for lesson_id, person_id in Lesson.teachers.through.objects.filter(lesson_id__in=lesson_ids).order_by(
                "person_id").values_list("lesson_id", "person_id"):
            lesson_teacher.setdefault(lesson_id, person_id)
        # The class's next lesson in the subject (same group) is when homework is due.
        series: dict[tuple, list[Lesson]] = defaultdict(list)
        for lesson in lessons:
            classes = lesson_classes[lesson.pk]
            if len(classes) == 1:
                series[(classes[0], lesson.subject_id, lesson.subgroup_id)].append(lesson)
        class_students: dict[int, list[int]] = defaultdict(list)
        for class_id, student_id in Enrollment.objects.order_by("student__last_name", "student_id").values_list(
                "school_class_id", "student_id"):
            class_students[class_id].append(student_id)
        group_students: dict[int, set[int]] = defaultdict(set)
        for group_id, student_id in Person.subgroups.through.objects.values_list("subgroup_id", "person_id"):
            group_students[group_id].add(student_id)

        homework_rows: list[Homework] = []
        for (class_id, _subject_id, group_id), run in sorted(series.items()):
            for given, due in itertools.pairwise(run):
                if given.date > today + timedelta(days=AHEAD_DAYS) or given.date == due.date:
                    continue
                if rng.random() > SHARE_WITH_HOMEWORK:
                    continue
                homework_rows.append(Homework(
                    subject_id=given.subject_id, school_class_id=class_id, subgroup_id=group_id, lesson=given,
                    due_lesson=due, due_date=due.date, text=_task(rng, given.subject.name),
                    needs_submission=rng.random() < 0.35, created_by_id=lesson_teacher.get(given.pk),
                    # At the end of its lesson; a lesson still to come has it entered ahead.
                    created_at=given.ends_at if given.ends_at <= now else now - timedelta(hours=6)))
        homework_rows.sort(key=lambda h: (h.due_date, h.school_class_id, h.subject_id, h.lesson.bell_number))

        demo_student_id = _demo_student_id()
        future_due = [h for h in homework_rows if h.due_date > today]
        past_due = [h for h in homework_rows if h.due_date < today]
        demo_class = (Enrollment.objects.filter(student_id=demo_student_id).values_list("school_class_id", flat=True)
                      .first())
        # The demo student's guarantees: the next school day's homework needs handing in.
        next_for_demo = next((h for h in future_due if h.school_class_id == demo_class and h.subgroup_id is None),
                             None)
        if next_for_demo is not None:
            next_for_demo.needs_submission = True
        waiting_for_demo = next((h for h in reversed(past_due) if h.school_class_id == demo_class
                                 and h.subgroup_id is None and h.needs_submission), None)

        with _own_timestamps(Homework._meta.get_field("created_at")):
            Homework.objects.bulk_create(homework_rows, batch_size=1000)
        items, events, submissions = [], [], []
        for homework in homework_rows:
            audience = class_students[homework.school_class_id]
            if homework.subgroup_id is not None:
                audience = [s for s in audience if s in group_students[homework.subgroup_id]]
            past = homework.due_date < today
            # Set at a lesson that has not ended yet: assigned, nothing more (a pupil may
            # have looked at today's already).
            set_yet = homework.lesson.ends_at <= now
            due = homework.due_lesson.starts_at
            for student_id in audience:
                path = (_progress(rng, past=past, needs_submission=homework.needs_submission) if set_yet
                        else [Status.ASSIGNED])
                if student_id == demo_student_id and homework is next_for_demo:
                    path = [Status.ASSIGNED, Status.SEEN] if homework.lesson.date <= today else [Status.ASSIGNED]
                elif student_id == demo_student_id and homework is waiting_for_demo:
                    path = [Status.ASSIGNED, Status.SEEN, Status.SUBMITTED]
                stamps = _timeline(path, given=homework.created_at, due=due, now=now, rng=rng)
                item_index = len(items)
                seen = next((at for st, at in zip(path, stamps, strict=True) if st == Status.SEEN), None)
                submitted = [at for st, at in zip(path, stamps, strict=True) if st == Status.SUBMITTED]
                items.append([homework.pk, student_id, path[-1], seen, submitted[-1] if submitted else None,
                              stamps[-1]])
                for status, at in zip(path, stamps, strict=True):
                    actor_id, comment = homework.created_by_id, ""
                    if status in (Status.SEEN, Status.SUBMITTED):
                        actor_id = student_id
                    if status == Status.RETURNED:
                        comment = rng.choice(RETURN_COMMENTS)
                    elif status == Status.ACCEPTED:
                        comment = rng.choice(ACCEPT_COMMENTS)
                    elif status == Status.SUBMITTED:
                        text = rng.choice(ANSWERS) if homework.needs_submission else ""
                        submissions.append([item_index, text, at])
                    events.append([item_index, actor_id, status, comment, at])
        item_ids = _next_ids(HomeworkStudent, len(items))
        _copy(HomeworkStudent, ["id", "homework_id", "student_id", "status", "seen_at", "submitted_at", "updated_at"],
              ([item_id, *row] for item_id, row in zip(item_ids, items, strict=True)))
        _copy(HomeworkEvent, ["item_id", "actor_id", "status", "comment", "at"],
              ([item_ids[row[0]], *row[1:]] for row in events))
        _copy(Submission, ["item_id", "text", "created_at"], ([item_ids[row[0]], *row[1:]] for row in submissions))


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    """Ids for rows written by COPY (which returns none), from the table's own sequence."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [model._meta.db_table, count])
        return [row[0] for row in cursor.fetchall()]


def _copy(model: type[models.Model], columns: list[str], rows: Iterable[list]) -> None:
    """COPY rows into the model's table: the demo writes tens of thousands of rows, and
    COPY does it in a fraction of the time of INSERTs built by the ORM."""
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _timeline(path: list[str], *, given: datetime, due: datetime, now: datetime, rng: random.Random) -> list[datetime]:
    """Plausible moments for each step: seen the evening after the lesson, handed in before
    the due lesson, checked the day after; a step whose moment would still be to come
    happened at some point between the previous one and now (never in the future)."""
    stamps = [given]
    for status in path[1:]:
        previous = stamps[-1]
        if status == Status.SEEN:
            at = previous + timedelta(hours=rng.randint(2, 8), minutes=rng.randint(0, 59))
        elif status == Status.SUBMITTED:
            at = max(previous + timedelta(minutes=20), due - timedelta(hours=rng.randint(10, 30)))
        else:  # the teacher's step
            at = max(previous + timedelta(hours=1), due + timedelta(hours=rng.randint(4, 30)))
        if at > now:
            at = previous + (now - previous) * rng.uniform(0.3, 0.9)
        stamps.append(min(at, now - timedelta(minutes=len(path) - len(stamps))))
    return stamps


def _demo_student_id() -> int | None:
    """The demo persona student@… of this school (their account is in the public schema)."""
    from accounts.models import Account

    account_ids = list(Person.objects.filter(account__isnull=False, roles__contains=[Role.STUDENT])
                       .values_list("account_id", flat=True))
    demo = (Account.objects.filter(pk__in=account_ids, email__startswith="student@").order_by("pk")
            .values_list("pk", flat=True).first())
    if demo is None:
        return None
    return Person.objects.filter(account_id=demo).values_list("pk", flat=True).first()
