"""The administration's reports against hand-computed figures: a class of four students and two
subjects with known marks, period marks and absences, built inside the test. Pages, API, XLSX
and PDF give the same numbers; each report runs a fixed number of queries; class teachers see
only their class, other teachers and parents get 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from urllib.parse import unquote

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.models import Enrollment, Person, SchoolClass
from gradebook.models import Attendance, AttendanceCode, Mark, PeriodMark, Work, WorkType
from gradebook.reports import attendance as attendance_report
from gradebook.reports import progress as progress_report
from gradebook.reports import summary as summary_report
from gradebook.reports.common import Span, school_today, year_current
from gradebook.reports.journal_keeping import journal_keeping
from gradebook.reports.report_card import report_card
from gradebook.scales import scale_for_class
from tests.conftest import client_for
from tests.timetable.week_factory import lesson_make
from timetable.models import AcademicYear, Lesson, ReportingPeriod, Subgroup, Subject, TeachingAssignment


@dataclass
class Class7:
    """7Ю: four students, algebra taught by one teacher to the whole class, English by two
    teachers to two groups; a custom period from 20 days ago to 5 days ahead."""

    school_class: SchoolClass
    students: list[Person]  # Аа, Бб, Вв, Гг
    algebra: Subject
    english: Subject
    teachers: list[Person]  # algebra; English group 1 (S1, S2); English group 2 (S3, S4)
    period: ReportingPeriod
    today: date
    lessons: dict[str, Lesson]

    @property
    def span(self) -> Span:
        return Span(year=self.period.year, period=self.period, starts_on=self.period.starts_on,
                    ends_on=self.period.ends_on)


def _person(last: str, roles: list[str]) -> Person:
    return Person.objects.create(last_name=last, first_name="Тест", roles=roles)


def _marks(work: Work, student: Person, *raws: str) -> None:
    scale = scale_for_class(work.school_class)
    for position, raw in enumerate(raws):
        Mark.objects.create(work=work, student=student, position=position, scale=scale, raw=raw,
                            numeric=Decimal(raw))


def _period_mark(student: Person, subject: Subject, school_class: SchoolClass, raw: str, *,
                 period: ReportingPeriod | None, kind: str = PeriodMark.Kind.PERIOD) -> None:
    year = period.year if period is not None else AcademicYear.objects.order_by("-starts_on").first()
    PeriodMark.objects.create(student=student, subject=subject, school_class=school_class, kind=kind,
                              period=period, year=year, raw=raw, numeric=Decimal(raw),
                              scale=scale_for_class(school_class))


def build_class7(cast) -> Class7:
    """Call inside the school's schema. The figures the tests expect:

    | student | algebra (set) | English                     | result     |
    | S1 Аа   | 5             | marks 5 (×1), 4 (test ×2) → 4.33 → «4» proposed | good  |
    | S2 Бб   | 4             | set 3                       | one «3»    |
    | S3 Вв   | 2             | marks 3, 3 → 3.00 → «3» proposed | one «2», failing |
    | S4 Гг   | 5             | set 5                       | excellent  |

    Pass rate 3/4 = 75 %, quality 2/4 = 50 %.
    """
    today = school_today(cast.school)
    year = year_current(today)
    period = ReportingPeriod.objects.create(year=year, kind=ReportingPeriod.Kind.CUSTOM, number=9, name="Тест-период",
                                            starts_on=today - timedelta(days=20), ends_on=today + timedelta(days=5),
                                            grades=[7])
    school_class = SchoolClass.objects.create(grade=7, letter="Ю")
    students = [_person(name, ["student"]) for name in ("Аа", "Бб", "Вв", "Гг")]
    for student in students:
        Enrollment.objects.create(student=student, school_class=school_class)
    teachers = [_person(name, ["teacher"]) for name in ("Учитель-А", "Учитель-Б", "Учитель-В")]
    algebra, english = Subject.objects.create(name="Тест-алгебра"), Subject.objects.create(name="Тест-английский")
    group1 = Subgroup.objects.create(name="Тест-англ 1", school_class=school_class)
    group1.students.set(students[:2])
    group2 = Subgroup.objects.create(name="Тест-англ 2", school_class=school_class)
    group2.students.set(students[2:])
    TeachingAssignment.objects.create(teacher=teachers[0], subject=algebra, school_class=school_class)
    TeachingAssignment.objects.create(teacher=teachers[1], subject=english, school_class=school_class, subgroup=group1)
    TeachingAssignment.objects.create(teacher=teachers[2], subject=english, school_class=school_class, subgroup=group2)

    s1, s2, s3, s4 = students
    for student, raw in zip(students, ("5", "4", "2", "5"), strict=True):
        _period_mark(student, algebra, school_class, raw, period=period)
    _period_mark(s2, english, school_class, "3", period=period)
    _period_mark(s4, english, school_class, "5", period=period)
    answer = WorkType.objects.get(is_default=True)  # weight 1
    test = WorkType.objects.get(name="Контрольная работа")  # weight 2
    day = today - timedelta(days=10)
    w1 = Work.objects.create(subject=english, school_class=school_class, work_type=answer, date=day)
    w2 = Work.objects.create(subject=english, school_class=school_class, work_type=test, date=day)
    _marks(w1, s1, "5")
    _marks(w2, s1, "4")
    _marks(w1, s3, "3")
    _marks(w2, s3, "3")
    # A mark outside the period does not count.
    old = Work.objects.create(subject=english, school_class=school_class, work_type=answer,
                              date=period.starts_on - timedelta(days=1))
    _marks(old, s1, "2")

    # Lessons: L1 and L2 of algebra (teacher A), L3 of English (teacher Б), held; a cancelled one;
    # and one tomorrow (not held yet).
    school = cast.school
    lessons = {
        "l1": lesson_make(school, today - timedelta(days=3), 1, subject=algebra, classes=[school_class],
                          teachers=[teachers[0]]),
        "l2": lesson_make(school, today - timedelta(days=2), 1, subject=algebra, classes=[school_class],
                          teachers=[teachers[0]]),
        "l3": lesson_make(school, today - timedelta(days=2), 2, subject=english, classes=[school_class],
                          teachers=[teachers[1]], subgroup=group1),
        "cancelled": lesson_make(school, today - timedelta(days=1), 1, subject=algebra, classes=[school_class],
                                 teachers=[teachers[0]], status=Lesson.Status.CANCELLED),
        "tomorrow": lesson_make(school, today + timedelta(days=1), 1, subject=algebra, classes=[school_class],
                                teachers=[teachers[0]]),
    }
    Lesson.objects.filter(pk=lessons["l2"].pk).update(topic="Дроби")
    lesson_work = Work.objects.create(subject=algebra, school_class=school_class, work_type=answer, date=day,
                                      lesson=lessons["l2"])
    _marks(lesson_work, s4, "5")  # lesson_work is outside the period marks: algebra results are set anyway
    codes = {c.code: c for c in AttendanceCode.objects.all()}
    Attendance.objects.create(lesson=lessons["l1"], student=s1, code=codes["н"])
    Attendance.objects.create(lesson=lessons["l2"], student=s1, code=codes["б"])
    Attendance.objects.create(lesson=lessons["l1"], student=s2, code=codes["оп"])
    Attendance.objects.create(lesson=lessons["l1"], student=s3, code=codes["у"])
    Attendance.objects.create(lesson=lessons["cancelled"], student=s4, code=codes["н"])
    return Class7(school_class=school_class, students=students, algebra=algebra, english=english, teachers=teachers,
                  period=period, today=today, lessons=lessons)


@pytest.fixture
def c7(school1):
    with schema_context(school1.school.schema_name):
        yield build_class7(school1)


def _selects(context) -> int:
    """Queries that read data; django-tenants' `SET search_path` is not counted."""
    return sum(1 for q in context.captured_queries if not q["sql"].startswith("SET "))


