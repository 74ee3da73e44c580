from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from core.views import placeholder


def index(request: HttpRequest) -> HttpResponse:
    return placeholder(request, title=_("Journal settings"), text=_("Coming in this release."))
