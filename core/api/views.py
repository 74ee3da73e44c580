from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import selectors
from core.api.serializers import MeSerializer, SchoolClassDetailSerializer, SchoolClassSerializer
from tenants.selectors import memberships_for


class MeApi(APIView):
    """Who is calling, in this school, and which other schools they can open."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        person = request.person
        data = {
            "account_id": request.user.pk,
            "person": person,
            "school": request.tenant.slug,
            "roles": person.roles,
            "schools": [{"slug": m.school.slug, "name": m.school.short_name, "roles": m.roles}
                        for m in memberships_for(request.user.pk)],
        }
        return Response(MeSerializer(data).data)


class ClassListApi(ListAPIView):
    """The classes the caller may see."""

    serializer_class = SchoolClassSerializer

    def get_queryset(self):
        return selectors.classes_visible_to(self.request.person)


class ClassDetailApi(APIView):
    """One class with its roster (the roster only for staff and its own students)."""

    @extend_schema(responses=SchoolClassDetailSerializer)
    def get(self, request: Request, class_id: int) -> Response:
        school_class = selectors.school_class_get_for(request.person, class_id)
        roster = selectors.class_roster(request.person, school_class)
        return Response(SchoolClassDetailSerializer(school_class, context={"roster": roster}).data)
