"""Offline events on a real database: seats, the waitlist, cancel-and-promote, check-in with
points once, no-shows, and who may run events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from domain.events import queries, rules, services
from domain.events.errors import (
    AlreadyRegisteredError,
    AttendeeAlreadyCheckedInError,
    CheckInClosedError,
    NotCancellableError,
    NotCheckableError,
    RegistrationClosedError,
)
from domain.events.models import Event, EventRegistration, RegistrationStatus
from domain.identity.models import Role
from domain.jobs import run_due_jobs
from domain.points.models import LedgerEntry, LedgerReason, PointsAccount
from domain.points.reconcile import reconcile
from tests.domain.events_helpers import make_event, make_group, make_host, seats_consistent
from tests.factories import make_member

Status = RegistrationStatus


def new_event(group_id: int | None, now: datetime, **changes: object) -> services.NewEvent:
    values: dict[str, object] = {
        "title": "亲子烘焙课",
        "description": "和孩子一起做司康",
        "location": "社区活动室",
        "starts_at": now + timedelta(days=2),
        "ends_at": now + timedelta(days=2, hours=2),
        "capacity": 12,
        "group_id": group_id,
    }
    values.update(changes)
    return services.NewEvent(**values)  # type: ignore[arg-type]


async def test_seats_go_first_then_the_waitlist_in_order_and_one_place_per_member(
    collaborators: Collaborators,
) -> None:
    event = await make_event(collaborators, None, capacity=2)
    members = [await make_member() for _ in range(4)]
    regs = [await services.register_for_event(collaborators, m, event.id) for m in members]
    assert [r.status for r in regs] == [Status.CONFIRMED] * 2 + [Status.WAITLISTED] * 2
    assert [r.waitlist_position for r in regs[2:]] == [1, 2]
    codes = [r.check_in_code for r in regs[:2]]
    assert all(c and len(c) == 6 and not set(c) & set("0O1I") for c in codes)
    assert regs[2].check_in_code is None
    with pytest.raises(AlreadyRegisteredError):
        await services.register_for_event(collaborators, members[0], event.id)
    with pytest.raises(AlreadyRegisteredError):
        await services.register_for_event(collaborators, members[3], event.id)
    assert await seats_consistent(event.id) == (2, 2, 2)
    assert await EventRegistration.all().count() == 4
    assert await queries.waitlist_counts([event.id]) == {event.id: 2}
    assert await queries.waitlist_position(regs[3]) == 2


async def test_cancelling_a_seat_promotes_the_first_waitlisted_with_a_code(
    collaborators: Collaborators,
) -> None:
    event = await make_event(collaborators, None, capacity=1)
    first, second, third = [await make_member() for _ in range(3)]
    seat = await services.register_for_event(collaborators, first, event.id)
    await services.register_for_event(collaborators, second, event.id)
    waiting = await services.register_for_event(collaborators, third, event.id)
    cancelled = await services.cancel_registration(collaborators, first, seat.id)
    assert cancelled.status == Status.CANCELLED
    promoted = await EventRegistration.get(event_id=event.id, member_id=second.id)
    assert promoted.status == Status.CONFIRMED and promoted.check_in_code
    assert await queries.waitlist_position(await EventRegistration.get(id=waiting.id)) == 1
    assert await seats_consistent(event.id) == (1, 1, 1)
    with pytest.raises(NotCancellableError):
        await services.cancel_registration(collaborators, first, seat.id)
    with pytest.raises(NotFoundError):
        await services.cancel_registration(collaborators, third, seat.id)


async def test_a_waitlisted_cancel_frees_no_seat_and_an_empty_waitlist_frees_the_seat(
    collaborators: Collaborators,
) -> None:
    event = await make_event(collaborators, None, capacity=1)
    first, second = await make_member(), await make_member()
    seat = await services.register_for_event(collaborators, first, event.id)
    waiting = await services.register_for_event(collaborators, second, event.id)
    await services.cancel_registration(collaborators, second, waiting.id)
    assert await seats_consistent(event.id) == (1, 1, 1)
    await services.cancel_registration(collaborators, first, seat.id)
    assert await seats_consistent(event.id) == (0, 0, 1)
    again = await services.register_for_event(collaborators, first, event.id)
    assert (again.id, again.status) == (seat.id, Status.CONFIRMED)
    assert await seats_consistent(event.id) == (1, 1, 1)


async def test_registration_and_cancelling_close_at_the_start(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    event = await make_event(collaborators, None, starts_in=timedelta(hours=1))
    member = await make_member()
    seat = await services.register_for_event(collaborators, member, event.id)
    clock.advance(hours=1)
    with pytest.raises(RegistrationClosedError):
        await services.register_for_event(collaborators, await make_member(), event.id)
    with pytest.raises(NotCancellableError):
        await services.cancel_registration(collaborators, member, seat.id)
    with pytest.raises(NotFoundError):
        await services.register_for_event(collaborators, member, 9999)


async def test_check_in_awards_twenty_points_once_through_the_ledger(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    host = await make_host()
    event = await make_event(collaborators, await make_group(host), starts_in=timedelta(hours=1))
    member = await make_member()
    seat = await services.register_for_event(collaborators, member, event.id)
    with pytest.raises(CheckInClosedError):  # more than two hours before the start
        clock.advance(hours=-2)
        await services.check_in_attendee(collaborators, host, seat.check_in_code or "")
    clock.advance(hours=2, minutes=30)
    done = await services.check_in_attendee(
        collaborators, host, f" {(seat.check_in_code or '').lower()} "
    )
    assert done.status == Status.CHECKED_IN and done.checked_in_by_id == host.id
    with pytest.raises(AttendeeAlreadyCheckedInError):
        await services.check_in_attendee(collaborators, host, seat.check_in_code or "")
    with pytest.raises(NotFoundError):
        await services.check_in_attendee(collaborators, host, "ZZZZZZ")
    entries = await LedgerEntry.filter(member_id=member.id, reason=LedgerReason.EVENT_ATTENDED)
    assert [e.amount for e in entries] == [20]
    assert (await PointsAccount.get(member_id=member.id)).balance == 20
    assert (await reconcile()).clean


async def test_only_confirmed_registrations_can_check_in(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    event = await make_event(collaborators, None, capacity=1, starts_in=timedelta(hours=3))
    member = await make_member()
    seat = await services.register_for_event(collaborators, member, event.id)
    await services.cancel_registration(collaborators, member, seat.id)
    clock.advance(hours=2)
    with pytest.raises(NotCheckableError):
        await services.check_in_attendee(collaborators, admin, seat.check_in_code or "")
    assert not await LedgerEntry.filter(member_id=member.id).exists()


async def test_no_shows_are_the_unchecked_seats_of_ended_events_only_and_run_twice_is_harmless(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    host = await make_host()
    group = await make_group(host)
    ended = await make_event(collaborators, group, capacity=3, starts_in=timedelta(hours=1))
    later = await make_event(collaborators, group, capacity=3, starts_in=timedelta(days=5))
    came, missed, waiting, cancelled = [await make_member() for _ in range(4)]
    seat = await services.register_for_event(collaborators, came, ended.id)
    await services.register_for_event(collaborators, missed, ended.id)
    gone = await services.register_for_event(collaborators, cancelled, ended.id)
    await services.cancel_registration(collaborators, cancelled, gone.id)
    await Event.filter(id=ended.id).update(capacity=2)
    await services.register_for_event(collaborators, waiting, ended.id)
    await services.register_for_event(collaborators, waiting, later.id)
    clock.advance(hours=1, minutes=30)
    await services.check_in_attendee(collaborators, host, seat.check_in_code or "")
    clock.advance(hours=2)
    first = await run_due_jobs(collaborators, clock.now())
    second = await run_due_jobs(collaborators, clock.now())
    assert (first["event_no_shows"], second["event_no_shows"]) == (1, 0)
    statuses = {(r.event_id, r.member_id): r.status for r in await EventRegistration.all()}
    assert statuses == {
        (ended.id, came.id): Status.CHECKED_IN,
        (ended.id, missed.id): Status.NO_SHOW,
        (ended.id, cancelled.id): Status.CANCELLED,
        (ended.id, waiting.id): Status.WAITLISTED,
        (later.id, waiting.id): Status.CONFIRMED,
    }
    assert await seats_consistent(ended.id) == (2, 2, 2)


async def test_hosts_run_events_of_their_own_groups_only_and_residents_none(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    host, other_host = await make_host(), await make_host("王叔")
    resident = await make_member()
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    mine = await make_group(host)
    theirs = await make_group(other_host, "家常菜研究所", "home-cooking")
    now = clock.now()
    created = await services.create_event(collaborators, host, new_event(mine.id, now))
    assert (created.group_id, created.created_by_id, created.seats_taken) == (mine.id, host.id, 0)
    for actor, group_id in ((host, theirs.id), (host, None), (resident, mine.id)):
        with pytest.raises(PermissionDeniedError):
            await services.create_event(collaborators, actor, new_event(group_id, now))
    await services.create_event(collaborators, admin, new_event(theirs.id, now))
    await services.create_event(collaborators, admin, new_event(None, now))
    assert await Event.all().count() == 3

    event = await make_event(collaborators, theirs, starts_in=timedelta(hours=1))
    member = await make_member()
    seat = await services.register_for_event(collaborators, member, event.id)
    with pytest.raises(NotFoundError):  # another group's code looks like an unknown one
        await services.check_in_attendee(collaborators, host, seat.check_in_code or "")
    with pytest.raises(PermissionDeniedError):
        await services.check_in_attendee(collaborators, resident, seat.check_in_code or "")
    assert (await EventRegistration.get(id=seat.id)).status == Status.CONFIRMED
    await services.check_in_attendee(collaborators, admin, seat.check_in_code or "")
    assert (await PointsAccount.get(member_id=member.id)).balance == 20


async def test_event_input_is_checked_and_nothing_is_created(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    now = clock.now()
    bad = new_event(
        None,
        now,
        title="x",
        description=" ",
        location="",
        starts_at=now - timedelta(hours=1),
        ends_at=now - timedelta(hours=2),
        capacity=0,
    )
    with pytest.raises(InvalidInputError) as refused:
        await services.create_event(collaborators, admin, bad)
    fields = {e.field for e in refused.value.field_errors}
    assert fields == {"title", "description", "location", "startsAt", "endsAt", "capacity"}
    with pytest.raises(InvalidInputError) as no_group:
        await services.create_event(collaborators, admin, new_event(999, now))
    assert [e.field for e in no_group.value.field_errors] == ["groupId"]
    naive = new_event(
        None, now, starts_at=datetime(2026, 12, 1, 10), ends_at=datetime(2026, 12, 1, 12)
    )
    with pytest.raises(InvalidInputError):
        await services.create_event(collaborators, admin, naive)
    assert not await Event.all().exists()


def test_check_in_codes_are_six_unambiguous_characters_and_normalise() -> None:
    codes = {rules.new_check_in_code() for _ in range(300)}
    assert all(len(code) == 6 and not set(code) & set("0O1I") for code in codes)
    assert rules.normalise_code(" ab c2 \n") == "ABC2"
    start = datetime(2026, 12, 1, 2, tzinfo=UTC)
    assert not rules.check_in_open(start, start + timedelta(hours=2), start - timedelta(hours=3))
    assert rules.check_in_open(start, start + timedelta(hours=2), start - timedelta(hours=2))
    assert not rules.check_in_open(start, start + timedelta(hours=2), start + timedelta(hours=2))


async def test_the_upcoming_page_is_what_the_query_builder_reads_with_groups_and_hosts(
    collaborators: Collaborators,
) -> None:
    """``upcoming_events_page`` is one written statement: the same events, order and models
    as ``Event.filter(ends_at__gt=now).select_related("group__host")`` keyset-paged by
    (starts_at, id) — an event ending exactly now left out, ties on the start broken by id,
    a programme-wide event without a group — for every cursor and page size."""
    from tortoise.expressions import Q

    from tests.sqlcount import count_sql

    now = collaborators.clock.now()
    host = await make_host("阿哲")
    other = await make_host("小林")
    coffee = await make_group(host)
    baking = await make_group(other, name="亲子烘焙", slug="baking")
    for group, starts_in, hours in [
        (coffee, timedelta(days=2), 2),
        (None, timedelta(days=1), 2),
        (baking, timedelta(days=1), 3),  # the same start: the id decides
        (coffee, timedelta(hours=-2), 2),  # ends exactly now
        (baking, timedelta(hours=-1), 2),  # on now
        (None, timedelta(days=-3), 2),  # over
        (coffee, timedelta(days=1), 1),
    ]:
        await make_event(collaborators, group, starts_in=starts_in, hours=hours)

    async def reference(after: tuple[datetime, int] | None, first: int) -> list[Event]:
        query = Event.filter(ends_at__gt=now)
        if after is not None:
            at, event_id = after
            query = query.filter(Q(starts_at__gt=at) | Q(starts_at=at, id__gt=event_id))
        return (
            await query.order_by("starts_at", "id").limit(first + 1).select_related("group__host")
        )

    def seen(events: list[Event]) -> list[tuple[object, ...]]:
        return [
            (
                e.id,
                e.title,
                e.starts_at,
                e.ends_at,
                e.group.name if e.group else None,
                e.group.host.display_name if e.group else None,
            )
            for e in events
        ]

    with count_sql() as statements:
        whole = await queries.upcoming_events_page(now, None, 50)
        assert {e.group.host.display_name for e in whole if e.group} == {"阿哲", "小林"}
    assert len(statements) == 1, statements
    assert len(whole) == 5
    assert seen(whole) == seen(await reference(None, 50))
    keys: list[tuple[datetime, int] | None] = [None, *((e.starts_at, e.id) for e in whole)]
    for key in keys:
        for first in (1, 2, 10):
            page = await queries.upcoming_events_page(now, key, first)
            assert seen(page) == seen(await reference(key, first)), (key, first)


async def test_a_pages_waitlists_and_the_viewers_registrations_are_read_for_exactly_its_events(
    collaborators: Collaborators,
) -> None:
    """The event list's extras are one written statement each: the waitlist count of every
    asked event (events nobody waits for left out, other events' waiters not counted) and the
    viewer's own registration per asked event, whatever its status, with its waitlist position
    — a neighbour's, or one at an event not asked for, left out."""
    from tests.sqlcount import count_sql

    full = await make_event(collaborators, None, capacity=1, title="满员")
    busy = await make_event(collaborators, None, capacity=1, title="也满员")
    open_ = await make_event(collaborators, None, capacity=5, title="有空位")
    elsewhere = await make_event(collaborators, None, capacity=1, title="不在这一页")
    viewer, *others = [await make_member() for _ in range(4)]
    for event, who in [
        (full, [others[0], viewer, others[1]]),  # the viewer waits, first in line
        (busy, [viewer, others[0], others[1], others[2]]),  # the viewer has the seat
        (open_, [others[0]]),
        (elsewhere, [others[0], others[1], viewer]),
    ]:
        for member in who:
            await services.register_for_event(collaborators, member, event.id)
    cancelled = await services.register_for_event(collaborators, viewer, open_.id)
    await services.cancel_registration(collaborators, viewer, cancelled.id)
    asked = [full.id, busy.id, open_.id]

    with count_sql() as statements:
        waiting = await queries.waitlist_counts(asked)
        registered = await queries.registrations_of(viewer.id, asked)
    assert len(statements) == 2, statements
    assert waiting == {full.id: 2, busy.id: 3}
    assert positions(registered) == {full.id: 1, busy.id: None, open_.id: None}
    mine = {event_id: found.registration for event_id, found in registered.items()}
    assert {event_id: r.status for event_id, r in mine.items()} == {
        full.id: Status.WAITLISTED,
        busy.id: Status.CONFIRMED,
        open_.id: Status.CANCELLED,
    }
    reference = await EventRegistration.filter(member_id=viewer.id, event_id__in=asked)

    def seen(r: EventRegistration) -> tuple[object, ...]:
        return (
            r.event_id,
            r.status,
            r.check_in_code,
            r.waitlist_position,
            r.created_at,
            r.confirmed_at,
            r.cancelled_at,
        )

    assert {r.id: seen(r) for r in reference} == {r.id: seen(r) for r in mine.values()}
    for r in mine.values():  # built as a read builds them: an enum and aware datetimes
        assert isinstance(r.status, RegistrationStatus) and r.created_at.tzinfo is not None
    assert mine[busy.id].check_in_code and mine[full.id].waitlist_position == 1
    assert await queries.waitlist_counts([open_.id]) == {}
    assert await queries.registrations_of(others[2].id, [full.id, open_.id]) == {}
    with count_sql() as none:
        assert await queries.waitlist_counts([]) == {}
        assert await queries.registrations_of(viewer.id, []) == {}
    assert none == []


async def test_the_viewers_registrations_carry_their_live_waitlist_positions(
    collaborators: Collaborators,
) -> None:
    """Read with the registrations, each waiting member's position is the count of those still
    waiting ahead at the same event, plus one: a cancellation ahead moves it up, waiters at
    another event do not count, a seat has none."""
    crowded = await make_event(collaborators, None, capacity=1, title="人气烘焙课")
    quiet = await make_event(collaborators, None, capacity=1, title="咖啡品鉴会")
    seated, first, second, viewer = [await make_member() for _ in range(4)]
    for member in (seated, first, second, viewer):
        await services.register_for_event(collaborators, member, crowded.id)
    for member in (second, first):
        await services.register_for_event(collaborators, member, quiet.id)
    asked = [crowded.id, quiet.id]

    async def positions_of(member_id: int) -> dict[int, int | None]:
        return positions(await queries.registrations_of(member_id, asked))

    assert await positions_of(viewer.id) == {crowded.id: 3}
    assert await positions_of(first.id) == {crowded.id: 1, quiet.id: 1}
    assert await positions_of(second.id) == {crowded.id: 2, quiet.id: None}
    assert await positions_of(seated.id) == {crowded.id: None}
    ahead = (await queries.registrations_of(first.id, [crowded.id]))[crowded.id].registration
    await services.cancel_registration(collaborators, first, ahead.id)
    assert await positions_of(viewer.id) == {crowded.id: 2}
    assert await positions_of(first.id) == {crowded.id: None, quiet.id: 1}


def positions(registered: dict[int, queries.Registered]) -> dict[int, int | None]:
    """Each event's waitlist position as ``registrations_of`` read it."""
    return {event_id: found.waitlist_position for event_id, found in registered.items()}
