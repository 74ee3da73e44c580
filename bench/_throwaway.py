"""What every bench script needs first: Django set up, and a throwaway database (created
like the test database, on the configured server, dropped afterwards)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path


def django_setup(database_name: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["TEST_DATABASE_NAME"] = database_name
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def on_throwaway_database(main: Callable[..., dict], *args: object) -> dict:
    """Run `main(*args)` on a fresh, migrated database; drop it whatever happens."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        return main(*args)
    finally:
        connection.set_schema_to_public()
        teardown_databases(config, verbosity=0)
