"""The migrations describe the models exactly: what ``tortoise makemigrations`` would write for
the current models is nothing. A model changed without its migration fails here, not in a
deployment's first ``linli migrate``."""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from settings import tortoise_config


async def test_makemigrations_finds_nothing_to_write(collaborators: object) -> None:
    apps_config = tortoise_config("sqlite://:memory:")["apps"]
    writers = await MigrationAutodetector(Tortoise.apps, apps_config).changes()
    pending = [(w.name, [type(op).__name__ for op in w.operations]) for w in writers]
    assert pending == []
