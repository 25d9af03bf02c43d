"""Reminders before an event: 24 hours and 2 hours before its start, to the members holding a
seat. The due jobs run hourly and hear the same event on every run inside a window; the listener
tells each member once per window."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.collaborators import Collaborators
from domain.events.facts import EventStartingSoon
from domain.events.models import Event, EventRegistration, RegistrationStatus
from domain.facts import hear

# (name, reach): an event is in the narrowest window whose reach covers its start.
WINDOWS = (("2h", timedelta(hours=2)), ("24h", timedelta(hours=24)))


def window_of(starts_at: datetime, now: datetime) -> str | None:
    """The reminder window an event starting at ``starts_at`` is in at ``now`` (None: none)."""
    if starts_at <= now:
        return None
    return next((name for name, reach in WINDOWS if starts_at - now <= reach), None)


async def remind_starting_soon(c: Collaborators, now: datetime) -> int:
    """Hear every event starting within 24 hours with its confirmed members; returns how many
    events were heard."""
    horizon = now + WINDOWS[-1][1]
    events = await Event.filter(
        cancelled_at__isnull=True, starts_at__gt=now, starts_at__lte=horizon
    )
    if not events:
        return 0
    seats = await EventRegistration.filter(
        event_id__in=[e.id for e in events], status=RegistrationStatus.CONFIRMED
    ).values_list("event_id", "member_id")
    holders: dict[int, list[int]] = {}
    for event_id, member_id in seats:
        holders.setdefault(int(event_id), []).append(int(member_id))
    heard = 0
    for event in events:
        window = window_of(event.starts_at, now)
        if window is None or event.id not in holders:
            continue
        fact = EventStartingSoon(
            event.id, event.title, event.starts_at, window, tuple(holders[event.id])
        )
        await hear(c, fact)
        heard += 1
    return heard
