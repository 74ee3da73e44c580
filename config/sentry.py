"""Sentry set-up: tagged with the school, personal data scrubbed before it leaves."""

from __future__ import annotations

import re
from typing import Any

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"\+?\d[\d\s()-]{8,}\d")
_SENSITIVE_KEYS = {"password", "email", "phone", "token", "authorization", "cookie", "sessionid",
                   "csrftoken", "first_name", "last_name", "middle_name", "birth_date", "code"}


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("[scrubbed]" if str(k).lower() in _SENSITIVE_KEYS else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    if isinstance(value, str):
        return _PHONE.sub("[phone]", _EMAIL.sub("[email]", value))
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """Drop what identifies a child or a parent: account ids stay, names and contacts go."""
    user = event.get("user") or {}
    event["user"] = {"id": user["id"]} if "id" in user else {}
    request = event.get("request")
    if request:
        request.pop("cookies", None)
        request.pop("data", None)
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() not in {"cookie", "authorization"}}
    for key in ("extra", "contexts", "breadcrumbs", "exception", "logentry", "message"):
        if key in event:
            event[key] = _scrub(event[key])
    return event


def init_sentry(dsn: str, *, environment: str = "production", transport: Any = None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    options: dict[str, Any] = {
        "dsn": dsn,
        "environment": environment,
        "integrations": [DjangoIntegration(), CeleryIntegration()],
        # Children's and parents' data never leave: no user details, bodies, cookies,
        # local variables or SQL parameters; scrub_event catches what slips through.
        "data_collection": {
            "user_info": False,
            "http_bodies": [],
            "stack_frame_variables": False,
            "database_query_data": False,
        },
        "before_send": scrub_event,
        "traces_sample_rate": 0.0,
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)


def tag_school(schema_name: str) -> None:
    import sentry_sdk

    sentry_sdk.set_tag("school", schema_name)
