"""URLs of the public portal (BASE_DOMAIN)."""

from django.contrib import admin
from django.urls import include, path

from core.views.favicon import favicon
from tenants import views as tenant_views

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("", tenant_views.portal_home, name="portal_home"),
    path("accounts/", include("accounts.urls")),
    path("invite/", include("core.urls_portal")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("provisioning.urls")),
]
