"""A pluggable SMS gateway, shaped like Django's e-mail backends.

`settings.SMS_BACKEND` names the backend class by dotted path. Parta ships two: the console
backend (development; the default, like e-mail) and the locmem backend (tests keep the
sent messages in `accounts.sms.outbox`). A real gateway (SMS.ru, SMSC, an operator's
HTTP API) is one more subclass with `send_messages`, configured by the environment — this
module is the only place that talks to the outside world about SMS.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmsMessage:
    """One text to one phone number (E.164, as accounts.phones stores it)."""

    phone: str
    text: str


class BaseSmsBackend:
    """Send a batch of messages; return how many went out. Raise on a gateway failure so the
    caller's transaction rolls back and the delivery is retried."""

    def send_messages(self, messages: list[SmsMessage]) -> int:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    """Print the messages (development: nothing leaves the machine)."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            sys.stdout.write(f"SMS to {message.phone}: {message.text}\n")
            logger.info("sms to %s", message.phone)
        sys.stdout.flush()
        return len(messages)


# The locmem backend's outbox; tests empty it between runs (like django.core.mail.outbox).
outbox: list[SmsMessage] = []


class LocmemBackend(BaseSmsBackend):
    """Keep the messages in `accounts.sms.outbox` (tests)."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


@cache
def _backend_class(path: str) -> type[BaseSmsBackend]:
    return import_string(path)


def get_backend() -> BaseSmsBackend:
    return _backend_class(settings.SMS_BACKEND)()


def sms_send(messages: list[SmsMessage]) -> int:
    """Send through the configured gateway; an empty batch costs nothing."""
    if not messages:
        return 0
    return get_backend().send_messages(messages)
