"""Relay connection arguments: ``first`` within 1–50 and opaque cursors; bad ones are the client's
error (``BAD_USER_INPUT``), never a masked server error."""

from __future__ import annotations

import base64
import binascii

import orjson

from api.errors import ClientError

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
