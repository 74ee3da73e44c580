from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from core.views import placeholder


def home(request: HttpRequest) -> HttpResponse:
    return placeholder(
        request,
        title=_("Timetable"),
        text=_("Personal and class timetables with substitutions arrive in a coming release."),
    )
