"""Event actions: create, register (a seat or the waitlist), cancel with automatic promotion,
check in by code (+20 points once), and recording no-shows after the end.

Seats are decided by one conditional UPDATE on the event row (``seats_taken < capacity``). Every
change to an event's seats and waitlist holds that row's lock until commit, so registrations,
cancellations and promotions of one event happen one after another in arrival order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from domain.aftercommit import atomic
from domain.audit import record_change, snapshot
from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import InvalidInputError, NotFoundError
from domain.events import rules
from domain.events.errors import (
    AlreadyRegisteredError,
    AttendeeAlreadyCheckedInError,
    CheckInClosedError,
    EventCancelledError,
    NotCancellableError,
    NotCheckableError,
    RegistrationClosedError,
)
from domain.events.facts import AttendeeCheckedIn, WaitlistPromoted
from domain.events.models import Event, EventRegistration, RegistrationStatus
from domain.events.policies import can_run_events, require_event_runner
from domain.facts import announce
from domain.groups.errors import GroupArchivedError
from domain.groups.models import InterestGroup
from domain.identity.errors import EstateUnverifiedError
from domain.identity.models import Member, Role
from domain.identity.policies import require_role
from domain.identity.suspensions import refuse_if_suspended
from domain.identity.verification import require_verified
from domain.points.services import award_points

CANCELLABLE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
# What an event's creation records in the audit log.
CREATED_FIELDS = (
    "title",
    "description",
    "location",
    "group_id",
    "starts_at",
    "ends_at",
    "capacity",
)


@dataclass(frozen=True)
class NewEvent:
    title: str
    description: str
    location: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    group_id: int | None = None


async def create_event(c: Collaborators, staff: Member, new: NewEvent) -> Event:
    """Hosts for the groups they host, admins for any group or for none."""
    require_role(staff, Role.HOST, Role.ADMIN)
    group = None
    if new.group_id is not None:
        group = await InterestGroup.get_or_none(id=new.group_id)
        if group is None:
            raise InvalidInputError.single("groupId", "小组不存在")
    await require_event_runner(staff, group)
    if group is not None and group.archived_at is not None:
        raise GroupArchivedError()
    now = c.clock.now()
    errors = rules.event_field_errors(
        new.title, new.description, new.location, new.starts_at, new.ends_at, new.capacity, now
    )
    if errors:
        raise InvalidInputError(errors)
    async with atomic():
        event = await Event.create(
            title=new.title.strip(),
            description=new.description.strip(),
            location=new.location.strip(),
            group=group,
            created_by=staff,
            starts_at=new.starts_at,
            ends_at=new.ends_at,
            capacity=new.capacity,
            created_at=now,
        )
        await record_change(
            actor_id=staff.id,
            action="EVENT_CREATED",
            target_type="EVENT",
            target_id=event.id,
            now=now,
            after=snapshot(event, CREATED_FIELDS),
        )
    return event


async def register_for_event(c: Collaborators, member: Member, event_id: int) -> EventRegistration:
    """A seat while seats last (CONFIRMED with a check-in code), else the next waitlist number."""
    now = c.clock.now()
    refuse_if_suspended(member, now)
    event = await Event.get_or_none(id=event_id)
    if event is None:
        raise NotFoundError("活动不存在")
    if event.cancelled_at is not None:
        raise EventCancelledError()
    if not rules.registration_open(event.starts_at, now):
        raise RegistrationClosedError()
    await _refuse_outside_estate(event, member)
    existing = await EventRegistration.get_or_none(event_id=event_id, member_id=member.id)
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        raise AlreadyRegisteredError()
    try:
        async with atomic():
            return await _take_place(event_id, member.id, existing, now)
    except IntegrityError:
        # A concurrent registration of the same member committed first (or, once in a billion,
        # a check-in code was drawn twice at the same moment): the member is registered, or not.
        if await EventRegistration.filter(
            event_id=event_id, member_id=member.id, status__not=RegistrationStatus.CANCELLED
        ).exists():
            raise AlreadyRegisteredError() from None
        raise


async def _refuse_outside_estate(event: Event, member: Member) -> None:
    """An estate-only group's event takes its estate's verified residents only."""
    if event.group_id is None:
        return
    estate_id = await column(InterestGroup.filter(id=event.group_id), "estate_id")
    if not estate_id or estate_id[0] is None:
        return
    if member.estate_id != estate_id[0]:
        raise EstateUnverifiedError("这个活动只对本小区已认证的居民开放")
    await require_verified(member, estate_id[0])


async def _take_place(
    event_id: int, member_id: int, cancelled: EventRegistration | None, now: datetime
) -> EventRegistration:
    seated = await _take_seat(event_id)
    if not seated:
        # Full (or cancelled) a moment ago: ask again holding the row, so a seat freed in between
        # is not missed and no waitlist place is handed out once the event is cancelled.
        locked = await Event.filter(id=event_id).select_for_update().get()
        if locked.cancelled_at is not None:
            raise EventCancelledError()
        seated = await _take_seat(event_id)
    values: dict[str, Any]
    if seated:
        code = await _unused_check_in_code()
        values = {
            "status": RegistrationStatus.CONFIRMED,
            "check_in_code": code,
            "confirmed_at": now,
            "waitlist_position": None,
        }
    else:
        # The event row is locked until commit: numbers are handed out one at a time.
        await Event.filter(id=event_id).update(waitlist_seq=F("waitlist_seq") + 1)
        position = (await Event.get(id=event_id)).waitlist_seq
        values = {"status": RegistrationStatus.WAITLISTED, "waitlist_position": position}
    if cancelled is None:
        return await EventRegistration.create(
            event_id=event_id, member_id=member_id, created_at=now, **values
        )
    # Coming back after a cancel: the same row, as a new arrival.
    reopened = await EventRegistration.filter(
        id=cancelled.id, status=RegistrationStatus.CANCELLED
    ).update(created_at=now, cancelled_at=None, **values)
    if not reopened:
        raise AlreadyRegisteredError()
    return await EventRegistration.get(id=cancelled.id)


async def _take_seat(event_id: int) -> int:
    return await Event.filter(
        id=event_id, seats_taken__lt=F("capacity"), cancelled_at__isnull=True
    ).update(seats_taken=F("seats_taken") + 1)


async def _unused_check_in_code() -> str:
    for _ in range(10):
        code = rules.new_check_in_code()
        if not await EventRegistration.filter(check_in_code=code).exists():
            return code
    raise RuntimeError("no free check-in code after 10 draws")


async def cancel_registration(
    c: Collaborators, member: Member, registration_id: int
) -> EventRegistration:
    """Before the start only. A freed seat goes to the first waitlisted member in the same
    transaction; the seat count drops only when nobody is waiting."""
    registration = await EventRegistration.get_or_none(id=registration_id, member_id=member.id)
    if registration is None:
        raise NotFoundError()
    now = c.clock.now()
    async with atomic():
        event = await Event.filter(id=registration.event_id).select_for_update().get()
        current = await EventRegistration.get(id=registration_id)
        if current.status not in CANCELLABLE or not rules.registration_open(event.starts_at, now):
            raise NotCancellableError()
        done = await EventRegistration.filter(id=registration_id, status=current.status).update(
            status=RegistrationStatus.CANCELLED, cancelled_at=now
        )
        if not done:
            raise NotCancellableError()
        if current.status == RegistrationStatus.CONFIRMED:
            await _give_seat_to_next(c, event.id, now)
    return await EventRegistration.get(id=registration_id)


async def _give_seat_to_next(c: Collaborators, event_id: int, now: datetime) -> None:
    """Under the event row's lock: promote the first waitlisted member, or free the seat."""
    next_up = await _first_waiting(event_id)
    if next_up is None:
        await Event.filter(id=event_id, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)
        return
    await _seat(c, next_up, now)


