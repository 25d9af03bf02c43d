"""Event reads shared by GraphQL and the portal. A page of events costs three statements whatever
its size: the events with their groups, the page's waitlist counts, the viewer's registrations."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import cache
from typing import Any

from tortoise.functions import Count

from domain.events.models import Event, EventRegistration, RegistrationStatus
from domain.groups.models import InterestGroup
from domain.groups.policies import in_groups_hosted_by
from domain.identity.models import Member
from domain.written import aliased_columns, built_as, db_value, mark, rows

EventKey = tuple[datetime, int]  # (starts_at, id): the keyset the list is ordered by


async def upcoming_events_page(now: datetime, after: EventKey | None, first: int) -> list[Event]:
    """Events that have not ended, soonest first, with their groups and the groups' hosts;
    ``first + 1`` rows."""
    params = [db_value(Event, "ends_at", now), first + 1]
    if after is not None:
        starts_at, event_id = after
        params += [db_value(Event, "starts_at", starts_at), event_id]
    found = await rows(_upcoming_sql(mark(), after is not None), params)
    return [_with_group(row) for row in found]


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


def _with_group(row: dict[str, Any]) -> Event:
    """The event with its group (None for a programme-wide one) and the group's host, as
    ``select_related("group__host")`` builds them."""
    event = built_as(Event, row, "e")
    if event is None:  # never: the event is the statement's FROM table
        raise LookupError(row)
    group = built_as(InterestGroup, row, "g")
    if group is not None:
        object.__setattr__(group, "_host", built_as(Member, row, "h"))
    object.__setattr__(event, "_group", group)
    return event


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
    if not event_ids:
        return {}
    rows = (
        await EventRegistration.filter(event_id__in=event_ids, status=RegistrationStatus.WAITLISTED)
        .group_by("event_id")
        .annotate(n=Count("id"))
        .values_list("event_id", "n")
    )
    return {int(event_id): int(n) for event_id, n in rows}


async def registrations_of(member_id: int, event_ids: list[int]) -> dict[int, EventRegistration]:
    """The member's registration per event (any status) for a page of events."""
    if not event_ids:
        return {}
    rows = await EventRegistration.filter(member_id=member_id, event_id__in=event_ids)
    return {row.event_id: row for row in rows}


async def waitlist_position(registration: EventRegistration) -> int | None:
    """Where a waitlisted member stands now (1 = next to get a seat); None when not waiting."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = await EventRegistration.filter(
        event_id=registration.event_id,
        status=RegistrationStatus.WAITLISTED,
        waitlist_position__lt=registration.waitlist_position,
    ).count()
    return ahead + 1


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
