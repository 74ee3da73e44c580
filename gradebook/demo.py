"""The demo schools' journal, relative to today: marks, attendance and lesson topics for
the current reporting period so far, as a school that has used Parta since September.

Deterministic (one seeded random per school), idempotent (a school that has marks is left
alone) and fast: everything is inserted in bulk, with the history rows beside it."""

from __future__ import annotations

import itertools
import json
import random
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, models, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import Enrollment, Person, SchoolClass
from gradebook.errors import GradebookError
from gradebook.models import Attendance, AttendanceCode, JournalChange, Mark, Work, WorkType
from gradebook.scales import mark_parse, scales_for_classes
from gradebook.services.period_marks import _recompute, period_pick, periods_all, settings_get
from timetable.models import Lesson, ReportingPeriod, Subgroup

DEMO_CLASS = (5, "А")
# Grades taught without marks (безотметочное обучение): the first grade gets attendance and
# lesson topics in the demo, never a mark.
UNMARKED_GRADES = {1}

# A plausible sequence of topics per subject (the middle of the year); lessons take them in turn.
TOPICS: dict[str, list[str]] = {
    "Русский язык": [
        "Имя существительное как часть речи", "Склонение имён существительных", "Правописание безударных окончаний",
        "Имя прилагательное", "Согласование прилагательного с существительным", "Глагол как часть речи",
        "Правописание -тся и -ться в глаголах", "Контрольный диктант по теме «Морфология»", "Работа над ошибками",
        "Развитие речи. Описание предмета"],
    "Литературное чтение": [
        "Русские народные сказки", "А. С. Пушкин «Сказка о мёртвой царевне»", "Басни И. А. Крылова",
        "Л. Н. Толстой «Акула»", "Стихи о природе", "Внеклассное чтение", "Н. Н. Носов «Живая шляпа»"],
    "Литература": [
        "Н. В. Гоголь «Ночь перед Рождеством»", "И. С. Тургенев «Муму»: образ Герасима", "Н. А. Некрасов «Крестьянские "
        "дети»", "Л. Н. Толстой «Кавказский пленник»", "Сочинение по рассказу «Кавказский пленник»",
        "А. П. Чехов «Хирургия»", "Стихотворения о родной природе", "Внеклассное чтение"],
    "Математика": [
        "Сложение и вычитание в пределах 1000", "Умножение на однозначное число", "Деление с остатком",
        "Решение задач на движение", "Периметр и площадь прямоугольника", "Единицы массы", "Контрольная работа",
        "Работа над ошибками"],
    "Алгебра": [
        "Одночлены и многочлены", "Формулы сокращённого умножения", "Разложение многочлена на множители",
        "Линейная функция и её график", "Системы линейных уравнений", "Решение задач с помощью систем уравнений",
        "Контрольная работа «Многочлены»", "Анализ контрольной работы"],
    "Вероятность и статистика": [
        "Представление данных: таблицы и диаграммы", "Среднее арифметическое и медиана", "Случайная изменчивость",
        "Графы", "Случайные события и их вероятность", "Практическая работа «Анализ данных»"],
    "Основы безопасности и защиты Родины": [
        "Безопасность в быту", "Пожарная безопасность", "Безопасность на дорогах", "Первая помощь",
        "Защита населения в чрезвычайных ситуациях"],
    "Основы религиозных культур и светской этики": [
        "Россия — наша Родина", "Культура и мораль", "Добро и зло", "Дружба и взаимопомощь", "Семейные ценности"],
    "Геометрия": [
        "Углы и их измерение", "Треугольники", "Признаки равенства треугольников", "Параллельные прямые",
        "Окружность", "Задачи на построение", "Решение задач"],
    "Иностранный язык (английский)": [
        "My family", "Present Simple", "At school", "Present Continuous", "My free time", "Past Simple: regular verbs",
        "Reading: a story", "Test «Present tenses»"],
    "Окружающий мир": [
        "Природные зоны России", "Тундра", "Лес и человек", "Водоёмы родного края", "Полезные ископаемые",
        "Почва", "Проверочная работа"],
    "История": [
        "Древний Египет", "Древняя Греция: полисы", "Афинская демократия", "Древний Рим: республика",
        "Завоевания Рима", "Римская империя", "Повторение: Древний мир"],
    "Обществознание": [
        "Человек и общество", "Семья и семейные отношения", "Права и обязанности", "Труд и профессии",
        "Родина и государство", "Практикум"],
    "География": [
        "Литосфера", "Рельеф Земли", "Гидросфера", "Мировой океан", "Реки и озёра", "Атмосфера",
        "Практическая работа с картой"],
    "Биология": [
        "Клетка — единица живого", "Ткани растений", "Корень и его функции", "Побег и лист", "Цветок и плод",
        "Лабораторная работа «Строение семени»", "Многообразие растений"],
    "Физика": [
        "Строение вещества", "Механическое движение", "Скорость", "Масса тела", "Плотность вещества", "Сила",
        "Лабораторная работа «Измерение плотности»"],
    "Химия": [
        "Вещества и их свойства", "Атомы и молекулы", "Химические элементы", "Валентность", "Химические формулы",
        "Практическая работа «Правила безопасности»"],
    "Информатика": [
        "Информация и её виды", "Кодирование информации", "Алгоритмы", "Исполнители алгоритмов",
        "Циклы", "Практическая работа"],
    "Музыка": [
        "Музыка и литература", "Русская народная песня", "Вокальная музыка", "Инструментальная музыка",
        "Музыкальные жанры"],
    "Изобразительное искусство": [
        "Декоративно-прикладное искусство", "Народные промыслы: Гжель", "Хохлома", "Натюрморт", "Пейзаж"],
    "Труд (технология)": [
        "Технологии обработки материалов", "Работа с бумагой", "Основы черчения", "Проектная работа",
        "Кулинария: бутерброды"],
    "Физическая культура": [
        "Гимнастика: строевые упражнения", "Акробатика", "Лыжная подготовка", "Подвижные игры",
        "Баскетбол: ведение мяча", "Волейбол: передача мяча"],
    "Финансовая грамотность": [
        "Что такое деньги", "Семейный бюджет", "Доходы и расходы", "Банки и вклады", "Финансовые мошенники"],
}
# From the fifth grade on «Математика» is another course than in primary school.
MIDDLE_TOPICS: dict[str, list[str]] = {
    "Математика": [
        "Обыкновенные дроби", "Сложение и вычитание дробей", "Умножение и деление дробей", "Десятичные дроби",
        "Решение уравнений", "Проценты", "Контрольная работа «Дроби»", "Анализ контрольной работы"],
}
GENERIC_TOPICS = ["Изучение нового материала", "Закрепление изученного", "Решение задач", "Повторение"]


