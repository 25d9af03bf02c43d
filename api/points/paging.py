"""Relay connections over keyset pages. The domain reads ``first + 1`` rows in sort order: the
extra row only says that there is a next page. A cursor holds the id of the row it points at."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from strawberry import relay

from api.errors import ClientError
from api.pagination import decode_cursor, encode_cursor


class _Row(Protocol):
    id: int


R = TypeVar("R", bound=_Row)
C = TypeVar("C", bound=relay.Connection[Any])


def after_id(after: str | None) -> int | None:
    """The id inside an ``after`` cursor; a cursor that holds anything else is the client's bug."""
    key = decode_cursor(after, 1)
    if key is None:
        return None
    value = key[0]
    if not isinstance(value, int) or isinstance(value, bool):
        raise ClientError("分页游标无效")
    return value


def connection_of(
    kind: type[C], rows: Sequence[R], first: int, after: str | None, node: Callable[[R], Any]
) -> C:
    """``kind`` holding the first ``first`` of ``rows`` (read as ``first + 1``)."""
    page = rows[:first]
    edges = [relay.Edge(cursor=encode_cursor(row.id), node=node(row)) for row in page]
    return kind(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=len(rows) > first,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
