"""The Jinja2 environment for the hot fragments: Django's gettext, `url` and `static`."""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, translation
from jinja2 import Environment


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    env = Environment(extensions=["jinja2.ext.i18n"], **options)  # noqa: S701 - autoescape is set in settings
    env.install_gettext_callables(translation.gettext, translation.ngettext,
                                  pgettext=translation.pgettext, npgettext=translation.npgettext, newstyle=True)
    env.globals.update(url=url, static=static)
    env.filters["date"] = formats.date_format
    return env
