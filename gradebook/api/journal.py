"""The journal's endpoints: a lesson's marks and attendance (read, and bulk write all or
nothing), the journal of a class in a subject for a period, and a student's absence for a
whole day. Thin over
`gradebook.selectors.journal` and `gradebook.services.marks`, with the pages' permissions;
the default permission classes already check membership and set `request.person`."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFoundForActor
from gradebook.errors import FORBIDDEN, INVALID_MARK, EditConflict, GradebookError
from gradebook.models import Attendance, Mark
from gradebook.selectors import absences as absences_sel
from gradebook.selectors import journal as sel
from gradebook.services.marks import LessonEntriesError, day_absence_set, lesson_marks_write

# --- Shapes -------------------------------------------------------------------------------


class StudentBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    short_name = serializers.CharField()
    class_id = serializers.IntegerField()


class WorkSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="Null: the lesson's default work, created on the first "
                                                              "mark (send entries without `work`).")
    class_id = serializers.IntegerField()
    work_type = serializers.CharField()
    weight = serializers.DecimalField(max_digits=4, decimal_places=2)
    title = serializers.CharField()
    is_important = serializers.BooleanField()
    allows_several = serializers.BooleanField()


class MarkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    work = serializers.IntegerField()
    raw = serializers.CharField()
    position = serializers.IntegerField()
    version = serializers.IntegerField()
    excluded = serializers.BooleanField()
    comment = serializers.CharField()


class AttendanceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    version = serializers.IntegerField()


class LessonRowSerializer(serializers.Serializer):
    student = StudentBriefSerializer()
    attendance = AttendanceSerializer(allow_null=True)
    marks = MarkSerializer(many=True)


class LessonMarksSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    date = serializers.DateField()
    subject = serializers.CharField()
    may_write = serializers.BooleanField()
    works = WorkSerializer(many=True)
    students = LessonRowSerializer(many=True)


class EntrySerializer(serializers.Serializer):
    student = serializers.IntegerField()
    raw = serializers.CharField(required=False, allow_blank=True, help_text='The mark; "" removes it.')
    attendance = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                       help_text='An attendance code («н»); "" or null: present.')
    work = serializers.IntegerField(required=False, allow_null=True)
    position = serializers.IntegerField(required=False, min_value=0)
    version = serializers.IntegerField(required=False, allow_null=True,
                                       help_text="The version you read; omit for a cell you saw empty.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500)
    excluded = serializers.BooleanField(required=False, help_text="The mark is not counted in the average; "
                                                                  "omit to keep what is there.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def validate(self, attrs: dict) -> dict:
        if ("raw" in attrs) == ("attendance" in attrs):
            raise serializers.ValidationError("Give either `raw` or `attendance`.")
        return attrs


class BulkWriteSerializer(serializers.Serializer):
    entries = EntrySerializer(many=True, allow_empty=False)


class EntryErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    current = serializers.DictField(required=False, help_text="On a conflict: the cell as it is now.")


class BulkErrorSerializer(serializers.Serializer):
    errors = EntryErrorSerializer(many=True)


class GridColumnSerializer(serializers.Serializer):
    lesson = serializers.IntegerField(allow_null=True)
    work = serializers.IntegerField(allow_null=True)
    date = serializers.DateField()
    label = serializers.CharField()
    title = serializers.CharField()
    is_important = serializers.BooleanField()


class GridCellSerializer(serializers.Serializer):
    marks = serializers.ListField(child=serializers.CharField())
    attendance = serializers.CharField(allow_blank=True)


class GridRowSerializer(serializers.Serializer):
    student = serializers.DictField()
    cells = GridCellSerializer(many=True)
    average = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    proposed = serializers.CharField(allow_blank=True)
    period_mark = serializers.CharField(allow_blank=True)
    finals = serializers.DictField(child=serializers.CharField(allow_blank=True))


class JournalSerializer(serializers.Serializer):
    school_class = serializers.DictField()
    subject = serializers.DictField()
    period = serializers.DictField(allow_null=True)
    columns = GridColumnSerializer(many=True)
    students = GridRowSerializer(many=True)


# --- Views --------------------------------------------------------------------------------


def _lesson_marks(actor, lesson, may_write: bool) -> dict[str, Any]:
    sheet = sel.lesson_sheet(actor, lesson)
    works = [{"id": c.work.pk if c.work else None, "class_id": c.school_class.pk,
              "work_type": c.work_type.name, "weight": c.work_type.weight,
              "title": c.work.title if c.work else "", "is_important": bool(c.work and c.work.is_important),
              "allows_several": bool(c.work and c.work.allows_several)} for c in sheet.columns]
    students = []
    for row in sheet.rows:
        marks: list[Mark] = [m for cell in row.cells for m in cell.marks]
        entry: Attendance | None = row.attendance
        students.append({
            "student": {"id": row.student.pk, "short_name": row.student.short_name, "class_id": row.class_id},
            "attendance": {"id": entry.pk, "code": entry.code.code, "version": entry.version} if entry else None,
            "marks": [{"id": m.pk, "work": m.work_id, "raw": m.raw, "position": m.position, "version": m.version,
                       "excluded": m.excluded, "comment": m.comment} for m in marks],
        })
    return {"lesson": lesson.pk, "date": lesson.date, "subject": lesson.subject.name, "may_write": may_write,
            "works": works, "students": students}


def _error_dict(index: int, error: GradebookError) -> dict[str, Any]:
    data: dict[str, Any] = {"index": index, "code": error.code, "message": error.message, "field": error.field}
    if isinstance(error, EditConflict):
        data["current"] = error.current
    return data


class LessonMarksApi(APIView):
    """A lesson's students with their attendance and marks; POST writes several cells at
    once, all or nothing."""

    @extend_schema(responses=LessonMarksSerializer)
    def get(self, request: Request, lesson_id: int) -> Response:
        lesson, may_write = sel.lesson_get_for_journal(request.person, lesson_id)
        return Response(LessonMarksSerializer(_lesson_marks(request.person, lesson, may_write)).data)

    @extend_schema(request=BulkWriteSerializer, responses={
        200: LessonMarksSerializer,
        400: OpenApiResponse(BulkErrorSerializer, description="Nothing saved: every refused entry with its error."),
        403: OpenApiResponse(description="The caller may read this lesson but not write it."),
        409: OpenApiResponse(BulkErrorSerializer, description="Nothing saved: a cell changed since it was read."),
    })
    def post(self, request: Request, lesson_id: int) -> Response:
        lesson, may_write = sel.lesson_get_for_journal(request.person, lesson_id)
        if not may_write:
            return Response({"detail": "Only the lesson's teacher, its substitute or the administration write here."},
                            status=403)
        payload = BulkWriteSerializer(data=request.data)
        if not payload.is_valid():
            errors = payload.errors.get("entries")
            if isinstance(errors, list):
                return Response({"errors": [{"index": i, "code": "invalid", "message": str(e), "field": None}
                                            for i, e in enumerate(errors) if e]}, status=400)
            return Response(payload.errors, status=400)
        entries = [dict(e) for e in payload.validated_data["entries"]]
        for entry in entries:
            if "attendance" in entry:
                entry["attendance"] = entry["attendance"] or None
            if entry.get("work") is None:
                entry.pop("work", None)
        try:
            lesson_marks_write(request.person, lesson=lesson, entries=entries)
        except LessonEntriesError as error:
            errors = [_error_dict(i, e) for i, e in error.errors]
            status = 409 if any(isinstance(e, EditConflict) for _i, e in error.errors) else 400
            return Response({"errors": errors}, status=status)
        except GradebookError as error:
            return Response({"errors": [_error_dict(-1, error)]},
                            status=409 if isinstance(error, EditConflict) else 400)
        lesson, may_write = sel.lesson_get_for_journal(request.person, lesson_id)
        return Response(LessonMarksSerializer(_lesson_marks(request.person, lesson, may_write)).data)


class JournalApi(APIView):
    """The journal of a class in a subject for a reporting period: students × lessons' works."""

    @extend_schema(parameters=[
        OpenApiParameter("period", OpenApiTypes.INT, description="A reporting period (default: the current one)."),
        OpenApiParameter("subgroup", OpenApiTypes.INT, description="Only this group of the class."),
    ], responses=JournalSerializer)
    def get(self, request: Request, class_id: int, subject_id: int) -> Response:
        school_class, subject = sel.class_subject_get_for(request.person, class_id, subject_id)
        period_id = request.query_params.get("period")
        subgroup_id = request.query_params.get("subgroup")
        for value in (period_id, subgroup_id):
            if value is not None and not value.isdigit():
                raise NotFoundForActor
        grid = sel.journal_grid(request.person, school_class=school_class, subject=subject,
                                today=timezone.localdate(), period_id=int(period_id) if period_id else None,
                                subgroup_id=int(subgroup_id) if subgroup_id else None)
        columns = [{"lesson": c.lesson.pk if c.lesson else None, "work": c.work.pk if c.work else None,
                    "date": c.lesson.date if c.lesson else c.work.date, "label": c.label, "title": c.title or "",
                    "is_important": c.important} for c in grid.columns]
        students = [{
            "student": {"id": row.student.pk, "short_name": row.student.short_name},
            "cells": [{"marks": t[0].split() if t[0] else [], "attendance": t[1]} for t in row.cells],
            "average": row.average, "proposed": row.proposed,
            "period_mark": row.period_mark.raw if row.period_mark else "",
            "finals": {k: (v.raw if v else "") for k, v in row.finals.items()},
        } for row in grid.rows]
        period = grid.period
        data = {
            "school_class": {"id": school_class.pk, "name": school_class.name},
            "subject": {"id": subject.pk, "name": subject.name},
            "period": {"id": period.pk, "name": period.name, "starts_on": period.starts_on.isoformat(),
                       "ends_on": period.ends_on.isoformat(), "is_closed": period.is_closed} if period else None,
            "columns": columns, "students": students,
        }
        return Response(JournalSerializer(data).data)


