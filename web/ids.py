"""Relay global IDs in inputs, decoded strictly here and nowhere else: the canonical base64 of
``Type:digits`` (what the server itself hands out), ASCII digits only, no sign, space or leading
zero, within PostgreSQL's integer column (1 … 2^31 − 1). Anything else, or an id of another type,
is bad input, never a query that fails in the database. GraphQL's own argument check lives in
``api/ids.py``; forms of both entrypoints decode with the helpers here."""

from __future__ import annotations

import binascii
from base64 import b64decode, b64encode
from functools import lru_cache

from domain.errors import FieldError, InvalidInputError

MAX_PK = 2**31 - 1  # the largest value of an integer (int4) primary key
_MAX_ENCODED = 200  # far beyond any type name and ten digits


def parse_global_id(raw: object) -> tuple[str, int] | None:
    """``(type name, database id)`` of a well-formed global id, else None."""
    if not isinstance(raw, str) or len(raw) > _MAX_ENCODED or not raw.isascii():
        return None
    try:
        decoded = b64decode(raw, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    type_name, colon, digits = decoded.partition(":")
    if not colon or not type_name or not digits.isascii() or not digits.isdigit():
        return None
    pk = int(digits)
    if not 1 <= pk <= MAX_PK or encode_id(type_name, pk) != raw:  # one spelling per id
        return None
    return type_name, pk


def decode_id(raw: str | None, type_name: str, field: str, errors: list[FieldError]) -> int | None:
    """The database id inside ``raw``; appends a field error and returns None when it is not one."""
    if raw is None:
        return None
    parsed = parse_global_id(raw)
    if parsed is None or parsed[0] != type_name:
        errors.append(FieldError(field, "编号无效"))
        return None
    return parsed[1]


def pk_of(raw: str | None, type_name: str) -> int | None:
    """The database id inside ``raw`` when it is a well-formed id of ``type_name``, else None."""
    parsed = parse_global_id(raw)
    return parsed[1] if parsed and parsed[0] == type_name else None


def decode_required_id(raw: str, type_name: str, field: str) -> int:
    """The database id inside ``raw``, or ``InvalidInputError`` for that field."""
    errors: list[FieldError] = []
    pk = decode_id(raw, type_name, field, errors)
    if pk is None:
        raise InvalidInputError(errors)
    return pk


@lru_cache(maxsize=16384, typed=True)
def encode_id(type_name: str, pk: int) -> str:
    """The spelling strawberry's ``relay.GlobalID`` gives: base64 of ``Type:pk``. Kept for the
    ids most in view (a feed page spells sixty of them, the same ones for every reader)."""
    return b64encode(f"{type_name}:{pk}".encode()).decode()
