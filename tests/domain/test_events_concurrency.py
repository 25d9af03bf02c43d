"""Event races on PostgreSQL with separate connections: a hundred members for twenty seats, five
cancellations at once, one check-in racing itself, one member registering twice at once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from tortoise.connection import get_connection

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import DomainError
from domain.events import services
from domain.events.errors import AlreadyRegisteredError, AttendeeAlreadyCheckedInError
from domain.events.models import EventRegistration, RegistrationStatus
from domain.points.models import LedgerEntry, LedgerReason, PointsAccount
from domain.points.reconcile import reconcile
from tests.domain.events_helpers import make_event, make_group, make_host, seats_consistent
from tests.factories import make_member

pytestmark = pytest.mark.postgres_only

Status = RegistrationStatus


SNAPSHOT = """
SELECT e.seats_taken, e.capacity,
       (SELECT COUNT(*) FROM event_registration r
         WHERE r.event_id = e.id AND r.status IN ('CONFIRMED', 'CHECKED_IN', 'NO_SHOW')) AS seated
  FROM event e WHERE e.id = $1
"""


async def watch_seats(
    event_id: int, samples: list[tuple[int, int, int]], done: asyncio.Event
) -> None:
    """While the race runs, read the counter and the seated rows in one statement (one snapshot)
    on a connection of its own, again and again."""
    connection = get_connection("default")
    while not done.is_set():
        rows = await connection.execute_query_dict(SNAPSHOT, [event_id])
        row = rows[0]
        samples.append((row["seats_taken"], row["seated"], row["capacity"]))
        await asyncio.sleep(0)


async def race_watched(event_id: int, *work: Any) -> tuple[list[Any], list[tuple[int, int, int]]]:
    samples: list[tuple[int, int, int]] = []
    done = asyncio.Event()
    watcher = asyncio.create_task(watch_seats(event_id, samples, done))
    try:
        results = await asyncio.gather(*work, return_exceptions=True)
    finally:
        done.set()
        await watcher
    return list(results), samples


def unexpected(results: Sequence[object]) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, DomainError)]


async def test_a_hundred_members_racing_for_twenty_seats_then_five_cancels_promote_five(
    collaborators: Collaborators,
) -> None:
    event = await make_event(collaborators, None, capacity=20)
    members = [await make_member() for _ in range(100)]
    results, samples = await race_watched(
        event.id, *(services.register_for_event(collaborators, m, event.id) for m in members)
    )
    assert not unexpected(results), unexpected(results)[:3]
    # Never double-booked, at any moment seen: the counter is the seated rows, within capacity.
    assert len(samples) > 5
    print(f"\n100 registrations for 20 seats: {len(samples)} seat snapshots during the race")
    assert all(taken == seated <= capacity for taken, seated, capacity in samples), samples
    regs = [r for r in results if isinstance(r, EventRegistration)]
    assert sum(r.status == Status.CONFIRMED for r in regs) == 20
    assert sum(r.status == Status.WAITLISTED for r in regs) == 80
    assert await seats_consistent(event.id) == (20, 20, 20)
    # Arrival order: registrations were serialised on the event row, so the waitlist numbers
    # follow the order the rows were written in, 1..80 without gaps or duplicates.
    waiting = await EventRegistration.filter(event_id=event.id, status=Status.WAITLISTED).order_by(
        "id"
    )
    assert [r.waitlist_position for r in waiting] == list(range(1, 81))
    codes = await column(EventRegistration.filter(event_id=event.id), "check_in_code")
    assert len({c for c in codes if c}) == 20

    seated = await EventRegistration.filter(event_id=event.id, status=Status.CONFIRMED)
    leaving = seated[:5]
    by_id = {m.id: m for m in members}
    cancels, samples = await race_watched(
        event.id,
        *(services.cancel_registration(collaborators, by_id[r.member_id], r.id) for r in leaving),
    )
    assert all(taken == seated == capacity for taken, seated, capacity in samples), samples
    assert not unexpected(cancels), unexpected(cancels)[:3]
    assert all(isinstance(r, EventRegistration) and r.status == Status.CANCELLED for r in cancels)
    promoted = await column(
        EventRegistration.filter(
            event_id=event.id, status=Status.CONFIRMED, waitlist_position__isnull=False
        ),
        "waitlist_position",
    )
    assert sorted(promoted) == [1, 2, 3, 4, 5]
    still_waiting = await column(
        EventRegistration.filter(event_id=event.id, status=Status.WAITLISTED), "waitlist_position"
    )
    assert sorted(still_waiting) == list(range(6, 81))
    assert await seats_consistent(event.id) == (20, 20, 20)
    assert (
        await EventRegistration.filter(
            event_id=event.id, status=Status.CONFIRMED, check_in_code__isnull=True
        ).count()
        == 0
    )


async def test_registering_and_cancelling_at_once_never_double_book_a_seat(
    collaborators: Collaborators,
) -> None:
    """Seats freed while others register: after every round seats_taken is the seated count."""
    event = await make_event(collaborators, None, capacity=5)
    first = [await make_member() for _ in range(8)]
    regs = [await services.register_for_event(collaborators, m, event.id) for m in first]
    seated = [(m, r) for m, r in zip(first, regs, strict=True) if r.status == Status.CONFIRMED]
    newcomers = [await make_member() for _ in range(30)]
    results, samples = await race_watched(
        event.id,
        *(services.cancel_registration(collaborators, m, r.id) for m, r in seated[:3]),
        *(services.register_for_event(collaborators, m, event.id) for m in newcomers),
    )
    assert not unexpected(results), unexpected(results)[:3]
    assert all(taken == seated <= capacity for taken, seated, capacity in samples), samples
    taken, counted, capacity = await seats_consistent(event.id)
    assert taken == counted == capacity == 5
    positions = await column(
        EventRegistration.filter(event_id=event.id, waitlist_position__isnull=False),
        "waitlist_position",
    )
    assert sorted(positions) == list(range(1, len(positions) + 1))
    # The three promoted are the three longest waiting: numbers 1, 2 and 3.
    confirmed_positions = await column(
        EventRegistration.filter(
            event_id=event.id, status=Status.CONFIRMED, waitlist_position__isnull=False
        ),
        "waitlist_position",
    )
    assert sorted(confirmed_positions) == [1, 2, 3]


async def test_one_member_registering_ten_times_at_once_gets_one_place(
    collaborators: Collaborators,
) -> None:
    event = await make_event(collaborators, None, capacity=3)
    member = await make_member()
    results = await asyncio.gather(
        *(services.register_for_event(collaborators, member, event.id) for _ in range(10)),
        return_exceptions=True,
    )
    assert not unexpected(results), unexpected(results)[:3]
    assert sum(isinstance(r, EventRegistration) for r in results) == 1
    assert sum(isinstance(r, AlreadyRegisteredError) for r in results) == 9
    assert await seats_consistent(event.id) == (1, 1, 3)


async def test_twenty_concurrent_check_ins_of_one_code_award_once(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    host = await make_host()
    event = await make_event(collaborators, await make_group(host), starts_in=timedelta(hours=1))
    member = await make_member()
    seat = await services.register_for_event(collaborators, member, event.id)
    clock.advance(hours=1)
    results = await asyncio.gather(
        *(
            services.check_in_attendee(collaborators, host, seat.check_in_code or "")
            for _ in range(20)
        ),
        return_exceptions=True,
    )
    assert not unexpected(results), unexpected(results)[:3]
    assert sum(isinstance(r, EventRegistration) for r in results) == 1
    assert sum(isinstance(r, AttendeeAlreadyCheckedInError) for r in results) == 19
    assert await LedgerEntry.filter(reason=LedgerReason.EVENT_ATTENDED).count() == 1
    assert (await PointsAccount.get(member_id=member.id)).balance == 20
    assert (await EventRegistration.get(id=seat.id)).status == Status.CHECKED_IN
    assert (await reconcile()).clean
