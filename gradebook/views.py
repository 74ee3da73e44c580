from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from core.views import placeholder


def journal(request: HttpRequest) -> HttpResponse:
    return placeholder(
        request,
        title=_("Journal"),
        text=_("The class journal — lessons, marks, attendance and homework — arrives in a coming release."),
    )


def diary(request: HttpRequest) -> HttpResponse:
    return placeholder(
        request,
        title=_("Diary"),
        text=_("The diary — the week's lessons, homework and marks — arrives in a coming release."),
    )
