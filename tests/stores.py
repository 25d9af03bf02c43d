"""Test databases built by running the migrations, on SQLite or on a fresh PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise import Tortoise
from tortoise.connection import get_connection

from domain.stores import apply_migrations
from settings import tortoise_config

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
REDIS_URL = os.environ.get("TEST_REDIS_URL", "").strip() or "memory://"
ON_POSTGRES = POSTGRES_URL.startswith(("postgres://", "postgresql://"))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def create_test_database(tmp_dir: Path) -> str:
    """A new, migrated database; its URL. On PostgreSQL a database of its own per run."""
    if not ON_POSTGRES:
        url = f"sqlite://{tmp_dir / 'linli-test.sqlite3'}"
    else:
        name = f"linli_test_{uuid.uuid4().hex[:10]}"
        admin = await asyncpg.connect(POSTGRES_URL.replace("postgres://", "postgresql://", 1))
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        # A pool wide enough that concurrent tests really hold many connections at once.
        url = _with_database(POSTGRES_URL, name) + "?minsize=2&maxsize=20"
    await apply_migrations(tortoise_config(url))
    await Tortoise.close_connections()
    await Tortoise.init(config=tortoise_config(url))
    return url


async def drop_test_database(url: str) -> None:
    await Tortoise.close_connections()
    if not ON_POSTGRES:
        return
    name = urlsplit(url).path.lstrip("/").split("?")[0]
    admin = await asyncpg.connect(POSTGRES_URL.replace("postgres://", "postgresql://", 1))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def truncate_all() -> None:
    """Empty every table but the migration record (isolation by truncation, never rollback)."""
    connection = get_connection("default")
    tables = [model._meta.db_table for app in Tortoise.apps.values() for model in app.values()]
    if ON_POSTGRES:
        quoted = ", ".join(f'"{t}"' for t in tables)
        await connection.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        return
    await connection.execute_script(
        "PRAGMA foreign_keys = OFF;"
        + "".join(f'DELETE FROM "{t}";' for t in tables)
        + "DELETE FROM sqlite_sequence; PRAGMA foreign_keys = ON;"
    )
