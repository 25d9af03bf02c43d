"""Event reads shared by GraphQL and the portal. A page of events costs three statements whatever
its size: the events with their groups, the page's waitlist counts, the viewer's registrations
(each with where it stands on the waitlist)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from domain.events.models import Event, EventRegistration, RegistrationStatus
from domain.groups.models import InterestGroup
from domain.groups.policies import in_groups_hosted_by
from domain.identity.models import Member
from domain.written import (
    aliased_columns,
    built,
    built_with,
    columns,
    db_value,
    int_list,
    mark,
    one_of_ints,
    rows,
)

EventKey = tuple[datetime, int]  # (starts_at, id): the keyset the list is ordered by


async def upcoming_events_page(now: datetime, after: EventKey | None, first: int) -> list[Event]:
    """Events that have not ended, soonest first, with their groups and the groups' hosts;
    ``first + 1`` rows."""
    params = [db_value(Event, "ends_at", now), first + 1]
    if after is not None:
        starts_at, event_id = after
        params += [db_value(Event, "starts_at", starts_at), event_id]
    found = await rows(_upcoming_sql(mark(), after is not None), params)
    return [
        built_with(Event, row, "e", group=(InterestGroup, "g"), group__host=(Member, "h"))
        for row in found
    ]


@cache
def _upcoming_sql(p: str, after: bool) -> str:
    """What ``Event.filter(ends_at__gt=…).order_by("starts_at", "id").limit(…)
    .select_related("group__host")`` sends, written once: the event list of the portal and of
    the mini-program reads it on every visit."""
    later = (
        f' AND (e."starts_at" > {p}3 OR (e."starts_at" = {p}3 AND e."id" > {p}4))' if after else ""
    )
    return (
        f"SELECT {aliased_columns('e', Event)}, {aliased_columns('g', InterestGroup)}, "  # noqa: S608
        f"{aliased_columns('h', Member)} "
        f'FROM "{Event._meta.db_table}" e '
        f'LEFT JOIN "{InterestGroup._meta.db_table}" g ON g."id" = e."group_id" '
        f'LEFT JOIN "{Member._meta.db_table}" h ON h."id" = g."host_id" '
        f'WHERE e."ends_at" > {p}1{later} ORDER BY e."starts_at", e."id" LIMIT {p}2'
    )


async def past_events(now: datetime, limit: int) -> list[Event]:
    return (
        await Event.filter(ends_at__lte=now)
        .order_by("-starts_at", "-id")
        .limit(limit)
        .select_related("group")
    )


async def get_event(event_id: int) -> Event | None:
    return await Event.get_or_none(id=event_id).select_related("group")


async def waitlist_counts(event_ids: list[int]) -> dict[int, int]:
    """How many wait for a seat at each of a page of events (events nobody waits for are left
    out)."""
    if not event_ids:
        return {}
    p = mark()
    found = await rows(_waitlists_sql(p), [int_list(p, event_ids)])
    return {int(row["event_id"]): int(row["n"]) for row in found}


@cache
def _waitlists_sql(p: str) -> str:
    waitlisted = RegistrationStatus.WAITLISTED.value
    return (
        f'SELECT "event_id", COUNT(*) AS "n" FROM "{EventRegistration._meta.db_table}" '  # noqa: S608
        f'WHERE "event_id" {one_of_ints(p, 1)} AND "status" = \'{waitlisted}\' GROUP BY "event_id"'
    )


@dataclass(frozen=True)
class Registered:
    """A member's registration at an event, with where it stands on the waitlist now (1 = next
    to get a seat; None when not waiting): the list shows both, read in one statement."""

    registration: EventRegistration
    waitlist_position: int | None


async def registrations_of(member_id: int, event_ids: list[int]) -> dict[int, Registered]:
    """The member's registration per event (any status) for a page of events, each with its
    waitlist position (``waitlist_position``'s count, in the same statement)."""
    if not event_ids:
        return {}
    p = mark()
    found = await rows(_registrations_sql(p), [member_id, int_list(p, event_ids)])
    return {
        int(row["event_id"]): Registered(
            built(EventRegistration, row),
            None if row["waiting_ahead"] is None else int(row["waiting_ahead"]) + 1,
        )
        for row in found
    }


@cache
def _registrations_sql(p: str) -> str:
    table, waitlisted = EventRegistration._meta.db_table, RegistrationStatus.WAITLISTED.value
    ahead = (
        f'SELECT COUNT(*) FROM "{table}" o WHERE o."event_id" = r."event_id" '  # noqa: S608
        f'AND o."status" = \'{waitlisted}\' AND o."waitlist_position" < r."waitlist_position"'
    )
    return (
        f"SELECT {columns(EventRegistration)}, "  # noqa: S608
        f'CASE WHEN r."status" = \'{waitlisted}\' THEN ({ahead}) END AS "waiting_ahead" '
        f'FROM "{table}" r WHERE r."member_id" = {p}1 AND r."event_id" {one_of_ints(p, 2)}'
    )


async def waitlist_position(registration: EventRegistration) -> int | None:
    """Where a waitlisted member stands now (1 = next to get a seat); None when not waiting:
    ``registrations_of``'s count, for one registration."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    found = await registrations_of(registration.member_id, [registration.event_id])
    now = found.get(registration.event_id)
    return now.waitlist_position if now else None


async def attendees(event_id: int) -> list[EventRegistration]:
    """Everyone registered for the event with their members: seats first, then the waitlist."""
    rows = await EventRegistration.filter(event_id=event_id).select_related("member")
    order = {status: n for n, status in enumerate(RegistrationStatus)}
    return sorted(rows, key=lambda r: (order[r.status], r.waitlist_position or 0, r.id))


def attendance(rows: list[EventRegistration]) -> dict[str, int]:
    counted = Counter(row.status.value for row in rows)
    return {status.value: counted.get(status.value, 0) for status in RegistrationStatus}


async def events_run_by(member_id: int | None, limit: int) -> list[Event]:
    """The events a host runs (their groups'), or every event for ``None`` (admins): newest
    start first."""
    query = Event.all()
    if member_id is not None:
        query = query.filter(in_groups_hosted_by(member_id))
    return await query.order_by("-starts_at", "-id").limit(limit).select_related("group")


async def get_own_registration(registration_id: int, member_id: int) -> EventRegistration | None:
    """The member's registration; someone else's looks like a missing one."""
    return await EventRegistration.get_or_none(id=registration_id, member_id=member_id)


async def upcoming_registrations(
    member_id: int, now: datetime, limit: int
) -> list[EventRegistration]:
    """The member's seats and waitlist places at events not ended yet, soonest first, with their
    events (the 我的 page)."""
    return list(
        await EventRegistration.filter(
            member_id=member_id,
            status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
            event__ends_at__gt=now,
            event__cancelled_at__isnull=True,
        )
        .order_by("event__starts_at", "id")
        .limit(limit)
        .select_related("event")
    )
