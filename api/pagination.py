"""Relay connections: ``first`` within 1–50, opaque cursors (bad ones are the client's error,
``BAD_USER_INPUT``, never a masked server error), and connections over keyset pages: the domain
reads ``first + 1`` rows in sort order, the extra row only says that there is a next page."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

import orjson
from strawberry import relay

from api.errors import ClientError
from web.ids import pk_of

PAGE_SIZE_MAX = 50


def check_first(first: int, maximum: int = PAGE_SIZE_MAX) -> int:
    if not 1 <= first <= maximum:
        raise ClientError(f"first 必须在 1 到 {maximum} 之间")
    return first


def encode_cursor(*key: object) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(key))).decode().rstrip("=")


def decode_cursor(cursor: str | None, arity: int) -> list[object] | None:
    """The sort key inside ``cursor`` (a list of ``arity`` values), or None for the first page."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, orjson.JSONDecodeError) as error:
        raise ClientError("分页游标无效") from error
    if not isinstance(key, list) or len(key) != arity:
        raise ClientError("分页游标无效")
    return key


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


def filter_id(raw: str | None, type_name: str) -> int | None:
    """The database id in a query's filter argument; a malformed one is the client's bug
    (a top-level ``BAD_USER_INPUT`` error), not bad input to a form."""
    if raw is None:
        return None
    pk = pk_of(raw, type_name)
    if pk is None:
        raise ClientError("编号无效")
    return pk