def _grow(c7: Class7, n: int = 6) -> None:
    """More students with marks, period marks and absences: the query counts must not move."""
    work = Work.objects.filter(school_class=c7.school_class, subject=c7.english).first()
    for i in range(n):
        student = _person(f"Доп{i}", ["student"])
        Enrollment.objects.create(student=student, school_class=c7.school_class)
        _marks(work, student, "4")
        _period_mark(student, c7.algebra, c7.school_class, "3", period=c7.period)
        Attendance.objects.create(lesson=c7.lessons["l1"], student=student,
                                  code=AttendanceCode.objects.get(code="н"))


# ---- the figures ----------------------------------------------------------------------------------

def test_class_summary_figures(c7):
    report = summary_report.class_summary(school_class=c7.school_class, span=c7.span)
    assert [s.name for s in report.subjects] == ["Тест-алгебра", "Тест-английский"]
    cells = {row.student.last_name: [(c.raw, c.is_set) if c else None for c in row.cells] for row in report.rows}
    assert cells == {
        "Аа": [("5", True), ("4", False)],
        "Бб": [("4", True), ("3", True)],
        "Вв": [("2", True), ("3", False)],
        "Гг": [("5", True), ("5", True)],
    }
    assert report.rows[0].cells[1].average == Decimal("4.33")  # (5·1 + 4·2) / 3; the old «2» is outside
    assert [row.average for row in report.rows] == [Decimal("4.67"), Decimal("3.50"), Decimal("2.50"),
                                                     Decimal("5.00")]
    assert report.subject_averages == [Decimal("4.00"), Decimal("3.83")]
    assert report.average == Decimal("3.92")


