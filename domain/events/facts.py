"""Facts of the events area, announced after commit (see domain.facts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.facts import Fact


@dataclass(frozen=True)
class WaitlistPromoted(Fact):
    """A waitlisted member was given a freed seat, with the check-in code they will show."""

    registration_id: int
    event_id: int
    member_id: int
    check_in_code: str


@dataclass(frozen=True)
class EventStartingSoon(Fact):
    """An event starts within ``window`` ("24h" or "2h"); ``member_ids`` hold confirmed seats.
    Heard on every run that finds it: its listener tells each member once per window."""

    event_id: int
    title: str
    starts_at: datetime
    window: str
    member_ids: tuple[int, ...]


@dataclass(frozen=True)
class EventCancelled(Fact):
    """An event was cancelled; ``member_ids`` held a seat or a waitlist place it ended."""

    event_id: int
    title: str
    reason: str
    member_ids: tuple[int, ...]


@dataclass(frozen=True)
class AttendeeCheckedIn(Fact):
    event_id: int
    member_id: int
