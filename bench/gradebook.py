"""How fast the journal grid and the diary week are served, against a trivial view on the
same server (budget: both feel instant; the journal runs a constant number of queries).

    .venv/bin/python bench/gradebook.py [REQUESTS]

Runs on a throwaway database (test_parta_bench_gradebook) on the configured server (the
embedded one unless DATABASE_URL is set) and drops it afterwards. Seeds the demo, adds to
school1 a class of 35 students with 70 lessons of one subject in the current period (a
default work on each with marks for most students, a test every tenth lesson, some
absences), taught by teacher@school1; one of the students gets an account for the diary.
Starts gunicorn (one sync worker, DEBUG off) on a free port against that database and, with
one client loop, times REQUESTS requests of each: the journal grid, the student's diary
week and /healthz. Also times rendering the grid body alone with Jinja2 and with an
equivalent Django template. Prints one JSON object last.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _throwaway import django_setup, on_throwaway_database

django_setup("test_parta_bench_gradebook")

ROOT = Path(__file__).resolve().parent.parent
STUDENTS = 35
LESSONS = 70

# The grid body as a Django template, cell for cell what the Jinja2 one writes: only for
# measuring the two engines on the same data.
DJANGO_GRID = """{% load i18n %}<table class="jr-grid" role="grid"><thead><tr><th rowspan="2">{% translate "Student" %}</th>
{% for c in columns %}{% if c.first %}<th colspan="{{ c.span }}" class="jr-day">{% if c.lesson %}<a href="{% url 'gradebook:journal_lesson' c.lesson.pk %}" title="{{ c.title }}">{{ c.lesson.date|date:"d.m" }}</a>{% else %}<span title="{{ c.title }}">{{ c.work.date|date:"d.m" }}</span>{% endif %}</th>{% endif %}{% endfor %}
<th rowspan="2">{% translate "Average" %}</th><th rowspan="2">{% translate "Proposed" %}</th><th rowspan="2" data-k="period">{{ grid.period.name }}</th></tr>
<tr>{% for c in columns %}<th scope="col" class="jr-work{% if c.important %} jr-imp{% endif %}" data-w="{{ c.work.pk|default:'' }}" data-l="{{ c.lesson.pk|default:'' }}"{% if c.writable %} data-x="1"{% endif %} title="{{ c.title }}">{{ c.label|default:"•" }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in rows %}<tr data-s="{{ row.student.pk }}"><th scope="row" class="jr-name">{{ forloop.counter }}. {{ row.student.short_name }}</th>{% for t in row.cells %}<td{% if not t.6 %} class="na"{% endif %}{% if t.2 %} data-v="{{ t.2 }}" data-m="{{ t.3 }}" data-p="{{ t.7 }}"{% endif %}{% if t.4 %} data-av="{{ t.4 }}" data-a="{{ t.5 }}"{% endif %}>{% if t.1 %}<b class="jr-a">{{ t.1 }}</b>{% endif %}{{ t.0 }}</td>{% endfor %}<td class="jr-avg">{{ row.average|default_if_none:"" }}</td><td class="jr-prop">{{ row.proposed }}</td><td class="jr-pm" data-k="period">{{ row.period_mark.raw|default:"" }}</td></tr>{% endfor %}</tbody></table>"""  # noqa: E501 - markup


def build(school) -> dict:
    """The big class, its lessons and marks in school1; returns what the client needs."""
    import random

    from accounts.models import Account
    from core.models import Enrollment, Person, SchoolClass
    from gradebook.models import Attendance, AttendanceCode, GradingScale, Mark, Work, WorkType
    from gradebook.services.marks import period_marks_recompute
    from tenants.models import Membership
    from timetable.models import Lesson, ReportingPeriod, Subject, TeachingAssignment

    rng = random.Random(35)
    teacher = Person.objects.get(account_id=Account.objects.get(email="teacher@school1.parta.test").pk)
    school_class = SchoolClass.objects.create(grade=11, letter="Я")
    students = Person.objects.bulk_create([Person(last_name=f"Замеров{i:02d}", first_name="Иван", roles=["student"])
                                           for i in range(STUDENTS)])
    Enrollment.objects.bulk_create([Enrollment(student=s, school_class=school_class) for s in students])
    subject = Subject.objects.create(name="Замерология")
    TeachingAssignment.objects.create(teacher=teacher, subject=subject, school_class=school_class)
    from django.utils import timezone

    today = timezone.localdate()
    period = (ReportingPeriod.objects.filter(starts_on__lte=today, ends_on__gte=today, grades=[]).first()
              or ReportingPeriod.objects.filter(grades=[]).order_by("starts_on").first())
    days = [period.starts_on + timedelta(days=n) for n in range((period.ends_on - period.starts_on).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    slots = [(d, bell) for d in days for bell in (8, 9)][:LESSONS]
    lessons = []
    for day, bell in slots:
        starts = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + timedelta(
            hours=8 + bell)
        lessons.append(Lesson(date=day, bell_number=bell, starts_at=starts, ends_at=starts + timedelta(minutes=45),
                              subject=subject, topic="Тема урока"))
    lessons = Lesson.objects.bulk_create(lessons)
    Lesson.classes.through.objects.bulk_create([Lesson.classes.through(lesson_id=x.pk, schoolclass_id=school_class.pk)
                                                for x in lessons])
    Lesson.teachers.through.objects.bulk_create([Lesson.teachers.through(lesson_id=x.pk, person_id=teacher.pk)
                                                 for x in lessons])
    answer = WorkType.objects.get(is_default=True)
    test = WorkType.objects.filter(weight=2).first()
    works = []
    for n, lesson in enumerate(lessons):
        works.append(Work(subject=subject, school_class=school_class, lesson=lesson, work_type=answer,
                          date=lesson.date))
        if n % 10 == 9:
            works.append(Work(subject=subject, school_class=school_class, lesson=lesson, work_type=test,
                              date=lesson.date, title="Контрольная", is_important=True))
    works = Work.objects.bulk_create(works)
    scale = GradingScale.objects.get(is_default=True)
    marks = []
    for work in works:
        chosen = students if work.is_important else rng.sample(students, 12)
        for student in chosen:
            value = rng.choice("5544332")
            marks.append(Mark(work=work, student=student, scale=scale, raw=value, numeric=value))
    Mark.objects.bulk_create(marks)
    absent = AttendanceCode.objects.get(code="н")
    Attendance.objects.bulk_create([Attendance(lesson=lesson, student=s, code=absent)
                                    for lesson in lessons for s in rng.sample(students, 2)])
    period_marks_recompute(student_ids=[s.pk for s in students], subject_id=subject.pk, period=period)

    diarist = students[0]
    account = Account.objects.create_user("bench-student@parta.test", "parta-demo-2026", last_name="Замеров",
                                          first_name="Иван")
    Person.objects.filter(pk=diarist.pk).update(account_id=account.pk)
    Membership.objects.create(account=account, school=school, roles=["student"])
    return {"class": school_class.pk, "subject": subject.pk, "period": period.pk, "marks": len(marks),
            "teacher_account": teacher.account_id, "student_account": account.pk, "week": str(days[len(days) // 2])}


def render_times(school, built: dict) -> dict:
    """The grid body alone, best of 5, with each engine (milliseconds)."""
    from django.template import Context, Template
    from django.template.loader import get_template
    from django_tenants.utils import tenant_context

    from core.models import Person, SchoolClass
    from gradebook.selectors.journal import journal_grid
    from gradebook.views.journal import grid_context
    from timetable.models import Subject

    with tenant_context(school):
        teacher = Person.objects.get(account_id=built["teacher_account"])
        grid = journal_grid(teacher, school_class=SchoolClass.objects.get(pk=built["class"]),
                            subject=Subject.objects.get(pk=built["subject"]), today=time_today(),
                            period_id=built["period"])
        context = grid_context(grid)
        jinja = get_template("gradebook/journal/grid_body.html", using="jinja2")
        django_template = Template(DJANGO_GRID)

        def best(render) -> float:
            times = []
            for _ in range(5):
                started = time.perf_counter()
                render()
                times.append(time.perf_counter() - started)
            return round(min(times) * 1000, 1)

        return {"cells": sum(len(r.cells) for r in grid.rows),
                "render_jinja2_ms": best(lambda: jinja.render(context)),
                "render_django_ms": best(lambda: django_template.render(Context(context)))}


def time_today():
    from django.utils import timezone

    return timezone.localdate()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_for(account_id: int) -> str:
    from django.conf import settings
    from django.test import Client

    from accounts.models import Account

    client = Client(HTTP_HOST="school1.parta.localhost")
    client.force_login(Account.objects.get(pk=account_id), backend="accounts.backends.EmailOrPhoneBackend")
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def rps(port: int, path: str, cookie: str, n: int) -> float:
    """Requests per second of one client loop (after a warm-up request)."""
    def one() -> None:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                         headers={"Host": "school1.parta.localhost", "Cookie": cookie})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200, (path, response.status)
            response.read()

    one()
    started = time.perf_counter()
    for _ in range(n):
        one()
    return round(n / (time.perf_counter() - started), 1)


def main(n: int) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import tenant_context

    from tenants.models import School

    call_command("seed_demo", verbosity=0)
    school = School.objects.get(slug="school1")
    with tenant_context(school):
        built = build(school)
    connection.set_schema_to_public()
    figures = render_times(school, built)
    connection.set_schema_to_public()
    teacher_cookie = session_for(built["teacher_account"])
    student_cookie = session_for(built["student_account"])

    db = connection.settings_dict
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "0",
           "DATABASE_URL": f"postgresql://{db['USER']}:{db['PASSWORD']}@localhost:{db['PORT'] or 5432}/{db['NAME']}"
                           f"?host={db['HOST']}", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "--bind",
                               f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        journal = rps(port, f"/journal/{built['class']}/{built['subject']}/?period={built['period']}",
                      teacher_cookie, n)
        try:
            diary = rps(port, f"/diary/?week={built['week']}", student_cookie, n)
        except Exception as error:  # noqa: BLE001 - the diary is another helper's page; report, don't fail
            print(f"diary week not measured: {error}", file=sys.stderr)
            diary = None
        trivial = rps(port, "/healthz", "", n)
    finally:
        server.terminate()
        server.wait(timeout=30)
        connection.close()
    return {
        "students": STUDENTS, "lessons": LESSONS, "marks": built["marks"], "requests": n, **figures,
        "journal_grid_rps": journal, "diary_week_rps": diary, "trivial_rps": trivial,
        "journal_vs_trivial": round(journal / trivial, 3),
        "diary_vs_trivial": round(diary / trivial, 3) if diary else None,
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    print(json.dumps(on_throwaway_database(main, count)))
