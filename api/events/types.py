"""GraphQL types of offline events (线下活动) and registrations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.groups.types import InterestGroup
from domain.events import models, queries
from domain.groups.queries import group_ids_joined


@strawberry.enum(description="Where a registration stands.")
class RegistrationStatus(Enum):
    CONFIRMED = strawberry.enum_value(
        "CONFIRMED", description="A seat is held: show the check-in code at the door."
    )
    WAITLISTED = strawberry.enum_value(
        "WAITLISTED", description="On the waitlist: promoted automatically when a seat frees up."
    )
    CANCELLED = strawberry.enum_value("CANCELLED", description="Cancelled by the member.")
    CHECKED_IN = strawberry.enum_value(
        "CHECKED_IN", description="Checked in by the host; attendance points awarded."
    )
    NO_SHOW = strawberry.enum_value(
        "NO_SHOW", description="Held a seat but did not check in before the event ended."
    )


@strawberry.type(description="A member's place at an event: a seat or a waitlist place.")
class EventRegistration(relay.Node):
    id: relay.NodeID[int]
    status: RegistrationStatus = strawberry.field(description="Where the registration stands.")
    created_at: datetime = strawberry.field(description="When the member registered.")
    checked_in_at: datetime | None = strawberry.field(description="When the host checked in.")
    model: strawberry.Private[models.EventRegistration]
    # Read with its waitlist position (an event's ``viewerRegistration``), else None: the
    # resolver then counts the position itself.
    registered: strawberry.Private[queries.Registered | None] = None

    @classmethod
    def from_model(cls, registration: models.EventRegistration) -> EventRegistration:
        return cls(
            id=registration.id,
            status=RegistrationStatus(registration.status.value),
            created_at=registration.created_at,
            checked_in_at=registration.checked_in_at,
            model=registration,
        )

    @classmethod
    def from_registered(cls, registered: queries.Registered) -> EventRegistration:
        """The registration read with its waitlist position (``queries.registrations_of``)."""
        made = cls.from_model(registered.registration)
        made.registered = registered
        return made

    @field(
        description="The 6-character code the host scans or types at the door, while a seat is "
        "held; only for the registered member (null for anyone else and on the waitlist)."
    )
    def check_in_code(self, info: Info[Context, Any]) -> str | None:
        viewer = info.context.member
        return self.check_in_code_for(viewer.id if viewer is not None else None)

    def check_in_code_for(self, viewer_id: int | None) -> str | None:
        """``checkInCode`` as ``viewer_id`` sees it: only the registered member's held seat."""
        held = self.model.status == models.RegistrationStatus.CONFIRMED
        if held and viewer_id is not None and viewer_id == self.model.member_id:
            return self.model.check_in_code
        return None

    @field(
        description="Place on the waitlist now (1 = next to get a seat); null when not waiting. "
        "An event's `viewerRegistration` has it read with the registration; elsewhere it costs "
        "one statement per registration."
    )
    async def waitlist_position(self) -> int | None:
        if self.registered is not None:
            return self.registered.waitlist_position
        return await queries.waitlist_position(self.model)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[EventRegistration | None]:
        """Only the viewer's own registrations; anyone else's look like none at all."""
        ids = [int(i) for i in node_ids]
        viewer = info.context.member
        found: dict[int, models.EventRegistration] = {}
        if viewer is not None:
            rows = await models.EventRegistration.filter(id__in=ids, member_id=viewer.id)
            found = {row.id: row for row in rows}
        return [cls.from_model(found[i]) if i in found else None for i in ids]


@dataclass(frozen=True)
class EventExtras:
    """What a page of events needs besides the rows, read in one statement each."""

    waitlists: dict[int, int]
    mine: dict[int, queries.Registered]
    joined: set[int]


async def extras_for(events: list[models.Event], viewer_id: int | None) -> EventExtras:
    ids = [event.id for event in events]
    group_ids = sorted({event.group_id for event in events if event.group_id is not None})
    if viewer_id is None:
        return EventExtras(await queries.waitlist_counts(ids), {}, set())
    return EventExtras(
        waitlists=await queries.waitlist_counts(ids),
        mine=await queries.registrations_of(viewer_id, ids),
        joined=await group_ids_joined(viewer_id, group_ids) if group_ids else set(),
    )


