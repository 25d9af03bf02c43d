"""Statements written once, for the hottest writes: the query builder costs more per statement
than PostgreSQL spends running it, and an UPDATE or INSERT … RETURNING answers in the round
trip that a read would otherwise need. The text is the same on both backends but for the
parameter marks (``$1`` on PostgreSQL, ``?1`` on SQLite, which both number)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeVar

from tortoise import Model, connections

M = TypeVar("M", bound=Model)


def mark() -> str:
    """The numbered parameter mark of the default connection: ``f"{mark()}1"`` is the first."""
    return "?" if connections.get("default").capabilities.dialect == "sqlite" else "$"


def one_of_ints(p: str, n: int) -> str:
    """``f'"id" {one_of_ints(p, 2)}'``: the column is one of the integers bound as parameter
    ``n`` (``int_list``), whatever their number: one array parameter on PostgreSQL, a JSON
    array read by ``json_each`` on SQLite. ``p`` is ``mark()``."""
    if p == "$":
        return f"= ANY(${n}::int[])"
    return f"IN (SELECT value FROM json_each(?{n}))"  # noqa: S608 (a number, not input)


def int_list(p: str, values: Sequence[int]) -> Any:
    """``values`` bound for ``one_of_ints`` under mark ``p``."""
    return list(values) if p == "$" else json.dumps(list(values))


def columns(model: type[Model]) -> str:
    """Every column of ``model``, quoted, for a RETURNING clause that builds the model."""
    return ", ".join(f'"{c}"' for c in model._meta.fields_db_projection.values())


def db_value(model: type[Model], field: str, value: Any) -> Any:
    """``value`` as tortoise sends it for the field (on SQLite, a datetime then becomes the
    text tortoise's adapter writes for every datetime, so comparisons as text hold)."""
    return model._meta.fields_map[field].to_db_value(value, model)


async def rows(sql: str, values: Sequence[Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await connections.get("default").execute_query_dict(
        sql, list(values)
    )
    return found


def built(model: type[M], row: dict[str, Any]) -> M:
    """The model of a row that holds all its columns (``columns``), as a read would build it."""
    return model._init_from_db(
        **{column: row[column] for column in model._meta.fields_db_projection.values()}
    )


def aliased_columns(alias: str, model: type[Model]) -> str:
    """Every column of ``model`` under table alias ``alias``, each named ``alias.column``: one
    side of a joined read that ``built_as`` builds (what ``select_related`` reads)."""
    return ", ".join(
        f'{alias}."{c}" AS "{alias}.{c}"' for c in model._meta.fields_db_projection.values()
    )


def built_as(model: type[M], row: dict[str, Any], alias: str) -> M | None:
    """The model of ``aliased_columns(alias, model)`` in a joined row; None when the join found
    no row (its primary key is null)."""
    if row[f"{alias}.{model._meta.db_pk_column}"] is None:
        return None
    return model._init_from_db(
        **{c: row[f"{alias}.{c}"] for c in model._meta.fields_db_projection.values()}
    )


def built_with(
    model: type[M], row: dict[str, Any], alias: str, **related: tuple[type[Model], str]
) -> M:
    """The model of a joined row's FROM table (``aliased_columns(alias, model)``) with its
    related models set where ``select_related`` sets them: ``reward=(Reward, "w")`` for a
    foreign key read under alias ``w``, ``group__host=(Member, "h")`` for one of the related
    model's own, named after its owner and given after it (set when the group was found). A
    related model the join did not find is None."""
    built_row = built_as(model, row, alias)
    if built_row is None:  # never: the FROM table's row is always there
        raise LookupError(row)
    found: dict[str, Model | None] = {"": built_row}
    for path, (related_model, related_alias) in related.items():
        owner_path, _, name = path.rpartition("__")
        found[path] = built_as(related_model, row, related_alias)
        owner = found[owner_path]
        if owner is not None:
            object.__setattr__(owner, f"_{name}", found[path])
    return built_row


async def by_unique(model: type[M], column: str, value: Any) -> M | None:
    """The row of ``model`` whose unique ``column`` holds ``value``, built, or None: what
    ``model.get_or_none(column=value)`` reads, without building the statement each time."""
    found = await rows(
        f'SELECT {columns(model)} FROM "{model._meta.db_table}" WHERE "{column}" = {mark()}1',  # noqa: S608
        [value],
    )
    return built(model, found[0]) if found else None