def _mark_value(rng: random.Random, level: float) -> int:
    return max(2, min(5, round(rng.gauss(level, 0.75))))


def demo_gradebook_seed(school, number: int = 1) -> None:
    """Marks, attendance and topics from the start of the current reporting period (and the
    whole of last week at least) until yesterday; the demo class 5А also has today's."""
    with schema_context(school.schema_name), transaction.atomic():
        if Mark.objects.exists():
            return
        zone = ZoneInfo(school.timezone)
        now = timezone.now()
        today = timezone.localdate(now, timezone=zone)
        periods = periods_all()
        current = (ReportingPeriod.objects.filter(grades=[], starts_on__lte=today).order_by("-starts_on").first())
        if current is None:
            return
        this_monday = today - timedelta(days=today.weekday())
        last_monday = this_monday - timedelta(days=7)
        start = min(current.starts_on, last_monday)
        _seed(rng=random.Random(3000 + number), zone=zone, now=now, today=today, start=start,  # noqa: S311 — demo
              this_monday=this_monday, last_monday=last_monday, periods=periods)


def _seed(*, rng: random.Random, zone: ZoneInfo, now: datetime, today: date, start: date, this_monday: date,
          last_monday: date, periods: list[ReportingPeriod]) -> None:
    demo_class = SchoolClass.objects.filter(grade=DEMO_CLASS[0], letter=DEMO_CLASS[1]).first()
    demo_student_id = (Person.objects.filter(enrollments__school_class=demo_class, account__isnull=False,
                                             roles__contains=["student"]).values_list("pk", flat=True).first()
                       if demo_class else None)
    # Today's lessons too for 5А when this week has no past school day yet (a Monday).
    demo_until = today if demo_class and this_monday >= today else today - timedelta(days=1)
    lessons = list(
        Lesson.objects.filter(date__gte=start, date__lte=max(demo_until, today - timedelta(days=1)),
                              status=Lesson.Status.SCHEDULED)
        .select_related("subject").order_by("date", "bell_number", "pk")
    )
    if not lessons:
        return
    lesson_ids = [lesson.pk for lesson in lessons]
    classes_of: dict[int, list[int]] = defaultdict(list)
    for lesson_id, class_id in Lesson.classes.through.objects.filter(lesson_id__in=lesson_ids).values_list(
            "lesson_id", "schoolclass_id").order_by("lesson_id", "schoolclass_id"):
        classes_of[lesson_id].append(class_id)
    teacher_of: dict[int, int] = {}
    for lesson_id, person_id in Lesson.teachers.through.objects.filter(lesson_id__in=lesson_ids).values_list(
            "lesson_id", "person_id").order_by("lesson_id", "person_id"):
        teacher_of.setdefault(lesson_id, person_id)
    if demo_class:
        lessons = [lesson for lesson in lessons
                   if lesson.date < today or (lesson.date == demo_until and demo_class.pk in classes_of[lesson.pk])]

    students_of: dict[int, list[int]] = defaultdict(list)
    for student_id, class_id in Enrollment.objects.values_list("student_id", "school_class_id").order_by("student_id"):
        students_of[class_id].append(student_id)
    members: dict[int, set[int]] = defaultdict(set)
    for group_id, person_id in Subgroup.students.through.objects.values_list("subgroup_id", "person_id"):
        members[group_id].add(person_id)
    grades = dict(SchoolClass.objects.values_list("pk", "grade"))
    scales = scales_for_classes(grades)
    work_types = {w.name: w for w in WorkType.objects.all()}
    answer = next((w for w in work_types.values() if w.is_default), None) or next(iter(work_types.values()))
    tests = [t for t in (work_types.get("Самостоятельная работа"), work_types.get("Контрольная работа")) if t]
    codes = {c.code: c for c in AttendanceCode.objects.all()}

    # Each student's level: averages differ (a few strugglers, a few excellent students).
    level = {s: min(4.9, max(2.6, rng.gauss(3.9, 0.5))) for ids in students_of.values() for s in ids}
    if demo_student_id:
        level[demo_student_id] = 4.3

    # Absences: a student is ill or away for whole days now and then; some are late.
    days = sorted({lesson.date for lesson in lessons})
    away: dict[tuple[int, date], str] = {}
    for ids in students_of.values():
        for student_id in ids:
            for day in days:
                if rng.random() < 0.035:
                    away[(student_id, day)] = "б" if rng.random() < 0.45 else "н"

    works: list[Work] = []
    planned: list[tuple[Work, Lesson, list[int]]] = []  # work, lesson, students to mark
    attendance: list[tuple[Attendance, Lesson]] = []
    topics: dict[int, str] = {}
    topic_index: dict[tuple[int, int], int] = defaultdict(int)
    test_week: dict[tuple[int, date], set[int]] = defaultdict(set)  # (class, monday) → subjects tested
    for lesson in lessons:
        class_ids = classes_of.get(lesson.pk, [])
        teacher_id = teacher_of.get(lesson.pk)
        if not class_ids:
            continue
        key = (class_ids[0], lesson.subject_id)
        names = ((grades[class_ids[0]] >= 5 and MIDDLE_TOPICS.get(lesson.subject.name))
                 or TOPICS.get(lesson.subject.name, GENERIC_TOPICS))
        if not lesson.topic:
            topics[lesson.pk] = names[topic_index[key] % len(names)]
        topic_index[key] += 1
        monday = lesson.date - timedelta(days=lesson.date.weekday())
        for class_id in class_ids:
            audience = [s for s in students_of[class_id]
                        if lesson.subgroup_id is None or s in members[lesson.subgroup_id]]
            present = []
            for student_id in audience:
                code = away.get((student_id, lesson.date))
                if code is None and rng.random() < 0.012:
                    code = "оп"
                if code in codes:
                    entry = Attendance(lesson_id=lesson.pk, student_id=student_id, code=codes[code],
                                       updated_by_id=teacher_id,
                                       updated_at=min(lesson.starts_at + timedelta(minutes=5), now))
                    attendance.append((entry, lesson))
                if code not in ("б", "н"):
                    present.append(student_id)
            if not present or grades[class_id] in UNMARKED_GRADES:
                continue
            # A weekly test in two or three subjects: marks for everyone present.
            tested = test_week[(class_id, monday)]
            if tests and len(tested) < 3 and lesson.subject_id not in tested and rng.random() < 0.12:
                tested.add(lesson.subject_id)
                kind = tests[-1] if rng.random() < 0.4 else tests[0]
                work = Work(subject_id=lesson.subject_id, school_class_id=class_id, subgroup_id=lesson.subgroup_id,
                            lesson_id=lesson.pk, work_type=kind, date=lesson.date, title=kind.name,
                            is_important=kind is tests[-1], created_by_id=teacher_id, created_at=lesson.starts_at)
                works.append(work)
                planned.append((work, lesson, present))
                continue
            if rng.random() < 0.82:
                count = min(len(present), rng.randint(3, 8))
                chosen = rng.sample(present, count)
                # The demo student is asked often, so their diary is never empty.
                if demo_student_id in present and demo_student_id not in chosen and rng.random() < 0.35:
                    chosen[0] = demo_student_id
                work = Work(subject_id=lesson.subject_id, school_class_id=class_id, subgroup_id=lesson.subgroup_id,
                            lesson_id=lesson.pk, work_type=answer, date=lesson.date, created_by_id=teacher_id,
                            created_at=lesson.starts_at)
                works.append(work)
                planned.append((work, lesson, sorted(chosen)))

    if demo_class and demo_student_id:
        missed = {day for (student_id, day) in away if student_id == demo_student_id}
        _ensure_demo_weeks(planned, demo_student_id, demo_class.pk, missed, (last_monday, this_monday))

    # COPY with ids taken from the sequences: ~10 times faster than bulk_create for these
    # thousands of rows, and it keeps the historic times we give (a mark made after its
    # lesson three weeks ago), which auto_now_add would overwrite.
    for work, work_id in zip(works, _ids(Work, len(works)), strict=True):
        work.pk = work_id
    _copy_models(Work, works)
    marks: list[tuple] = []  # (id, work, lesson, student id, raw, numeric, at)
    mark_ids = iter(_ids(Mark, sum(len(ids) for _work, _lesson, ids in planned)))
    for work, lesson, student_ids in planned:
        scale = scales[work.school_class_id]
        # 5А's lessons later today get their marks "now", never in the future.
        given = min(lesson.ends_at + timedelta(minutes=rng.randint(0, 240)), now)
        for student_id in student_ids:
            value = _mark_value(rng, level[student_id] - (0.25 if work.work_type_id != answer.pk else 0))
            try:
                raw, numeric = mark_parse(scale, str(value))
            except GradebookError:
                continue  # a class on a scale without 2–5 gets no demo marks
            marks.append((next(mark_ids), work, lesson, student_id, raw, numeric, given))
    _copy_rows(Mark, ["id", "work", "student", "position", "scale", "raw", "numeric", "excluded", "comment",
                      "version", "created_by", "created_at", "updated_at"],
               ((pk, work.pk, student_id, 0, scales[work.school_class_id].pk, raw, numeric, False, "", 1,
                 work.created_by_id, at, at) for pk, work, _lesson, student_id, raw, numeric, at in marks))
    for (entry, _lesson), entry_id in zip(attendance, _ids(Attendance, len(attendance)), strict=True):
        entry.pk = entry_id
    _copy_models(Attendance, [entry for entry, _lesson in attendance])
    change_fields = ["kind", "action", "object_id", "student", "lesson", "work", "subject", "before", "after",
                     "reason", "actor", "at"]
    mark_changes = (
        ("mark", "create", pk, student_id, lesson.pk, work.pk, lesson.subject_id, "{}",
         json.dumps({"raw": raw, "numeric": None if numeric is None else str(numeric), "comment": "",
                     "excluded": False, "position": 0}, ensure_ascii=False), "", work.created_by_id, at)
        for pk, work, lesson, student_id, raw, numeric, at in marks)
    attendance_changes = (
        ("attendance", "create", entry.pk, entry.student_id, lesson.pk, None, lesson.subject_id, "{}",
         json.dumps({"code": entry.code.code, "comment": ""}, ensure_ascii=False), "", entry.updated_by_id,
         entry.updated_at)
        for entry, lesson in attendance)
    _copy_rows(JournalChange, change_fields, itertools.chain(mark_changes, attendance_changes))

    if topics:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Lesson._meta.db_table} AS l SET topic = v.topic "  # noqa: S608 — our own table name
                "FROM unnest(%s::bigint[], %s::text[]) AS v(id, topic) WHERE l.id = v.id",
                [list(topics), list(topics.values())])

    # The period averages: one aggregate and one upsert per subject and period.
    settings = settings_get()
    enrolled = {s: c for c, ids in students_of.items() for s in ids}
    dirty: dict[tuple[int, int], set[int]] = defaultdict(set)
    by_id = {p.pk: p for p in periods}
    for _pk, work, lesson, student_id, _raw, _numeric, _at in marks:
        period = period_pick(periods, grades[work.school_class_id], lesson.date)
        if period is not None:
            dirty[(lesson.subject_id, period.pk)].add(student_id)
    for (subject_id, period_id), student_ids in sorted(dirty.items()):
        _recompute(student_ids=student_ids, subject_id=subject_id, period=by_id[period_id], settings=settings,
                   classes={s: enrolled[s] for s in student_ids if s in enrolled}, scales=scales)


