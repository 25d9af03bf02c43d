"""Portal form of a new event: posted fields into the service's input. Rules stay in the service:
a number that does not parse becomes one it refuses, a missing time one it refuses."""

from __future__ import annotations

from datetime import datetime

from starlette.datastructures import FormData

from domain.clock import SHANGHAI
from domain.errors import FieldError, InvalidInputError
from domain.events.services import NewEvent
from portal.forms.rewards import integer

NEVER = datetime(2000, 1, 1, tzinfo=SHANGHAI)  # before "now": the service says it must be later


def _local_datetime(raw: object, field: str, errors: list[FieldError]) -> datetime:
    """A ``datetime-local`` value, read as Shanghai time."""
    text = str(raw or "").strip()
    try:
        return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)
    except ValueError:
        errors.append(FieldError(field, "请选择有效的日期和时间"))
        return NEVER


def new_event(form: FormData) -> NewEvent:
    errors: list[FieldError] = []
    starts_at = _local_datetime(form.get("startsAt"), "startsAt", errors)
    ends_at = _local_datetime(form.get("endsAt"), "endsAt", errors)
    if errors:
        raise InvalidInputError(errors)
    group = str(form.get("groupId") or "").strip()
    return NewEvent(
        title=str(form.get("title", "")),
        description=str(form.get("description", "")),
        location=str(form.get("location", "")),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=integer(form.get("capacity")),
        group_id=int(group) if group.isdigit() and len(group) <= 9 else None,
    )