async def fill_free_seats(c: Collaborators, event_id: int, now: datetime) -> int:
    """Under the event row's lock (after a capacity raise): seat waitlisted members in arrival
    order while seats are free. How many were seated."""
    seated = 0
    while await _take_seat(event_id):
        next_up = await _first_waiting(event_id)
        if next_up is None:
            await Event.filter(id=event_id, seats_taken__gt=0).update(
                seats_taken=F("seats_taken") - 1
            )
            break
        await _seat(c, next_up, now)
        seated += 1
    return seated


async def _first_waiting(event_id: int) -> EventRegistration | None:
    return (
        await EventRegistration.filter(event_id=event_id, status=RegistrationStatus.WAITLISTED)
        .order_by("waitlist_position", "id")
        .select_for_update(skip_locked=True)
        .first()
    )


async def _seat(c: Collaborators, registration: EventRegistration, now: datetime) -> None:
    """A waitlisted member takes a seat: confirmed with a code, and told once this commits."""
    code = await _unused_check_in_code()
    await EventRegistration.filter(id=registration.id).update(
        status=RegistrationStatus.CONFIRMED, check_in_code=code, confirmed_at=now
    )
    promoted = WaitlistPromoted(
        registration.id, registration.event_id, registration.member_id, code
    )
    announce(c, promoted)


async def check_in_attendee(c: Collaborators, staff: Member, code: str) -> EventRegistration:
    """The host scans or types the code: CHECKED_IN and +20 points, exactly once. A code of an
    event the host does not run answers as an unknown one: no host learns which codes exist."""
    require_role(staff, Role.HOST, Role.ADMIN)
    if message := rules.check_in_code_error(code):
        raise InvalidInputError.single("checkInCode", message)
    registration = await EventRegistration.get_or_none(
        check_in_code=rules.normalise_code(code)
    ).select_related("event__group")
    if registration is None or not await can_run_events(staff, registration.event.group):
        raise NotFoundError("签到码不存在")
    event = registration.event
    now = c.clock.now()
    if not rules.check_in_open(event.starts_at, event.ends_at, now):
        raise CheckInClosedError()
    async with atomic():
        done = await EventRegistration.filter(
            id=registration.id, status=RegistrationStatus.CONFIRMED
        ).update(status=RegistrationStatus.CHECKED_IN, checked_in_at=now, checked_in_by_id=staff.id)
        if not done:
            status = (await EventRegistration.get(id=registration.id)).status
            if status == RegistrationStatus.CHECKED_IN:
                raise AttendeeAlreadyCheckedInError()
            raise NotCheckableError()
        await award_points(c, registration.member_id, "event_attended", f"event:{event.id}")
        announce(c, AttendeeCheckedIn(event_id=event.id, member_id=registration.member_id))
    return await EventRegistration.get(id=registration.id).select_related("event")


async def record_no_shows(now: datetime) -> int:
    """After an event ends, its confirmed but unchecked registrations become NO_SHOW. Touches
    only CONFIRMED rows, so running it again changes nothing."""
    ids = await column(
        EventRegistration.filter(status=RegistrationStatus.CONFIRMED, event__ends_at__lte=now), "id"
    )
    if not ids:
        return 0
    return await EventRegistration.filter(
        id__in=list(ids), status=RegistrationStatus.CONFIRMED
    ).update(status=RegistrationStatus.NO_SHOW)
