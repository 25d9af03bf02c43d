"""Events' mutation root fields: registering and cancelling, check-in, and hosts' and admins'
events."""

from __future__ import annotations

import strawberry

from api.events.mutations.cancel_event import CancelEventResult, cancel_event
from api.events.mutations.cancel_event_registration import (
    CancelEventRegistrationResult,
    cancel_event_registration,
)
from api.events.mutations.check_in_attendee import CheckInAttendeeResult, check_in_attendee
from api.events.mutations.create_event import CreateEventResult, create_event
from api.events.mutations.register_for_event import RegisterForEventResult, register_for_event
from api.events.mutations.update_event import UpdateEventResult, update_event
from api.permissions import IsAuthenticated


@strawberry.type
class EventsMutation:
    register_for_event: RegisterForEventResult = strawberry.mutation(
        resolver=register_for_event,
        description="Register for an event: a seat (with a check-in code) while seats last, "
        "else the next place on the waitlist.",
        permission_classes=[IsAuthenticated],
    )
    cancel_event_registration: CancelEventRegistrationResult = strawberry.mutation(
        resolver=cancel_event_registration,
        description="Cancel the viewer's registration before the event starts; a freed seat "
        "goes to the first member on the waitlist at once.",
        permission_classes=[IsAuthenticated],
    )
    create_event: CreateEventResult = strawberry.mutation(
        resolver=create_event,
        description="Hosts (for the groups they host) and admins: publish an event. Anyone else "
        "gets a top-level FORBIDDEN error.",
    )
    check_in_attendee: CheckInAttendeeResult = strawberry.mutation(
        resolver=check_in_attendee,
        description="Hosts (of the event's group) and admins: check an attendee in by their code; "
        "attendance points are awarded once. Anyone else gets a top-level FORBIDDEN error.",
    )
    update_event: UpdateEventResult = strawberry.mutation(
        resolver=update_event,
        description="Hosts (of the event's group) and admins: change an event's details; a "
        "capacity raise seats the waitlist at once (audited). Anyone else gets a top-level "
        "FORBIDDEN error.",
    )
    cancel_event: CancelEventResult = strawberry.mutation(
        resolver=cancel_event,
        description="Hosts (of the event's group) and admins: cancel an event that has not ended: "
        "every confirmed and waitlisted registration is cancelled, no points are lost (audited; "
        "cancelling again changes nothing). Anyone else gets a top-level FORBIDDEN error.",
    )
