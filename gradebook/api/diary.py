"""The diary in the API: a student's week and their marks by period, with the pages'
permissions (the student, their parents, their class teacher, the administration; 404 for
anyone else). Thin over `gradebook.selectors.diary`; like the pages, a family member
reading the diary counts as a visit for read tracking."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.serializers import PersonBriefSerializer
from core.errors import NotFoundForActor
from core.models import SchoolSettings
from gradebook.selectors import diary as sel
from timetable.api.serializers import LessonSerializer, NamedSerializer, SubjectBriefSerializer
from timetable.selectors_week import parse_week

# --- Output shapes ---------------------------------------------------------------------------


class WorkBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    title = serializers.CharField()
    work_type = serializers.CharField(source="work_type.name")
    weight = serializers.DecimalField(source="work_type.weight", max_digits=4, decimal_places=2)
    is_important = serializers.BooleanField()
    subject = SubjectBriefSerializer()
    lesson_id = serializers.IntegerField(allow_null=True)


class DiaryMarkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    raw = serializers.CharField()
    numeric = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    excluded = serializers.BooleanField(help_text="Not counted in the average.")
    comment = serializers.CharField()
    work = WorkBriefSerializer()


class DiaryAttendanceSerializer(serializers.Serializer):
    code = serializers.CharField(source="code.code")
    name = serializers.CharField(source="code.name")
    is_absence = serializers.BooleanField(source="code.is_absence")
    is_excused = serializers.BooleanField(source="code.is_excused")
    comment = serializers.CharField()


class HomeworkFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return obj.file.url if obj.file else ""


class HomeworkItemSerializer(serializers.Serializer):
    """A student's homework (HomeworkStudent) with the task."""

    id = serializers.IntegerField(source="homework.pk")
    subject = SubjectBriefSerializer(source="homework.subject")
    text = serializers.CharField(source="homework.text")
    due_date = serializers.DateField(source="homework.due_date")
    due_lesson_id = serializers.IntegerField(source="homework.due_lesson_id", allow_null=True)
    links = serializers.ListField(source="homework.links", child=serializers.URLField())
    video_url = serializers.CharField(source="homework.video_url")
    online_url = serializers.CharField(source="homework.online_url")
    needs_submission = serializers.BooleanField(source="homework.needs_submission")
    files = HomeworkFileSerializer(source="homework.files.all", many=True)
    status = serializers.ChoiceField(choices=["assigned", "seen", "submitted", "returned", "accepted"])


class ChangeSerializer(serializers.Serializer):
    kind = serializers.CharField()
    reason = serializers.CharField(help_text="Why the lesson changed: staff only (empty for students and parents).")


class DiaryLessonSerializer(serializers.Serializer):
    lesson = LessonSerializer(source="row")
    is_cancelled = serializers.BooleanField(source="row.is_cancelled")
    attendance = DiaryAttendanceSerializer(allow_null=True)
    marks = DiaryMarkSerializer(many=True)
    homework = HomeworkItemSerializer(many=True)
    change = ChangeSerializer(allow_null=True, help_text="The latest substitution or cancellation of the lesson.")


class DiaryDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    is_today = serializers.BooleanField()
    lessons = DiaryLessonSerializer(source="rows", many=True)
    other_marks = DiaryMarkSerializer(many=True, help_text="Marks of free-standing works of the day.")
    other_homework = HomeworkItemSerializer(many=True, help_text="Homework due that day on no lesson of it.")


class DiaryWeekSerializer(serializers.Serializer):
    student = PersonBriefSerializer()
    monday = serializers.DateField()
    timezone = serializers.CharField(source="zone.key")
    days = DiaryDaySerializer(many=True)


class PeriodSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    is_closed = serializers.BooleanField()


class SubjectMarksSerializer(serializers.Serializer):
    subject = SubjectBriefSerializer()
    marks = DiaryMarkSerializer(many=True)
    average = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    period_mark = serializers.SerializerMethodField()
    annual = serializers.SerializerMethodField()
    exam = serializers.SerializerMethodField()
    final = serializers.SerializerMethodField()
    running_average = serializers.SerializerMethodField(help_text="[date, average] after each counted mark.")

    def _raw(self, result) -> str | None:
        return result.raw if result is not None and result.raw else None

    def get_period_mark(self, line) -> str | None:
        return self._raw(line.period_mark)

    def get_annual(self, line) -> str | None:
        return self._raw(line.annual)

    def get_exam(self, line) -> str | None:
        return self._raw(line.exam)

    def get_final(self, line) -> str | None:
        return self._raw(line.final)

    def get_running_average(self, line) -> list[list[str]]:
        return [[day.isoformat(), str(value)] for day, value in line.points]


class RatingSerializer(serializers.Serializer):
    place = serializers.IntegerField()
    of = serializers.IntegerField()


class DiaryMarksSerializer(serializers.Serializer):
    student = PersonBriefSerializer()
    school_class = NamedSerializer(allow_null=True)
    period = PeriodSerializer(allow_null=True)
    periods = PeriodSerializer(many=True)
    subjects = SubjectMarksSerializer(many=True)
    rating = RatingSerializer(allow_null=True, help_text="Only when the school shows the rating: the place alone.")


# --- Endpoints -------------------------------------------------------------------------------

WEEK_PARAM = OpenApiParameter("week", OpenApiTypes.DATE, description="Any day of the week (default: this week).")
PERIOD_PARAM = OpenApiParameter("period", OpenApiTypes.INT,
                                description="A reporting period of the student's grade (default: the current one).")


def _zone(request: Request) -> ZoneInfo:
    return ZoneInfo(request.tenant.timezone)


class DiaryWeekApi(APIView):
    """A student's diary week: lessons with topic, homework, marks, attendance and changes."""

    @extend_schema(parameters=[WEEK_PARAM], responses=DiaryWeekSerializer)
    def get(self, request: Request, student_id: int) -> Response:
        student = sel.student_get_for_diary(request.person, student_id)
        zone = _zone(request)
        monday = parse_week(request.query_params.get("week"), zone=zone)
        week_days = SchoolSettings.objects.filter(pk=1).values_list("week_days", flat=True).first() or 5
        week = sel.diary_weeks([student], monday, zone=zone, week_days=week_days,
                               show_reasons=request.person.is_staff_member)[0]
        sel.diary_visit_record(viewer=request.person, students=[student])
        return Response(DiaryWeekSerializer(week).data)


class DiaryMarksApi(APIView):
    """A student's marks by subject for a period, with averages and period/annual/final marks."""

    @extend_schema(parameters=[PERIOD_PARAM], responses=DiaryMarksSerializer)
    def get(self, request: Request, student_id: int) -> Response:
        student = sel.student_get_for_diary(request.person, student_id)
        period = request.query_params.get("period")
        if period is not None and not period.isdigit():
            raise NotFoundForActor
        report = sel.diary_marks(student, period_id=int(period) if period else None, zone=_zone(request))
        sel.diary_visit_record(viewer=request.person, students=[student])
        return Response(DiaryMarksSerializer(report).data)
