"""Sentry, when SENTRY_DSN is set."""

from config.env import env_str
from config.sentry import init_sentry

SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    init_sentry(SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"))
