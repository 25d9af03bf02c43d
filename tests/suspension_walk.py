"""Helpers of the suspension walkers (GraphQL and portal): the whole content of every table, to
show that a refused request changed nothing anywhere."""

from __future__ import annotations

from typing import Any

from tortoise.connection import get_connection

from tests.hostile.probe import table_names


async def table_contents() -> dict[str, list[str]]:
    """Every row of every table, as sorted text (row order is no part of the state)."""
    connection = get_connection("default")
    contents: dict[str, list[str]] = {}
    for table in table_names():
        rows: list[dict[str, Any]] = await connection.execute_query_dict(f'SELECT * FROM "{table}"')
        contents[table] = sorted(repr(sorted(row.items())) for row in rows)
    return contents


def differences(before: dict[str, list[str]], after: dict[str, list[str]]) -> dict[str, int]:
    """The tables whose rows differ, with the change in their row count."""
    return {t: len(after[t]) - len(before[t]) for t in after if after[t] != before[t]}
