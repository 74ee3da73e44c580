from rest_framework import serializers

from core.models import Person, SchoolClass


class PersonBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "last_name", "first_name", "middle_name"]


class MeSerializer(serializers.Serializer):
    account_id = serializers.IntegerField()
    person = PersonBriefSerializer()
    school = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    schools = serializers.ListField(child=serializers.DictField())


class SchoolClassSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    class_teacher = PersonBriefSerializer(read_only=True)
    student_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SchoolClass
        fields = ["id", "name", "grade", "letter", "class_teacher", "student_count"]


class SchoolClassDetailSerializer(SchoolClassSerializer):
    students = serializers.SerializerMethodField()

    class Meta(SchoolClassSerializer.Meta):
        fields = [*SchoolClassSerializer.Meta.fields, "students"]

    def get_students(self, obj) -> list[dict]:
        return PersonBriefSerializer(self.context["roster"], many=True).data
