"""Strings of project-level templates that link to this app's pages (the portal's landing page
and the sign-in page). They are listed here so that core's catalogue carries their
translations; `makemessages` run inside core/ finds them."""

from django.utils.translation import gettext_noop

STRINGS = [
    gettext_noop("I have an invitation code from my school"),
    gettext_noop("First time here?"),
]