# --- A whole day's absence ----------------------------------------------------------------


class DayAbsenceSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The day (YYYY-MM-DD).")
    code = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=4,
                                 help_text='An absence code («б», «н»…); "" or null: present (clears the day).')
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300,
                                   help_text="Needed when the day has entries older than the school's window.")


class DayAbsenceResultSerializer(serializers.Serializer):
    student = serializers.IntegerField()
    date = serializers.DateField()
    code = serializers.CharField(allow_null=True)
    lessons = serializers.IntegerField(help_text="How many of the student's lessons that day got the code.")


class DayAbsenceErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)


class DayAbsenceApi(APIView):
    """One attendance code on every lesson a student has that day (a whole day ill), all
    or nothing: the student's class teacher or the administration; anyone else: not found."""

    @extend_schema(request=DayAbsenceSerializer, responses={
        200: DayAbsenceResultSerializer,
        400: OpenApiResponse(DayAbsenceErrorSerializer, description="Nothing saved: an unknown code, a closed "
                                                                    "period, an old entry without a reason."),
        404: OpenApiResponse(description="No such student, or not one whose day the caller marks."),
    })
    def post(self, request: Request, student_id: int) -> Response:
        student, _school_class = absences_sel.day_absence_student_get(request.person, student_id)
        payload = DayAbsenceSerializer(data=request.data)
        if not payload.is_valid():
            field, problems = next(iter(payload.errors.items()))
            return Response({"code": "invalid", "message": str(problems[0]), "field": field}, status=400)
        data = payload.validated_data
        typed = (data.get("code") or "").strip()
        known = {c.code.casefold(): c.code for c in absences_sel.absence_codes()}
        code = known.get(typed.casefold()) if typed else None
        try:
            if typed and code is None:
                raise GradebookError(INVALID_MARK, _("“%(code)s” is not an absence code.") % {"code": typed},
                                     field="code")
            count = day_absence_set(request.person, student=student, day=data["date"], code=code,
                                    reason=(data.get("reason") or "").strip())
        except GradebookError as error:
            return Response({"code": error.code, "message": error.message, "field": error.field},
                            status=403 if error.code == FORBIDDEN else 400)
        return Response(DayAbsenceResultSerializer({
            "student": student.pk, "date": data["date"], "code": code, "lessons": count}).data)
