"""The pool of spare school schemas.

A new school must be usable about a second after its code is accepted. Running every
migration takes seconds per school; so schemas are migrated ahead of time ("spares":
School rows with is_spare=True and no domain, migrated by `migrate_schemas` like every
school) and a school is made by renaming one — `ALTER SCHEMA … RENAME` takes under a
millisecond and is transactional, so a failed activation puts the spare back untouched.
django-tenants' clone_schema is not used: it renames UNIQUE constraints and marks
migrations the template lacks as applied (DESIGN.md).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import connection, transaction

from tenants.models import School

SPARE_PREFIX = "spare_"


def spare_count() -> int:
    return School.objects.filter(is_spare=True).count()


def spare_create() -> School:
    """Create and migrate one spare schema (seconds; run by a task, never in a request)."""
    token = secrets.token_hex(6)
    spare = School(
        schema_name=f"{SPARE_PREFIX}{token}",
        slug=f"spare-{token}",
        name="spare",
        short_name="spare",
        is_spare=True,
        is_active=False,
    )
    connection.set_schema_to_public()
    spare.save(verbosity=0)  # django-tenants creates the schema and runs the migrations
    return spare


def spare_pool_fill(*, size: int | None = None) -> int:
    """Top the pool up to `size` spares; returns how many were created. Idempotent."""
    size = settings.SPARE_SCHEMA_POOL_SIZE if size is None else size
    created = 0
    while spare_count() < size:
        spare_create()
        created += 1
    return created


def spare_take() -> School | None:
    """Lock one spare for the current transaction; concurrent activations take different
    spares (SKIP LOCKED) instead of queueing behind one."""
    if not connection.in_atomic_block:
        raise RuntimeError("spare_take() must run inside a transaction")
    return School.objects.select_for_update(skip_locked=True).filter(is_spare=True).order_by("pk").first()


@transaction.atomic
def schema_rename(*, old: str, new: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER SCHEMA "{old}" RENAME TO "{new}"')  # names are validated slugs


def schema_signature(schema: str) -> dict[str, list[tuple]]:
    """The structure of a schema — columns, constraints, indexes, sequences and applied
    migrations — with the schema's own name taken out, so two schools compare equal
    exactly when they have the same structure."""
    queries = {
        "columns": """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   COALESCE(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = %s AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')
            ORDER BY 1, 2""",
        "constraints": """
            SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s ORDER BY 1, 2""",
        "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s ORDER BY 1, 2",
        "sequences": """
            SELECT sequencename, data_type::text, increment_by FROM pg_sequences
            WHERE schemaname = %s ORDER BY 1""",
    }
    signature: dict[str, list[tuple]] = {}
    with connection.cursor() as cursor:
        for key, sql in queries.items():
            cursor.execute(sql, [schema])
            signature[key] = [tuple(str(v).replace(schema, "<schema>") for v in row) for row in cursor.fetchall()]
        # The schema name comes from the registry (validated slugs), never from a request.
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY app, name')  # noqa: S608
        signature["migrations"] = [tuple(row) for row in cursor.fetchall()]
    return signature
