"""Timetable endpoints: one class per operation, thin over `timetable.selectors_week`;
the default permission classes already check membership and set `request.person`."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFoundForActor
from timetable import selectors_week as sel
from timetable.api.serializers import LessonSerializer, WeekSerializer

WEEK_PARAM = OpenApiParameter("week", OpenApiTypes.DATE, description="Any day of the week (default: this week).")
CHILD_PARAM = OpenApiParameter("child", OpenApiTypes.INT, description="A parent's child; default: all children.")


def _zone(request: Request) -> ZoneInfo:
    return ZoneInfo(request.tenant.timezone)


def _monday(request: Request) -> date:
    return sel.parse_week(request.query_params.get("week"), zone=_zone(request))


def _week_response(request: Request, lessons: list, monday: date) -> Response:
    week = sel.week_of(lessons, monday, zone=_zone(request), week_days=7)
    week.days = [d for d in week.days if d.rows or d.date.isoweekday() <= 5]
    return Response(WeekSerializer(week).data)


class MyWeekApi(APIView):
    """The caller's own week: a student's lessons, a teacher's, or a parent's children's."""

    @extend_schema(parameters=[WEEK_PARAM, CHILD_PARAM], responses=WeekSerializer)
    def get(self, request: Request) -> Response:
        person = request.person
        monday = _monday(request)
        end = monday + timedelta(days=6)
        child = request.query_params.get("child")
        if child is not None:
            if not child.isdigit():
                raise NotFoundForActor
            lessons = sel.lessons_for_students([sel.child_get_for(person, int(child)).pk], monday, end)
        elif person.has_role("student"):
            lessons = sel.lessons_for_students([person.pk], monday, end)
        elif person.is_staff_member:
            lessons = sel.lessons_for_teacher(person, monday, end)
        else:
            lessons = sel.lessons_for_students(sorted(person.children_ids), monday, end)
        return _week_response(request, lessons, monday)


class ClassWeekApi(APIView):
    """A class's week; students and parents only their own (children's) class."""

    @extend_schema(parameters=[WEEK_PARAM], responses=WeekSerializer)
    def get(self, request: Request, class_id: int) -> Response:
        person = request.person
        school_class = sel.class_get_for_week(person, class_id)
        monday = _monday(request)
        only_for = None
        if not person.is_staff_member:
            only_for = ([person.pk] if person.has_role("student") else []) + sorted(person.children_ids)
        lessons = sel.lessons_for_class(school_class, monday, monday + timedelta(days=6), only_for_students=only_for)
        return _week_response(request, lessons, monday)


class TeacherWeekApi(APIView):
    """A teacher's week (staff only)."""

    @extend_schema(parameters=[WEEK_PARAM], responses=WeekSerializer)
    def get(self, request: Request, person_id: int) -> Response:
        teacher = sel.teacher_get_for_week(request.person, person_id)
        monday = _monday(request)
        return _week_response(request, sel.lessons_for_teacher(teacher, monday, monday + timedelta(days=6)), monday)


class LessonDetailApi(APIView):
    """One lesson, if the caller may see it."""

    @extend_schema(responses=LessonSerializer)
    def get(self, request: Request, lesson_id: int) -> Response:
        lesson = sel.lesson_get_for(request.person, lesson_id)
        row = sel.lesson_row(lesson, zone=_zone(request), now=timezone.now())
        return Response(LessonSerializer(row).data)
