"""Relay connections on the compiled path: ``edges { cursor node }`` and ``pageInfo`` built from a
``Page`` the way ``api/pagination.py`` builds them (the cursor of each row, ``hasPreviousPage``
true after a cursor, start and end cursors of the rows shown)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api.compiled.shape import (
    Builder,
    Constant,
    Getter,
    Page,
    Scope,
    Selected,
    dict_builder,
    edges_output,
)
from api.compiled.sql import Unsupported


def connection(
    builder: Builder, field: Selected, node_scope: Scope, cursor: Callable[[Any], str]
) -> Callable[[Page], dict[str, Any]]:
    kind = field.object_type()
    pairs: list[tuple[str, Callable[[Page], Any]]] = []
    for selected in builder.collect(kind, field.nodes):
        if selected.name == "__typename":
            pairs.append((selected.key, Constant(kind.name)))
        elif selected.name == "edges":
            pairs.append((selected.key, _edges(_edge(builder, selected, node_scope, cursor))))
        elif selected.name == "pageInfo":
            pairs.append((selected.key, _page_info(builder, selected, cursor)))
        else:
            raise Unsupported(f"{kind.name}.{selected.name}")
    built: Callable[[Page], dict[str, Any]] = dict_builder(pairs)
    return built


def _edges(edge: Getter) -> Callable[[Page], list[Any]]:
    return lambda page: [edge(row) for row in page.rows]


def _edge(
    builder: Builder, field: Selected, node_scope: Scope, cursor: Callable[[Any], str]
) -> Getter:
    kind = edges_output(field.definition.type)
    pairs: list[tuple[str, Getter]] = []
    for selected in builder.collect(kind, field.nodes):
        if selected.name == "__typename":
            pairs.append((selected.key, Constant(kind.name)))
        elif selected.name == "cursor":
            pairs.append((selected.key, cursor))
        elif selected.name == "node":
            node = builder.object(selected.object_type(), selected.nodes, node_scope)
            pairs.append((selected.key, node))
        else:
            raise Unsupported(f"{kind.name}.{selected.name}")
    built: Getter = dict_builder(pairs)
    return built


def _page_info(
    builder: Builder, field: Selected, cursor: Callable[[Any], str]
) -> Callable[[Page], dict[str, Any]]:
    kind = field.object_type()
    readers: dict[str, Callable[[Page], Any]] = {
        "__typename": Constant(kind.name),
        "hasNextPage": lambda page: page.has_next,
        "hasPreviousPage": lambda page: page.has_previous,
        "startCursor": lambda page: cursor(page.rows[0]) if page.rows else None,
        "endCursor": lambda page: cursor(page.rows[-1]) if page.rows else None,
    }
    pairs = []
    for selected in builder.collect(kind, field.nodes):
        if selected.name not in readers:
            raise Unsupported(f"{kind.name}.{selected.name}")
        pairs.append((selected.key, readers[selected.name]))
    built: Callable[[Page], dict[str, Any]] = dict_builder(pairs)
    return built
