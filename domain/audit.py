"""The audit log of back-office changes: who changed what, when, with the values before and after.

Every back-office service calls ``record_change`` inside the transaction of the change itself, so
a change and its audit entry are written together or not at all. Values are stored as JSON:
``snapshot`` turns a model's chosen fields into JSON-safe values (datetimes as ISO 8601)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from tortoise.models import Model

from domain.posts.models import AuditLogEntry


def json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return value


def snapshot(row: Model, names: Iterable[str]) -> dict[str, Any]:
    """The named attributes of ``row`` as a JSON-safe dict (use ``<fk>_id`` for relations)."""
    return {name: json_value(getattr(row, name)) for name in names}


def changed(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, from each side: what an audit entry shows."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


async def record_change(
    *,
    actor_id: int,
    action: str,
    target_type: str,
    target_id: int,
    now: datetime,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> AuditLogEntry:
    """Write one audit entry. ``action`` is the kind the audit page filters by (ESTATE_CREATED,
    ROLE_GRANTED, ...); ``target_type`` names the table's subject (ESTATE, MEMBER, ...)."""
    return await AuditLogEntry.create(
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason[:200] if reason else None,
        before=json_value(dict(before)) if before is not None else None,
        after=json_value(dict(after)) if after is not None else None,
        created_at=now,
    )
