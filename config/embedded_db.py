"""The embedded PostgreSQL used when DATABASE_URL is not set.

`pgserver` ships a real PostgreSQL server in a wheel, so a fresh machine needs
nothing but Python. The server keeps its data under `.data/pg` and keeps running
after the process that started it exits, so the next command reuses it in
milliseconds (`make stop-db` stops it).
"""

from __future__ import annotations

from pathlib import Path

DB_NAME = "parta"


def ensure_embedded_server(base_dir: Path) -> dict[str, str]:
    """Start (or reuse) the embedded server; return Django connection settings."""
    import warnings

    warnings.filterwarnings("ignore", module="platformdirs")
    import pgserver

    data_dir = base_dir / ".data" / "pg"
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")  # noqa: S608 — a constant
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DB_NAME};")
    return {"NAME": DB_NAME, "USER": "postgres", "PASSWORD": "", "HOST": str(data_dir), "PORT": ""}


def stop_embedded_server(base_dir: Path) -> None:
    import pgserver

    data_dir = base_dir / ".data" / "pg"
    if data_dir.exists():
        pgserver.get_server(data_dir, cleanup_mode="stop").cleanup()
