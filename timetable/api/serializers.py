"""Output shapes of the timetable API. Times are ISO 8601 in the school's local time
(with its UTC offset), the zone's name comes with every week."""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import PersonBriefSerializer


class SubjectBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LessonSerializer(serializers.Serializer):
    """A `selectors_week.LessonRow`: the lesson plus what the week computed for it."""

    id = serializers.IntegerField(source="lesson.pk")
    date = serializers.DateField(source="lesson.date")
    bell_number = serializers.IntegerField(source="lesson.bell_number")
    starts_at = serializers.DateTimeField(source="starts")
    ends_at = serializers.DateTimeField(source="ends")
    subject = SubjectBriefSerializer(source="lesson.subject")
    room = NamedSerializer(source="lesson.room", allow_null=True)
    teachers = PersonBriefSerializer(source="lesson.teachers.all", many=True)
    classes = NamedSerializer(source="lesson.classes.all", many=True)
    subgroup = NamedSerializer(source="lesson.subgroup", allow_null=True)
    status = serializers.CharField(source="lesson.status")
    is_extra = serializers.BooleanField(source="lesson.is_extra")
    is_changed = serializers.BooleanField()
    is_current = serializers.BooleanField()
    topic = serializers.CharField(source="lesson.topic")
    students = serializers.SerializerMethodField(help_text="For a parent's week: which children attend.")

    def get_students(self, row) -> list[int]:
        return list(getattr(row.lesson, "student_ids", []))


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    is_today = serializers.BooleanField()
    lessons = LessonSerializer(source="rows", many=True)


class WeekSerializer(serializers.Serializer):
    monday = serializers.DateField()
    timezone = serializers.CharField(source="zone.key")
    days = DaySerializer(many=True)
