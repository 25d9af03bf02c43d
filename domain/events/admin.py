"""Events after creation: edit the details, cancel. The same people as ``create_event`` (hosts of
the event's group, admins for any event), audited with before and after values.

Both hold the event row's lock until commit, the lock every registration, cancellation and
promotion of the event takes: a registration either committed before (and is cancelled with the
event) or comes after and is refused. Registering spends and earns nothing (attendance points come
at check-in), so a cancelled registration loses no points; checked-in attendees keep theirs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.aftercommit import atomic
from domain.audit import changed, record_change
from domain.collaborators import Collaborators
from domain.edits import KEEP, Keep, instant, pick, state
from domain.errors import FieldError, InvalidInputError, NotFoundError
from domain.events import rules
from domain.events.errors import CapacityBelowSeatsTakenError, EventCancelledError, EventOverError
from domain.events.facts import EventCancelled
from domain.events.models import SEATED, Event, EventRegistration, RegistrationStatus
from domain.events.policies import require_event_runner
from domain.events.services import CANCELLABLE, fill_free_seats
from domain.facts import announce
from domain.identity.models import Member, Role
from domain.identity.policies import require_role

EDITABLE = ("title", "description", "location", "starts_at", "ends_at", "capacity")
REASON_MAX = 200


@dataclass(frozen=True)
class EventChanges:
    """What an edit changes; ``KEEP`` leaves a field as it is."""

    title: str | Keep = KEEP
    description: str | Keep = KEEP
    location: str | Keep = KEEP
    starts_at: datetime | Keep = KEEP
    ends_at: datetime | Keep = KEEP
    capacity: int | Keep = KEEP


@dataclass(frozen=True)
class Cancellation:
    event: Event
    told: list[int]  # the members whose registration the cancellation ended


async def update_event(
    c: Collaborators, actor: Member, event_id: int, changes: EventChanges
) -> Event:
    """A capacity raise seats waitlisted members in arrival order at once; the capacity cannot
    drop below the seats already taken."""
    await _runnable(actor, event_id)
    now = c.clock.now()
    async with atomic():
        event = await _locked(event_id, now)
        before = state(event, EDITABLE)
        _apply(event, changes)
        _check(event, before, now)
        before, after = changed(before, state(event, EDITABLE))
        if not after:
            return event
        await event.save(update_fields=list(EDITABLE))
        seated = 0
        if "capacity" in after and event.capacity > before["capacity"]:
            seated = await fill_free_seats(c, event_id, now)
        await record_change(
            actor_id=actor.id,
            action="EVENT_UPDATED",
            target_type="EVENT",
            target_id=event_id,
            now=now,
            before=before,
            after={**after, **({"seated_from_waitlist": seated} if seated else {})},
        )
    return await Event.get(id=event_id).select_related("group")


async def cancel_event(c: Collaborators, actor: Member, event_id: int, reason: str) -> Cancellation:
    """Every confirmed and waitlisted registration is cancelled and the seats freed; no new
    registrations. Cancelling a cancelled event changes nothing; an event that has ended cannot
    be cancelled."""
    await _runnable(actor, event_id)
    reason = reason.strip()
    if not 2 <= len(reason) <= REASON_MAX:
        raise InvalidInputError.single("reason", f"请写明取消原因（2–{REASON_MAX} 个字）")
    now = c.clock.now()
    async with atomic():
        event = await Event.filter(id=event_id).select_for_update().get()
        if event.cancelled_at is not None:
            return Cancellation(await _with_group(event_id), [])
        if event.ends_at <= now:
            raise EventOverError()
        told = await _cancel_registrations(event_id, now)
        seated = await EventRegistration.filter(event_id=event_id, status__in=SEATED).count()
        await Event.filter(id=event_id).update(
            cancelled_at=now, cancel_reason=reason, seats_taken=seated
        )
        await record_change(
            actor_id=actor.id,
            action="EVENT_CANCELLED",
            target_type="EVENT",
            target_id=event_id,
            now=now,
            before={"cancelled_at": None, "seats_taken": event.seats_taken},
            after={"cancelled_at": now, "seats_taken": seated, "registrations_cancelled": told},
            reason=reason,
        )
        announce(c, EventCancelled(event_id, event.title, reason, tuple(told)))
    return Cancellation(await _with_group(event_id), told)


async def _runnable(actor: Member, event_id: int) -> None:
    """Hosts and admins only; then the event's own policy (a host of another group is refused)."""
    require_role(actor, Role.HOST, Role.ADMIN)
    event = await _with_group(event_id)
    await require_event_runner(actor, event.group)


async def _with_group(event_id: int) -> Event:
    event = await Event.get_or_none(id=event_id).select_related("group")
    if event is None:
        raise NotFoundError("活动不存在")
    return event


async def _locked(event_id: int, now: datetime) -> Event:
    event = await Event.filter(id=event_id).select_for_update().get()
    if event.cancelled_at is not None:
        raise EventCancelledError("活动已取消，不能再修改")
    if event.ends_at <= now:
        raise EventOverError()
    return event


def _apply(event: Event, changes: EventChanges) -> None:
    event.title = pick(changes.title, event.title).strip()
    event.description = pick(changes.description, event.description).strip()
    event.location = pick(changes.location, event.location).strip()
    event.starts_at = instant(pick(changes.starts_at, event.starts_at))
    event.ends_at = instant(pick(changes.ends_at, event.ends_at))
    event.capacity = pick(changes.capacity, event.capacity)


def _check(event: Event, before: dict[str, Any], now: datetime) -> None:
    """The create rules on the values after the edit, and no fewer seats than are taken."""
    errors = rules.event_field_errors(
        event.title,
        event.description,
        event.location,
        event.starts_at,
        event.ends_at,
        event.capacity,
        now,
        start_unchanged=state(event, ["starts_at"])["starts_at"] == before["starts_at"],
    )
    if event.capacity < event.seats_taken:
        errors.append(FieldError("capacity", f"名额不能少于已占的 {event.seats_taken} 个"))
        raise CapacityBelowSeatsTakenError(errors, event.seats_taken)
    if errors:
        raise InvalidInputError(errors)


async def _cancel_registrations(event_id: int, now: datetime) -> list[int]:
    """Confirmed and waitlisted registrations become CANCELLED; the members they belonged to."""
    # Locked first: a check-in racing the cancellation (it takes no event lock) either checked
    # its member in before, or finds the registration cancelled.
    rows = await EventRegistration.filter(
        event_id=event_id, status__in=CANCELLABLE
    ).select_for_update()
    await EventRegistration.filter(id__in=[row.id for row in rows]).update(
        status=RegistrationStatus.CANCELLED, cancelled_at=now
    )
    return sorted(row.member_id for row in rows)
