"""The GraphQL edge's refusal of a string with control characters (``api/http.py``): a
top-level BAD_USER_INPUT before any resolver runs. Tests of a domain's own checks send such
strings too; through GraphQL they meet this refusal first."""

from __future__ import annotations

import re
from typing import Any

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(value: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(value))


def refused_at_the_edge(body: dict[str, Any]) -> bool:
    errors = body.get("errors") or []
    return body.get("data") is None and [e["extensions"]["code"] for e in errors] == [
        "BAD_USER_INPUT"
    ]


def refusal_of(body: dict[str, Any], root_field: str) -> str:
    """The code a request was refused with: the union member's, or the edge's top-level one."""
    if body.get("errors"):
        return str(body["errors"][0]["extensions"]["code"])
    return str(body["data"][root_field]["code"])


def expected_refusal(value: str, union_code: str, max_chars: int = 20_000) -> str:
    """A lone surrogate is no JSON text the edge decodes (400 BAD_REQUEST); control characters
    and over-long strings stop at the edge (BAD_USER_INPUT); the rest reach the domain's check."""
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        return "BAD_REQUEST"
    if has_control_characters(value) or len(value) > max_chars:
        return "BAD_USER_INPUT"
    return union_code
