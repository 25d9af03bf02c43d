"""Relay global IDs in inputs: decoding one that is malformed or of another type is bad input."""

from __future__ import annotations

from strawberry import relay

from domain.errors import FieldError, InvalidInputError


def decode_id(raw: str | None, type_name: str, field: str, errors: list[FieldError]) -> int | None:
    """The database id inside ``raw``; appends a field error and returns None when it is not one."""
    if raw is None:
        return None
    try:
        gid = relay.GlobalID.from_id(raw)
        if gid.type_name != type_name:
            raise ValueError(gid.type_name)
        return int(gid.node_id)
    except ValueError:
        errors.append(FieldError(field, "编号无效"))
        return None


def decode_required_id(raw: str, type_name: str, field: str) -> int:
    """The database id inside ``raw``, or ``InvalidInputError`` for that field."""
    errors: list[FieldError] = []
    pk = decode_id(raw, type_name, field, errors)
    if pk is None:
        raise InvalidInputError(errors)
    return pk


def encode_id(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, str(pk)))
