"""URLs of a school's subdomain."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core.views.favicon import favicon

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("", include("core.urls")),
    path("", include("gradebook.urls")),
    path("", include("timetable.urls")),
    path("", include("community.urls")),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("core.api.urls")),
    path("api/v1/timetable/", include("timetable.api.urls")),
    path("api/v1/gradebook/", include("gradebook.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