def test_pass_rate_and_quality_by_class_subject_teacher(c7):
    report = progress_report.progress_report(classes=[c7.school_class], span=c7.span)
    _s1, s2, s3, _s4 = c7.students
    (row,) = report.classes
    tally = row.group.tally
    assert (row.group.students, tally.assessed, tally.passing, tally.good, tally.excellent) == (4, 4, 3, 2, 1)
    assert (tally.pass_rate, tally.quality) == (Decimal("75.0"), Decimal("50.0"))
    assert row.group.one_three == [s2]
    assert row.group.one_two == [s3]
    assert row.group.failing == [s3]
    assert report.school.tally.pass_rate == Decimal("75.0") and report.school.tally.quality == Decimal("50.0")

    subjects = {r.subject.name: r for r in report.subjects}
    assert (subjects["Тест-алгебра"].tally.pass_rate, subjects["Тест-алгебра"].tally.quality) == (
        Decimal("75.0"), Decimal("75.0"))
    assert (subjects["Тест-английский"].tally.pass_rate, subjects["Тест-английский"].tally.quality) == (
        Decimal("100.0"), Decimal("50.0"))

    teachers = {r.teacher.last_name: r for r in report.teachers}
    assert teachers["Учитель-А"].tally.assessed == 4
    # English group 1 is S1 («4» proposed) and S2 («3»); group 2 is S3 («3» proposed) and S4 («5»).
    assert (teachers["Учитель-Б"].tally.assessed, teachers["Учитель-Б"].tally.quality) == (2, Decimal("50.0"))
    assert (teachers["Учитель-В"].tally.pass_rate, teachers["Учитель-В"].tally.quality) == (
        Decimal("100.0"), Decimal("50.0"))


def test_attendance_per_student_and_per_class(c7):
    report = attendance_report.class_attendance(school_class=c7.school_class, span=c7.span)
    rows = {r.student.last_name: (r.counts.missed, r.counts.excused, r.counts.unexcused, r.counts.late)
            for r in report.students}
    # The cancelled lesson's «н» does not count; «оп» is lateness, not an absence.
    assert rows == {"Аа": (2, 1, 1, 0), "Бб": (0, 0, 0, 1), "Вв": (1, 1, 0, 0), "Гг": (0, 0, 0, 0)}
    assert (report.total.missed, report.total.excused, report.total.unexcused, report.total.late) == (3, 2, 1, 1)

    school = attendance_report.school_attendance(classes=[c7.school_class], span=c7.span, today=c7.today)
    (row,) = school.classes
    assert (row.students, row.lessons, row.counts.missed, row.counts.unexcused) == (4, 3, 3, 1)
    assert row.missed_per_student == Decimal("0.8")
    # A range of dates narrows it: only the day of L2.
    day = c7.lessons["l2"].date
    narrow = attendance_report.class_attendance(school_class=c7.school_class, span=c7.span.with_dates(day, day))
    assert (narrow.total.missed, narrow.total.excused) == (1, 1)


