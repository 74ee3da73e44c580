"""Sentry: events carry the school and lose personal data before they leave."""

from __future__ import annotations

import sentry_sdk
from django.test import override_settings

from config.sentry import init_sentry, scrub_event
from tests.conftest import client_for


def test_scrub_drops_names_contacts_and_cookies():
    event = {
        "user": {"id": 7, "email": "parent@school1.parta.test", "ip_address": "10.1.2.3"},
        "request": {"cookies": {"sessionid": "abc"}, "headers": {"Cookie": "x", "Authorization": "Token t",
                                                                 "User-Agent": "ua"}, "data": {"password": "p"}},
        "extra": {"last_name": "Иванова", "note": "написать на ivanova@mail.ru или +7 912 345-67-89"},
    }
    scrubbed = scrub_event(event)
    assert scrubbed["user"] == {"id": 7}
    assert "cookies" not in scrubbed["request"]
    assert "data" not in scrubbed["request"]
    assert scrubbed["request"]["headers"] == {"User-Agent": "ua"}
    assert scrubbed["extra"]["last_name"] == "[scrubbed]"
    assert "ivanova@mail.ru" not in scrubbed["extra"]["note"]
    assert "912" not in scrubbed["extra"]["note"]


def test_events_are_tagged_with_the_school_and_scrubbed(school1):
    sent: list[dict] = []

    class Capture(sentry_sdk.transport.Transport):
        def capture_envelope(self, envelope):
            for item in envelope.items:
                if item.type == "event":
                    sent.append(item.payload.json)

    init_sentry("https://public@sentry.example.invalid/1", environment="test", transport=Capture)
    try:
        with override_settings(SENTRY_DSN="https://public@sentry.example.invalid/1",
                               ROOT_URLCONF="tests.config.urls_boom"):
            client = client_for(school1.host, school1.teacher)
            client.raise_request_exception = False
            assert client.get("/boom/").status_code == 500
        sentry_sdk.flush()
    finally:
        sentry_sdk.init(dsn=None)
    assert sent, "no event captured"
    event = sent[-1]
    assert event["tags"]["school"] == school1.school.schema_name
    assert "teacher@school1.parta.test" not in str(event)
    assert event["user"] == {"id": school1.teacher.pk} or "email" not in event.get("user", {})
