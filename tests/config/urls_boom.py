"""A school URLconf with one failing page, for the Sentry test."""

from django.urls import include, path


def boom(request):
    raise ValueError("журнал недоступен для teacher@school1.parta.test")


urlpatterns = [path("boom/", boom), path("", include("config.urls_school"))]