def test_journal_keeping_by_teacher(c7):
    teacher_a, teacher_b, teacher_c = c7.teachers
    report = journal_keeping(span=c7.span, today=c7.today, teacher=teacher_a)
    rows = {r.teacher.pk: (r.held, r.no_topic, r.no_marks, r.empty) for r in report.rows if r.teacher}
    # Teacher A: L1 (no topic, attendance, no marks), L2 (topic, marks); the cancelled one and
    # tomorrow's are not held. Teacher Б: L3, nothing written at all.
    assert rows[teacher_a.pk] == (2, 1, 1, 0)
    assert rows[teacher_b.pk] == (1, 1, 1, 1)
    assert teacher_c.pk not in rows
    assert [line.lesson.pk for line in report.lessons] == [c7.lessons["l1"].pk]
    assert report.lessons[0].url == f"/journal/lessons/{c7.lessons['l1'].pk}/"
    assert report.lessons[0].has_attendance and not report.lessons[0].has_marks


def test_report_card(c7):
    s1 = c7.students[0]
    _period_mark(s1, c7.algebra, c7.school_class, "5", period=None, kind=PeriodMark.Kind.ANNUAL)
    card = report_card(student=s1, school_class=c7.school_class, year=c7.period.year)
    column = [p.pk for p in card.periods].index(c7.period.pk)
    rows = {r.subject.name: r for r in card.rows}
    assert rows["Тест-алгебра"].periods[column].raw == "5" and rows["Тест-алгебра"].periods[column].is_set
    assert rows["Тест-английский"].periods[column].raw == "4" and not rows["Тест-английский"].periods[column].is_set
    assert rows["Тест-алгебра"].annual.raw == "5" and rows["Тест-алгебра"].annual.is_set
    assert rows["Тест-алгебра"].final is None
    assert (card.attendance[column].missed, card.attendance[column].excused) == (2, 1)
    assert card.attendance[-1].missed == 2  # the year


# ---- a fixed number of queries ---------------------------------------------------------------------

@pytest.mark.parametrize("build", ["summary", "progress", "attendance", "school_attendance", "keeping", "card"])
def test_query_counts_do_not_grow_with_the_class(c7, build):
    def run() -> int:
        with CaptureQueriesContext(connection) as context:
            if build == "summary":
                summary_report.class_summary(school_class=c7.school_class, span=c7.span)
            elif build == "progress":
                progress_report.progress_report(classes=[c7.school_class], span=c7.span)
            elif build == "attendance":
                attendance_report.class_attendance(school_class=c7.school_class, span=c7.span)
            elif build == "school_attendance":
                attendance_report.school_attendance(classes=[c7.school_class], span=c7.span, today=c7.today)
            elif build == "keeping":
                journal_keeping(span=c7.span, today=c7.today, teacher=c7.teachers[0])
            else:
                report_card(student=c7.students[0], school_class=c7.school_class, year=c7.period.year)
        return _selects(context)

    before = run()
    _grow(c7)
    after = run()
    assert after == before
    assert after <= 8


def test_summary_page_query_count_does_not_grow(c7, school1):
    client = client_for(school1.host, school1.deputy)
    url = f"/reports/summary/?class={c7.school_class.pk}&period={c7.period.pk}"
    client.get(url)  # warm the per-process caches (the school, the membership)
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    _grow(c7)
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    assert _selects(second) == _selects(first)


# ---- pages, files and the API ---------------------------------------------------------------------