def _ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys from the table's own sequence (one query)."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [model._meta.db_table, count])
        return [row[0] for row in cursor.fetchall()]


def _copy_rows(model: type[models.Model], fields: list[str], rows: Iterable[tuple]) -> None:
    """COPY rows (values in `fields` order) into the model's table in the current schema."""
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _copy_models(model: type[models.Model], objects: list[models.Model]) -> None:
    """COPY unsaved instances that already carry their primary keys."""
    fields = [f for f in model._meta.concrete_fields]
    _copy_rows(model, [f.name for f in fields],
               (tuple(getattr(obj, f.attname) for f in fields) for obj in objects))


def _ensure_demo_weeks(planned: list[tuple[Work, Lesson, list[int]]], student_id: int, class_id: int,
                       missed: set[date], mondays: tuple[date, ...]) -> None:
    """The demo student has marks last week and this week, whatever the dice said."""
    for monday in mondays:
        week = [(work, lesson, ids) for work, lesson, ids in planned
                if monday <= lesson.date < monday + timedelta(days=7) and work.school_class_id == class_id]
        if any(student_id in ids for _work, _lesson, ids in week):
            continue
        for _work, lesson, ids in week:
            # A lesson of the whole class on a day the student was there.
            if lesson.subgroup_id is None and lesson.date not in missed:
                ids.append(student_id)
                break


def demo_figures() -> dict[str, Decimal | int]:
    """Counts a test (or a curious developer) checks after seeding."""
    return {"marks": Mark.objects.count(), "works": Work.objects.count(), "attendance": Attendance.objects.count(),
            "changes": JournalChange.objects.count()}