@strawberry.type(description="An offline event (线下活动): 咖啡品鉴会, 亲子烘焙课, 邻里市集 …")
class Event(relay.Node):
    id: relay.NodeID[int]
    title: str = strawberry.field(description="The event's title.")
    description: str = strawberry.field(description="What happens there, in plain text.")
    location: str = strawberry.field(description="Where it takes place.")
    starts_at: datetime = strawberry.field(description="When it starts.")
    ends_at: datetime = strawberry.field(description="When it ends.")
    capacity: int = strawberry.field(description="Seats in all.")
    seats_left: int = strawberry.field(description="Seats still free; 0 means new ones wait.")
    waitlist_count: int = strawberry.field(description="Members waiting for a seat.")
    group: InterestGroup | None = strawberry.field(
        description="The interest group that runs it; null for a programme-wide event."
    )
    viewer_registration: EventRegistration | None = strawberry.field(
        description="The viewer's registration (any status); null when signed out or never "
        "registered."
    )
    cancelled: bool = strawberry.field(
        description="Cancelled by its hosts or the operators: every seat and waitlist place was "
        "cancelled, no new registrations (`seatsLeft` is 0)."
    )
    cancel_reason: str | None = strawberry.field(
        description="Why it was cancelled, as its hosts wrote it; null unless `cancelled`."
    )
    model: strawberry.Private[models.Event]

    @classmethod
    def from_model(cls, event: models.Event, extras: EventExtras) -> Event:
        """``event`` with its group and the group's host fetched."""
        group = event.group
        mine = extras.mine.get(event.id)
        return cls(
            id=event.id,
            title=event.title,
            description=event.description,
            location=event.location,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            capacity=event.capacity,
            seats_left=event.seats_left,
            waitlist_count=extras.waitlists.get(event.id, 0),
            group=InterestGroup.from_model(group, group.id in extras.joined) if group else None,
            viewer_registration=EventRegistration.from_registered(mine) if mine else None,
            cancelled=event.cancelled_at is not None,
            cancel_reason=event.cancel_reason,
            model=event,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[Event | None]:
        ids = [int(i) for i in node_ids]
        rows = await models.Event.filter(id__in=ids).select_related("group__host")
        viewer = info.context.member
        extras = await extras_for(rows, viewer.id if viewer else None)
        found = {row.id: row for row in rows}
        return [cls.from_model(found[i], extras) if i in found else None for i in ids]


async def event_for(info: Info[Context, Any], event_id: int) -> Event:
    """One event as the viewer sees it now (after a mutation)."""
    event = await models.Event.get(id=event_id).select_related("group__host")
    viewer = info.context.member
    return Event.from_model(event, await extras_for([event], viewer.id if viewer else None))


@strawberry.type(description="Events that have not ended yet, soonest first.")
class EventConnection(relay.Connection[Event]):
    pass


@strawberry.type(description="Registered: a seat with a check-in code, or a waitlist place.")
class RegisterForEventSuccess:
    registration: EventRegistration = strawberry.field(description="The viewer's registration.")
    event: Event = strawberry.field(description="The event with its seats and waitlist now.")


@strawberry.type(
    description="Cancelled; a freed seat went to the first member on the waitlist at once."
)
class CancelEventRegistrationSuccess:
    registration: EventRegistration = strawberry.field(description="The cancelled registration.")
    event: Event = strawberry.field(description="The event with its seats and waitlist now.")


@strawberry.type(description="The event is published and open for registration.")
class CreateEventSuccess:
    event: Event = strawberry.field(description="The new event.")


@strawberry.type(description="Checked in: the attendee got their attendance points.")
class CheckInAttendeeSuccess:
    registration: EventRegistration = strawberry.field(
        description="The registration, now `CHECKED_IN`."
    )


@strawberry.type(description="The event was changed; a capacity raise seated the waitlist.")
class UpdateEventSuccess:
    event: Event = strawberry.field(description="The event as it is now.")


@strawberry.type(
    description="The event is cancelled: every seat and waitlist place was cancelled (cancelling "
    "again changes nothing)."
)
class CancelEventSuccess:
    event: Event = strawberry.field(description="The cancelled event.")
    registrations_cancelled: int = strawberry.field(
        description="Registrations this cancellation ended (0 when it was cancelled already)."
    )
