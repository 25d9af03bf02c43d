"""How an audit entry's before/after values read for people: one line per field that changed,
``field: old → new``, each value a short display string (times in Shanghai, nothing as "—").

Pure: no I/O. Both the audit page and GraphQL's ``AuditLogEntry.changes`` use it, so an entry
reads the same everywhere. Values of any shape are shown; nothing here can fail on an entry."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.clock import SHANGHAI

NOTHING = "—"
MAX_VALUE = 200
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def display_value(value: Any) -> str:
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return _shortened(_as_time(value) or value)
    if isinstance(value, list | tuple):
        return _shortened("、".join(display_value(v) for v in value) or NOTHING)
    if isinstance(value, dict):
        return _shortened(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return _shortened(str(value))


def _as_time(text: str) -> str | None:
    """An ISO 8601 time with a zone (as ``domain.audit.json_value`` stores it), in Shanghai."""
    if not _ISO_TIME.match(text):
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return when.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _shortened(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _as_mapping(values: Any) -> dict[str, Any]:
    return {str(k): v for k, v in values.items()} if isinstance(values, dict) else {}


def changes_of(before: Any, after: Any) -> list[Change]:
    """The fields whose values differ, in the order they were recorded (before's keys, then
    after's new ones); a field present on one side only reads as from or to nothing."""
    old, new = _as_mapping(before), _as_mapping(after)
    fields = list(old) + [k for k in new if k not in old]
    return [
        Change(name, display_value(old.get(name)), display_value(new.get(name)))
        for name in fields
        if old.get(name) != new.get(name)
    ]


def raw_json(values: Any) -> str | None:
    """The recorded values as a JSON string, for programs; None when nothing was recorded."""
    if values is None:
        return None
    return json.dumps(values, ensure_ascii=False, sort_keys=True)
