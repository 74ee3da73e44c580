"""Database and cache: DATABASE_URL if set, the embedded PostgreSQL otherwise."""

from config.database import parse_database_url
from config.env import env_int, env_str
from config.settings.base import BASE_DIR

_url = env_str("DATABASE_URL")
if _url:
    _conn = parse_database_url(_url)
else:
    from config.embedded_db import ensure_embedded_server

    _conn = ensure_embedded_server(BASE_DIR)

DATABASES = {
    "default": {
        "ENGINE": "django_tenants.postgresql_backend",
        **_conn,
        # Persistent connections, recycled: a backend's catalog cache grows with every
        # school it touches (DESIGN.md). Session-level search_path rules out PgBouncer
        # in transaction mode.
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": env_str("TEST_DATABASE_NAME", "test_parta")},
    }
}

_redis = env_str("REDIS_URL")
if _redis:
    _backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis}
else:
    _backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}

CACHES = {
    # School data: keys are prefixed with the current school's schema.
    "default": {
        **_backend,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "LOCATION": _backend.get("LOCATION", "school"),
    },
    # Cross-school data (tenant lookup, memberships): never keyed by school.
    "public": {**_backend, "KEY_PREFIX": "public", "LOCATION": _backend.get("LOCATION", "public")},
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
