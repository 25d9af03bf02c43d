"""Portal forms of the back office's rewards and events: posted fields into the services' edits.
The edit forms post every field, so each one is set; rules stay in the services (a number that
does not parse becomes one they refuse)."""

from __future__ import annotations

from datetime import datetime

from starlette.datastructures import FormData

from domain.clock import SHANGHAI
from domain.errors import FieldError, InvalidInputError
from domain.events.admin import EventChanges
from domain.rewards.admin import RewardChanges
from portal.forms.rewards import integer, local_datetime, optional_integer


def reward_changes(form: FormData) -> RewardChanges:
    return RewardChanges(
        name=str(form.get("name", "")),
        description=str(form.get("description", "")),
        cost_points=integer(form.get("costPoints")),
        per_member_limit=optional_integer(form.get("perMemberLimit")),
        available_from=local_datetime("availableFrom", form.get("availableFrom")),
        available_until=local_datetime("availableUntil", form.get("availableUntil")),
    )


def event_changes(form: FormData) -> EventChanges:
    errors: list[FieldError] = []
    times: dict[str, datetime] = {}
    for field in ("startsAt", "endsAt"):
        try:
            value = local_datetime(field, form.get(field))
        except InvalidInputError as error:
            errors.extend(error.field_errors)
            continue
        if value is None:
            errors.append(FieldError(field, "请选择有效的日期和时间"))
        else:
            times[field] = value
    if errors:
        raise InvalidInputError(errors)
    return EventChanges(
        title=str(form.get("title", "")),
        description=str(form.get("description", "")),
        location=str(form.get("location", "")),
        starts_at=times["startsAt"],
        ends_at=times["endsAt"],
        capacity=integer(form.get("capacity")),
    )


def local_input(value: datetime | None) -> str:
    """A stored instant as a ``datetime-local`` value in Shanghai time ("" for none)."""
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M") if value else ""
