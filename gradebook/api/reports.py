"""The reports as data, under /api/v1/gradebook/reports/<name>/: the same figures as the pages
(both call `gradebook.reports.access`), with the same permissions — anything the caller may not
see answers 404. Numbers with decimals are strings ("75.0"), as DRF writes decimals."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gradebook.errors import GradebookError
from gradebook.reports import access
from gradebook.reports.common import school_today

PERIOD = OpenApiParameter("period", OpenApiTypes.STR,
                          description="A reporting period id, or `year` (default: the current period).")
CLASS = OpenApiParameter("class", OpenApiTypes.INT, description="A class id.")
FROM = OpenApiParameter("from", OpenApiTypes.DATE, description="First day (overrides the period's).")
TO = OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (overrides the period's).")
TEACHER = OpenApiParameter("teacher", OpenApiTypes.INT, description="One teacher's lessons with gaps.")
STUDENT = OpenApiParameter("student", OpenApiTypes.INT, description="The student.", required=True)


# ---- output shapes (for the schema; the data come from each report's `as_data`) ----------------

def _class_key(serializer: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """`class` is a Python keyword: declare the field as `class_`, publish it as `class`."""
    fields = serializer._declared_fields
    fields["class"] = fields.pop("class_")
    return serializer


class ReportRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReportSpanSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The `period` value that chooses it.")
    name = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class ReportResultSerializer(serializers.Serializer):
    raw = serializers.CharField()
    numeric = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    average = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    is_set = serializers.BooleanField(help_text="False: proposed from the average, not yet set by the teacher.")


class ReportSummaryRowSerializer(serializers.Serializer):
    student = ReportRefSerializer()
    marks = ReportResultSerializer(many=True, allow_null=True, help_text="In the order of `subjects`.")
    average = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


@_class_key
class ReportSummarySerializer(serializers.Serializer):
    class_ = ReportRefSerializer()
    period = ReportSpanSerializer()
    subjects = ReportRefSerializer(many=True)
    rows = ReportSummaryRowSerializer(many=True)
    subject_averages = serializers.ListField(child=serializers.DecimalField(max_digits=6, decimal_places=2,
                                                                            allow_null=True))
    average = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class ReportRateSerializer(serializers.Serializer):
    assessed = serializers.IntegerField()
    passing = serializers.IntegerField()
    good = serializers.IntegerField()
    excellent = serializers.IntegerField()
    pass_rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True, help_text="Per cent.")
    quality = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True, help_text="Per cent.")


class ReportGroupSerializer(ReportRateSerializer):
    students = serializers.IntegerField()
    with_one_three = ReportRefSerializer(many=True)
    with_one_two = ReportRefSerializer(many=True)
    failing = ReportRefSerializer(many=True)


@_class_key
class ReportClassGroupSerializer(ReportGroupSerializer):
    class_ = ReportRefSerializer()


class ReportSubjectRateSerializer(ReportRateSerializer):
    subject = ReportRefSerializer()
    average = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class ReportTeacherRateSerializer(ReportRateSerializer):
    teacher = ReportRefSerializer()
    subjects = serializers.ListField(child=serializers.CharField())
    average = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class ReportProgressSerializer(serializers.Serializer):
    period = ReportSpanSerializer()
    school = ReportGroupSerializer()
    classes = ReportClassGroupSerializer(many=True)
    subjects = ReportSubjectRateSerializer(many=True)
    teachers = ReportTeacherRateSerializer(many=True)


class ReportCountsSerializer(serializers.Serializer):
    missed = serializers.IntegerField()
    excused = serializers.IntegerField()
    unexcused = serializers.IntegerField()
    late = serializers.IntegerField()


class ReportStudentCountsSerializer(ReportCountsSerializer):
    student = ReportRefSerializer()


@_class_key
class ReportClassCountsSerializer(ReportCountsSerializer):
    class_ = ReportRefSerializer()
    students = serializers.IntegerField()
    lessons = serializers.IntegerField()
    missed_per_student = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)


@_class_key
class ReportAttendanceSerializer(serializers.Serializer):
    period = ReportSpanSerializer()
    total = ReportCountsSerializer()
    class_ = ReportRefSerializer(required=False, help_text="With `class`: a row per student.")
    students = ReportStudentCountsSerializer(many=True, required=False)
    classes = ReportClassCountsSerializer(many=True, required=False, help_text="Without `class`: a row per class.")


class ReportKeepingRowSerializer(serializers.Serializer):
    teacher = ReportRefSerializer(allow_null=True)
    held = serializers.IntegerField()
    without_topic = serializers.IntegerField()
    without_marks = serializers.IntegerField()
    without_marks_or_attendance = serializers.IntegerField()


class ReportKeepingLessonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    bell_number = serializers.IntegerField()
    subject = serializers.CharField()
    classes = serializers.CharField()
    topic = serializers.CharField()
    has_marks = serializers.BooleanField()
    has_attendance = serializers.BooleanField()
    url = serializers.CharField()


class ReportJournalKeepingSerializer(serializers.Serializer):
    period = ReportSpanSerializer()
    held_until = serializers.DateField()
    teachers = ReportKeepingRowSerializer(many=True)
    lessons = ReportKeepingLessonSerializer(many=True, required=False)


class ReportCardPeriodSerializer(ReportRefSerializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class ReportCardSubjectSerializer(serializers.Serializer):
    subject = ReportRefSerializer()
    periods = ReportResultSerializer(many=True, allow_null=True)
    annual = ReportResultSerializer(allow_null=True)
    exam = ReportResultSerializer(allow_null=True)
    final = ReportResultSerializer(allow_null=True)


class ReportCardAttendanceSerializer(serializers.Serializer):
    periods = ReportCountsSerializer(many=True)
    year = ReportCountsSerializer()


@_class_key
class ReportCardSerializer(serializers.Serializer):
    student = ReportRefSerializer()
    class_ = ReportRefSerializer()
    year = ReportRefSerializer()
    periods = ReportCardPeriodSerializer(many=True)
    subjects = ReportCardSubjectSerializer(many=True)
    attendance = ReportCardAttendanceSerializer()


# ---- endpoints --------------------------------------------------------------------------------

def _answer(request: Request, build: Callable) -> Response:
    try:
        report, _choices = build(request.person, params=request.query_params, today=school_today(request.tenant))
    except GradebookError as error:
        return Response({"code": error.code, "detail": error.message, "field": error.field}, status=400)
    if report is None:
        return Response({"code": "student_required", "detail": _("Choose a student: ?student=<id>."),
                         "field": "student"}, status=400)
    return Response(report.as_data())


class SummaryReportApi(APIView):
    """A class's period marks, students × subjects («ведомость»)."""

    @extend_schema(parameters=[PERIOD, CLASS], responses=ReportSummarySerializer)
    def get(self, request: Request) -> Response:
        return _answer(request, access.summary_for)


class ProgressReportApi(APIView):
    """Pass rate and quality by class, subject, teacher and for the school (administration)."""

    @extend_schema(parameters=[PERIOD, CLASS], responses=ReportProgressSerializer)
    def get(self, request: Request) -> Response:
        return _answer(request, access.progress_for)


class AttendanceReportApi(APIView):
    """Lessons missed, excused, unexcused and late: per class, or per student of one class."""

    @extend_schema(parameters=[PERIOD, CLASS, FROM, TO], responses=ReportAttendanceSerializer)
    def get(self, request: Request) -> Response:
        return _answer(request, access.attendance_for)


class JournalKeepingReportApi(APIView):
    """Held lessons without topic, marks or attendance, per teacher (administration)."""

    @extend_schema(parameters=[PERIOD, TEACHER], responses=ReportJournalKeepingSerializer)
    def get(self, request: Request) -> Response:
        return _answer(request, access.journal_keeping_for)


class ReportCardApi(APIView):
    """A student's marks for every period of the year and their absences («табель»)."""

    @extend_schema(parameters=[STUDENT], responses=ReportCardSerializer)
    def get(self, request: Request) -> Response:
        return _answer(request, access.report_card_for)