def test_summary_page_shows_the_marks_and_proposals(c7, school1):
    client = client_for(school1.host, school1.director)
    response = client.get(f"/reports/summary/?class={c7.school_class.pk}&period={c7.period.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Аа Тест" in html and "4,67" in html and "3,92" in html  # the Russian decimal comma
    assert "4*" in html  # the proposal is marked as one


def test_progress_page_and_api_agree(c7, school1):
    client = client_for(school1.host, school1.deputy)
    query = f"?class={c7.school_class.pk}&period={c7.period.pk}"
    page = client.get(f"/reports/progress/{query}")
    assert page.status_code == 200
    assert 'data-testid="pass-rate">75,0' in page.content.decode()
    data = client.get(f"/api/v1/gradebook/reports/progress/{query}").json()
    (row,) = data["classes"]
    assert row["class"]["name"] == "7Ю"
    assert (row["pass_rate"], row["quality"]) == ("75.0", "50.0")
    assert [p["name"] for p in row["with_one_three"]] == [c7.students[1].full_name]
    assert [p["name"] for p in row["with_one_two"]] == [c7.students[2].full_name]
    assert data["school"]["pass_rate"] == "75.0"
    assert {r["teacher"]["name"]: r["quality"] for r in data["teachers"]}[c7.teachers[1].full_name] == "50.0"


def test_api_returns_every_report(c7, school1):
    client = client_for(school1.host, school1.admin)
    base = "/api/v1/gradebook/reports"
    query = f"class={c7.school_class.pk}&period={c7.period.pk}"
    summary = client.get(f"{base}/summary/?{query}").json()
    assert [s["name"] for s in summary["subjects"]] == ["Тест-алгебра", "Тест-английский"]
    assert summary["rows"][0]["marks"][1] == {"raw": "4", "numeric": "4", "average": "4.33", "is_set": False}
    assert summary["average"] == "3.92"
    attendance = client.get(f"{base}/attendance/?{query}").json()
    assert attendance["total"] == {"missed": 3, "excused": 2, "unexcused": 1, "late": 1}
    keeping = client.get(f"{base}/journal-keeping/?period={c7.period.pk}&teacher={c7.teachers[0].pk}").json()
    row = next(r for r in keeping["teachers"] if r["teacher"] and r["teacher"]["id"] == c7.teachers[0].pk)
    assert (row["held"], row["without_topic"], row["without_marks"]) == (2, 1, 1)
    assert [lesson["id"] for lesson in keeping["lessons"]] == [c7.lessons["l1"].pk]
    card = client.get(f"{base}/report-card/?student={c7.students[0].pk}").json()
    assert card["student"]["id"] == c7.students[0].pk
    assert {s["subject"]["name"] for s in card["subjects"]} >= {"Тест-алгебра", "Тест-английский"}
    assert client.get(f"{base}/report-card/").status_code == 400  # the student is required
    assert client.get(f"{base}/attendance/?{query}&from=2025-13-01").json()["code"] == "bad_dates"


@pytest.mark.parametrize("path", ["summary", "progress", "attendance", "journal-keeping", "report-card"])
def test_downloads_open_and_hold_the_figures(c7, school1, path):
    client = client_for(school1.host, school1.deputy)
    query = f"class={c7.school_class.pk}&period={c7.period.pk}"
    if path == "report-card":
        query = f"student={c7.students[0].pk}"
    if path == "journal-keeping":
        query = f"period={c7.period.pk}&teacher={c7.teachers[0].pk}"
    xlsx = client.get(f"/reports/{path}/?{query}&format=xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = unquote(xlsx["Content-Disposition"])
    assert disposition.startswith("attachment") and disposition.endswith(".xlsx")
    workbook = openpyxl.load_workbook(BytesIO(xlsx.content))
    values = {cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row}
    pdf = client.get(f"/reports/{path}/?{query}&format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"/Type /Page" in pdf.content
    assert unquote(pdf["Content-Disposition"]).endswith(".pdf")
    if path == "summary":
        assert "7Ю" in disposition and "Тест-период" in disposition
        assert {"Аа Тест", "4*", 4.67, 3.92} <= values
    elif path == "progress":
        assert {75.0, 50.0, "7Ю"} <= values
    elif path == "attendance":
        assert "7Ю" in disposition
        assert {"Аа Тест"} <= values and 3 in values
    elif path == "journal-keeping":
        assert c7.teachers[0].full_name in values
    else:
        assert c7.students[0].full_name in disposition
        assert {"Тест-алгебра", "5", "4*"} <= values


def test_landing_page_lists_the_reports(c7, school1):
    html = client_for(school1.host, school1.director).get("/reports/").content.decode()
    for path in ("summary", "progress", "attendance", "journal-keeping", "report-card"):
        assert f"/reports/{path}/" in html


def test_a_bad_period_or_date_is_explained_or_404(c7, school1):
    client = client_for(school1.host, school1.deputy)
    assert client.get("/reports/summary/?period=987654").status_code == 404
    response = client.get(f"/reports/attendance/?class={c7.school_class.pk}&from=2025-02-10&to=2025-02-01")
    assert response.status_code == 400
    assert "The end must not be before the start." in response.content.decode() or "раньше" in \
        response.content.decode()


# ---- who may see what -----------------------------------------------------------------------------

def test_class_teacher_sees_only_their_class(c7, school1):
    teacher = school1.person(school1.teacher)
    with schema_context(school1.school.schema_name):
        own = SchoolClass.objects.filter(class_teacher=teacher).first()
        own_student = Enrollment.objects.filter(school_class=own).first().student_id
    client = client_for(school1.host, school1.teacher)
    assert client.get("/reports/").status_code == 200
    landing = client.get("/reports/").content.decode()
    assert "/reports/progress/" not in landing and "/reports/journal-keeping/" not in landing
    page = client.get("/reports/summary/")
    assert page.status_code == 200 and own.name in page.content.decode()
    assert client.get(f"/reports/summary/?class={own.pk}&format=xlsx").status_code == 200
    assert client.get(f"/reports/attendance/?class={own.pk}").status_code == 200
    assert client.get(f"/reports/report-card/?student={own_student}").status_code == 200
    # Not their class, and not the school-wide reports.
    assert client.get(f"/reports/summary/?class={c7.school_class.pk}").status_code == 404
    assert client.get(f"/reports/attendance/?class={c7.school_class.pk}").status_code == 404
    assert client.get(f"/reports/report-card/?student={c7.students[0].pk}").status_code == 404
    assert client.get("/reports/progress/").status_code == 404
    assert client.get("/reports/journal-keeping/").status_code == 404
    api = "/api/v1/gradebook/reports"
    assert client.get(f"{api}/summary/?class={c7.school_class.pk}").status_code == 404
    assert client.get(f"{api}/progress/").status_code == 404
    assert client.get(f"{api}/report-card/?student={c7.students[0].pk}").status_code == 404
    # The attendance API without a class gives the class teacher their own class, never the school.
    data = client.get(f"{api}/attendance/").json()
    assert data["class"]["id"] == own.pk and "classes" not in data


def test_teacher_who_is_not_a_class_teacher_gets_404(c7, school1):
    teacher = school1.person(school1.teacher)
    with schema_context(school1.school.schema_name):
        SchoolClass.objects.filter(class_teacher=teacher).update(class_teacher=None)
    client = client_for(school1.host, school1.teacher)
    for path in ("", "summary/", "progress/", "attendance/", "journal-keeping/", "report-card/"):
        assert client.get(f"/reports/{path}").status_code == 404, path
    assert client.get("/api/v1/gradebook/reports/summary/").status_code == 404


def test_parent_and_student_get_404_everywhere(c7, school1):
    for account in (school1.parent, school1.student):
        client = client_for(school1.host, account)
        for path in ("", "summary/", "progress/", "attendance/", "journal-keeping/",
                     f"report-card/?student={c7.students[0].pk}"):
            assert client.get(f"/reports/{path}").status_code == 404, path
        for path in ("summary", "progress", "attendance", "journal-keeping"):
            assert client.get(f"/api/v1/gradebook/reports/{path}/").status_code == 404, path
        assert client.get(f"/api/v1/gradebook/reports/report-card/?student={c7.students[0].pk}").status_code == 404


def test_another_schools_administration_is_refused(c7, school1, school2):
    client = client_for(school1.host, school2.admin)
    assert client.get(f"/reports/summary/?class={c7.school_class.pk}").status_code == 403
    assert client.get("/api/v1/gradebook/reports/progress/").status_code == 403


def test_the_report_endpoints_are_in_the_openapi_schema(school1):
    schema = client_for(school1.host, school1.admin).get("/api/schema/?format=json").json()
    for name in ("summary", "progress", "attendance", "journal-keeping", "report-card"):
        assert f"/api/v1/gradebook/reports/{name}/" in schema["paths"], name
    summary = schema["components"]["schemas"]["ReportSummary"]
    assert "class" in summary["properties"] and "class_" not in summary["properties"]
