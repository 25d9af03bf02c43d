"""Partial edits: a field an edit leaves as it is holds ``KEEP``, because ``None`` can be a real
new value (no limit, no end date, no picture)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar

from tortoise.models import Model

from domain.audit import json_value

T = TypeVar("T")


class Keep(Enum):
    KEEP = "KEEP"


KEEP = Keep.KEEP


def pick(change: T | Keep, current: T) -> T:
    """The value after the edit: the change, or the current value for ``KEEP``."""
    return current if isinstance(change, Keep) else change


def instant(value: T) -> T:
    """Aware datetimes in UTC, so the same instant given in another zone is no change."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value


def state(row: Model, names: Iterable[str]) -> dict[str, Any]:
    """The named fields of ``row`` as JSON-safe values for the audit log, instants in UTC: two
    states compare equal when nothing really changed."""
    return {name: json_value(instant(getattr(row, name))) for name in names}
