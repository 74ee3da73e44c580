"""Homework endpoints: the caller's homework (a student's own, a parent's children's, a
teacher's given), one homework with who has done what, one student's item, handing in
(multipart) and checking. Thin over `gradebook.selectors.homework` and the services; the
same permissions and the same 404 for "missing" and "not yours" as the pages."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.serializers import PersonBriefSerializer
from core.errors import NotFoundForActor
from gradebook.errors import EditConflict, GradebookError
from gradebook.models import HomeworkStudent
from gradebook.selectors import homework as sel
from gradebook.services import homework as services

# ---- output shapes ------------------------------------------------------------------------


class _Named(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class FileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="Download (attachment) URL on the school's site.")

    def get_url(self, row) -> str:
        name = "gradebook:homework-file" if hasattr(row, "homework_id") else "gradebook:homework-submission-file"
        return reverse(name, args=[row.pk])


class HomeworkBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = _Named()
    school_class = _Named()
    subgroup = _Named(allow_null=True)
    lesson_id = serializers.IntegerField(allow_null=True, help_text="The lesson it was given at.")
    due_lesson_id = serializers.IntegerField(allow_null=True)
    due_date = serializers.DateField()
    text = serializers.CharField()
    links = serializers.ListField(child=serializers.URLField())
    video_url = serializers.CharField()
    online_url = serializers.CharField()
    needs_submission = serializers.BooleanField()
    work_id = serializers.IntegerField(allow_null=True, help_text="The journal column its marks go to.")
    created_by = PersonBriefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()


class HomeworkSerializer(HomeworkBriefSerializer):
    files = FileSerializer(source="files.all", many=True)


class CountsSerializer(serializers.Serializer):
    total = serializers.IntegerField(source="n_total")
    assigned = serializers.IntegerField(source="n_assigned")
    seen = serializers.IntegerField(source="n_seen")
    submitted = serializers.IntegerField(source="n_submitted")
    returned = serializers.IntegerField(source="n_returned")
    accepted = serializers.IntegerField(source="n_accepted")


class GivenHomeworkSerializer(HomeworkBriefSerializer):
    counts = CountsSerializer(source="*", help_text="Students in each status.")


class MarkBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    raw = serializers.CharField()
    version = serializers.IntegerField()


class SubmissionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    files = FileSerializer(source="files.all", many=True)


class EventSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HomeworkStudent.Status.choices)
    actor = PersonBriefSerializer(allow_null=True)
    comment = serializers.CharField()
    at = serializers.DateTimeField()


class ItemBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    student = PersonBriefSerializer()
    status = serializers.ChoiceField(choices=HomeworkStudent.Status.choices)
    mark = MarkBriefSerializer(allow_null=True)
    seen_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class ItemSerializer(ItemBriefSerializer):
    """A student's homework with the task (list of a student's or parent's homework)."""

    homework = HomeworkBriefSerializer()


class ItemDetailSerializer(ItemBriefSerializer):
    homework = HomeworkSerializer()
    submissions = SubmissionSerializer(source="submissions.all", many=True)
    events = EventSerializer(source="events.all", many=True)


class TableItemSerializer(ItemBriefSerializer):
    submissions = SubmissionSerializer(source="submissions.all", many=True)
    events = EventSerializer(source="events.all", many=True)


class HomeworkDetailSerializer(HomeworkSerializer):
    items = TableItemSerializer(many=True, help_text="Every student's status, hand-ins and history.")


ERROR = inline_serializer("HomeworkError", fields={
    "code": serializers.CharField(), "message": serializers.CharField(),
    "field": serializers.CharField(allow_null=True)})


def _error(error: GradebookError) -> Response:
    body = {"code": error.code, "message": error.message, "field": error.field}
    if isinstance(error, EditConflict):
        body["current"] = error.current
        return Response(body, status=status.HTTP_409_CONFLICT)
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def _item_response(request: Request, item_id: int, code: int = status.HTTP_200_OK) -> Response:
    return Response(ItemDetailSerializer(sel.item_get_for(request.person, item_id)).data, status=code)


# ---- endpoints ----------------------------------------------------------------------------

CHILD = OpenApiParameter("child", OpenApiTypes.INT, description="A parent's child; default: all children.")
STATE = OpenApiParameter("state", OpenApiTypes.STR, enum=["not_done", "done"],
                         description="Only homework still to do (assigned, seen, returned) or done "
                                     "(submitted, accepted); default: all.")


