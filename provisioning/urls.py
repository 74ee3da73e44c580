"""Portal URLs of the provisioning app."""

from django.urls import include, path

urlpatterns = [
    path("activate/", include("provisioning.urls_activation")),
    path("", include("provisioning.urls_coordinator")),
]
