"""One column of a query's rows, typed as what tortoise returns."""

from __future__ import annotations

from typing import Any

from tortoise.queryset import QuerySet


async def column(query: QuerySet[Any], field: str) -> list[Any]:
    """``await query.values_list(field, flat=True)``: the field's values, in the query's order.
    Tortoise types it as a list of tuples whatever ``flat`` says (tortoise/tortoise-orm#1112);
    the values' type depends on the field, so callers see ``Any``, as from ``values()``."""
    values: list[Any] = await query.values_list(field, flat=True)
    return values
