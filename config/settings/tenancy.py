"""Which apps live in the public schema and which in every school's schema (DESIGN.md)."""

from config.env import env_int, env_str

BASE_DOMAIN = env_str("BASE_DOMAIN", "parta.localhost")

SHARED_APPS = [
    "django_tenants",
    "tenants",  # schools registry, domains, regions, memberships
    "accounts",  # the one account per person, API tokens
    "provisioning",  # connection requests, activation codes, provisioning jobs
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
]

TENANT_APPS = [
    "django.contrib.contenttypes",
    "core",  # people of the school, classes, guardianship
    "timetable",
    "gradebook",
    "community",
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.School"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
ROOT_URLCONF = "config.urls_school"
PUBLIC_SCHEMA_URLCONF = "config.urls_portal"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# Issue `SET search_path` once per schema switch instead of before every query: otherwise
# each read costs two round trips (the journal grid: 22 SETs for 22 reads). Safe because
# the backend forgets the cached path on set_tenant/set_schema, rollback and savepoint
# rollback (a rolled-back SET is undone by PostgreSQL too).
TENANT_LIMIT_SET_CALLS = True

# Subdomains that can never belong to a school.
RESERVED_SUBDOMAINS = frozenset(
    {
        "www", "api", "admin", "static", "media", "mail", "smtp", "portal", "help", "support",
        "status", "docs", "app", "auth", "login", "id", "public", "template", "test", "dev",
        "staging", "cdn", "assets", "files", "parta", "region", "coordinator",
    }
)
SPARE_SCHEMA_POOL_SIZE = env_int("SPARE_SCHEMA_POOL_SIZE", 2)