class MyItemsApi(APIView):
    """The caller's homework as a student (their own) or a parent (their children's, or one child's)."""

    @extend_schema(parameters=[CHILD, STATE], responses=ItemSerializer(many=True))
    def get(self, request: Request) -> Response:
        person = request.person
        child = request.query_params.get("child")
        if child is not None:
            if not child.isdigit():
                raise NotFoundForActor
            ids = [sel.child_get_for(person, int(child)).pk]
        else:
            ids = ([person.pk] if person.has_role("student") else []) + sorted(person.children_ids)
        state = request.query_params.get("state")
        if state == "not_done":
            today = timezone.now().astimezone(ZoneInfo(request.tenant.timezone)).date()
            qs = sel.items_not_done(ids, today=today)
        elif state == "done":
            qs = sel.items_done(ids)
        else:
            qs = sel.items_all(ids)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ItemSerializer(page, many=True).data)


class GivenHomeworkApi(APIView):
    """The homework a teacher sees: given by them, of their classes and subjects, of the lessons
    they teach or cover; with the number of students in each status. Empty for others."""

    @extend_schema(responses=GivenHomeworkSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(sel.homework_given(request.person), request, view=self)
        return paginator.get_paginated_response(GivenHomeworkSerializer(page, many=True).data)


class HomeworkDetailApi(APIView):
    """One homework as its teacher sees it: the task, files and every student's item."""

    @extend_schema(responses=HomeworkDetailSerializer)
    def get(self, request: Request, homework_id: int) -> Response:
        homework = sel.homework_get_for(request.person, homework_id)
        homework.items = sel.homework_table(homework)
        return Response(HomeworkDetailSerializer(homework).data)


class ItemDetailApi(APIView):
    """One student's homework: the student, their parents, or a teacher of the homework.
    The student's first read marks it «seen»."""

    @extend_schema(responses=ItemDetailSerializer)
    def get(self, request: Request, item_id: int) -> Response:
        item = sel.item_get_for(request.person, item_id)
        if item.student_id == request.person.pk and item.status == HomeworkStudent.Status.ASSIGNED:
            services.homework_seen(request.person, item=item)
        return _item_response(request, item_id)


class SubmissionCreateApi(APIView):
    """The student hands in their work: text and files (multipart, repeat `files`)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": inline_serializer("SubmissionIn", fields={
            "text": serializers.CharField(required=False, allow_blank=True),
            "files": serializers.ListField(child=serializers.FileField(), required=False)})},
        responses={201: ItemDetailSerializer, 400: OpenApiResponse(ERROR)})
    def post(self, request: Request, item_id: int) -> Response:
        item = sel.item_get_for(request.person, item_id)
        if item.student_id != request.person.pk:
            raise NotFoundForActor
        try:
            services.submission_create(request.person, item=item, text=str(request.data.get("text", "")),
                                       files=request.FILES.getlist("files"))
        except GradebookError as error:
            return _error(error)
        return _item_response(request, item_id, status.HTTP_201_CREATED)


def _teacher_item(request: Request, item_id: int) -> HomeworkStudent:
    item = sel.item_get_for(request.person, item_id)
    if item.student_id == request.person.pk or not sel.can_check_homework(request.person, item.homework):
        raise NotFoundForActor
    return item


class AcceptApi(APIView):
    """Accept the student's homework, optionally with a mark (goes into the journal)."""

    @extend_schema(
        request=inline_serializer("AcceptIn", fields={
            "raw": serializers.CharField(required=False, allow_blank=True, help_text="The mark, e.g. «5»."),
            "comment": serializers.CharField(required=False, allow_blank=True)}),
        responses={200: ItemDetailSerializer, 400: OpenApiResponse(ERROR), 409: OpenApiResponse(ERROR)})
    def post(self, request: Request, item_id: int) -> Response:
        item = _teacher_item(request, item_id)
        try:
            services.submission_accept(request.person, item=item, raw=str(request.data.get("raw") or ""),
                                       comment=str(request.data.get("comment") or ""))
        except GradebookError as error:
            return _error(error)
        return _item_response(request, item_id)


class ReturnApi(APIView):
    """Return handed-in work for rework, saying what to fix."""

    @extend_schema(
        request=inline_serializer("ReturnIn", fields={"comment": serializers.CharField()}),
        responses={200: ItemDetailSerializer, 400: OpenApiResponse(ERROR)})
    def post(self, request: Request, item_id: int) -> Response:
        item = _teacher_item(request, item_id)
        try:
            services.submission_return(request.person, item=item, comment=str(request.data.get("comment") or ""))
        except GradebookError as error:
            return _error(error)
        return _item_response(request, item_id)
