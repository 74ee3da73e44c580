from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from core.views import placeholder


def home(request: HttpRequest) -> HttpResponse:
    return placeholder(
        request,
        title=_("Community"),
        text=_("School groups, news, events, forums and polls arrive in a coming release."),
    )
