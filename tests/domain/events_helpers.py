"""Shared setup for events tests."""

from __future__ import annotations

from datetime import timedelta

from domain.collaborators import Collaborators
from domain.events.models import Event, EventRegistration, RegistrationStatus
from domain.groups.models import GroupHost, InterestGroup
from domain.identity.models import Member, Role
from tests.factories import make_member


async def make_host(name: str = "阿哲") -> Member:
    return await make_member(display_name=name, roles=(Role.RESIDENT, Role.HOST))


async def make_group(
    host: Member, name: str = "手冲咖啡", slug: str = "pour-over"
) -> InterestGroup:
    group = await InterestGroup.create(
        name=name, slug=slug, description="一起喝咖啡", host=host, created_at=host.created_at
    )
    await GroupHost.create(group=group, member=host, appointed_at=group.created_at)
    return group


async def make_event(
    c: Collaborators,
    group: InterestGroup | None,
    *,
    capacity: int = 20,
    starts_in: timedelta = timedelta(days=3),
    hours: int = 2,
    title: str = "咖啡品鉴会",
) -> Event:
    starts_at = c.clock.now() + starts_in
    creator_id = group.host_id if group else (await make_member()).id
    return await Event.create(
        title=title,
        description="三款单一产地豆盲品",
        group=group,
        created_by_id=creator_id,
        location="翠湖花园社区活动室",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        capacity=capacity,
        created_at=c.clock.now(),
    )


async def seats_consistent(event_id: int) -> tuple[int, int, int]:
    """(seats_taken, seated registrations, capacity) as the database has them now."""
    event = await Event.get(id=event_id)
    seated = await EventRegistration.filter(
        event_id=event_id,
        status__in=[
            RegistrationStatus.CONFIRMED,
            RegistrationStatus.CHECKED_IN,
            RegistrationStatus.NO_SHOW,
        ],
    ).count()
    return event.seats_taken, seated, event.capacity
