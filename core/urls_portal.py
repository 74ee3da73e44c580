"""The portal's redemption pages (included under /invite/ by config/urls_portal.py)."""

from django.urls import path

from core.views import portal

app_name = "invitations"
urlpatterns = [
    path("", portal.invite_enter, name="enter"),
    path("accept/", portal.invite_accept, name="accept"),
]
