"""Demo events: past and upcoming 咖啡品鉴会, 亲子烘焙课, 邻里市集 … with registrations, a full
event with a waitlist and a promotion, past events with check-ins and no-shows. Everything goes
through the real services at the time it would have happened (a frozen clock per step), so the
attendance points are ledger entries and ``linli reconcile`` passes on the demo."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from demo.residents import DEMO_ADMIN_PHONE, DEMO_RESIDENT_PHONE
from domain.clock import SHANGHAI, FrozenClock
from domain.collaborators import Collaborators
from domain.columns import column
from domain.events import services
from domain.events.models import Event, EventRegistration, RegistrationStatus
from domain.groups.models import GroupMembership, InterestGroup
from domain.identity.models import Member


@dataclass(frozen=True)
class DemoEvent:
    title: str
    description: str
    group_slug: str | None  # None: a programme-wide event the operators run
    location: str
    days_from_now: int
    start_hour: int
    hours: int
    capacity: int
    registrations: int
    show_rate: float = 0.8  # past events: the share of seats that checked in


DEMO_EVENTS: tuple[DemoEvent, ...] = (
    DemoEvent(
        "春日邻里市集",
        "二手好物交换、手作摊位、隅田川咖啡快闪，带上闲置来换一换。",
        None,
        "翠湖花园中心广场",
        -220,
        10,
        4,
        40,
        36,
        0.85,
    ),
    DemoEvent(
        "咖啡品鉴会·埃塞俄比亚产区",
        "三款耶加雪菲与西达摩盲品，阿哲讲讲水洗和日晒的区别。",
        "pour-over",
        "隅田川咖啡小区店",
        -20,
        19,
        2,
        12,
        12,
        0.75,
    ),
    DemoEvent(
        "亲子烘焙课·南瓜司康",
        "一大一小一组，从揉面到出炉，带走一盒自己做的司康。",
        "kids-baking",
        "社区活动室",
        -9,
        14,
        2,
        10,
        12,
        0.8,
    ),
    DemoEvent(
        "阳台种菜·冬季育苗分享",
        "陈姐分享冬天在阳台育苗的保温小窍门，现场送种子包。",
        "balcony-garden",
        "3 号楼架空层",
        4,
        10,
        2,
        15,
        6,
    ),
    DemoEvent(
        "咖啡品鉴会·冷萃特饮",
        "冷萃、冰滴和氮气咖啡对比品尝，名额有限。",
        "pour-over",
        "隅田川咖啡小区店",
        3,
        19,
        2,
        8,
        13,
    ),
    DemoEvent(
        "亲子烘焙课·圣诞姜饼屋",
        "和孩子一起搭一座姜饼屋，材料都准备好了。",
        "kids-baking",
        "社区活动室",
        12,
        14,
        3,
        10,
        6,
    ),
    DemoEvent(
        "冬日邻里市集",
        "年货、手作和旧物交换，还有热红酒和现烤面包。",
        None,
        "翠湖花园中心广场",
        20,
        10,
        5,
        60,
        18,
    ),
)


def _at(c: Collaborators, moment: datetime) -> Collaborators:
    return replace(c, clock=FrozenClock(moment))


def _start(now: datetime, spec: DemoEvent) -> datetime:
    day = (now.astimezone(SHANGHAI) + timedelta(days=spec.days_from_now)).date()
    return datetime.combine(day, time(spec.start_hour), SHANGHAI)


async def _people(
    rng: random.Random, group: InterestGroup | None, before: datetime
) -> list[Member]:
    """Group members first (then other neighbours), all of whom had joined by ``before``."""
    query = Member.filter(created_at__lt=before).order_by("id")
    everyone = [m for m in await query if not m.phone or m.phone != DEMO_ADMIN_PHONE]
    if group is None:
        rng.shuffle(everyone)
        return sorted(everyone, key=lambda m: not _around(m, before))
    in_group = set(await column(GroupMembership.filter(group_id=group.id), "member_id"))
    members = [m for m in everyone if m.id in in_group and m.id != group.host_id]
    others = [m for m in everyone if m.id not in in_group and m.id != group.host_id]
    rng.shuffle(members)
    rng.shuffle(others)
    # Those still opening the app when the event was announced register first.
    return sorted(members, key=lambda m: not _around(m, before)) + sorted(
        others, key=lambda m: not _around(m, before)
    )


def _around(member: Member, at: datetime) -> bool:
    return member.last_seen_at is None or member.last_seen_at >= at


async def _create(c: Collaborators, spec: DemoEvent, admin: Member) -> Event:
    group = await InterestGroup.get(slug=spec.group_slug) if spec.group_slug else None
    starts_at = _start(c.clock.now(), spec)
    return await Event.create(
        title=spec.title,
        description=spec.description,
        location=spec.location,
        group=group,
        created_by_id=group.host_id if group else admin.id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=spec.hours),
        capacity=spec.capacity,
        created_at=min(starts_at - timedelta(days=14), c.clock.now() - timedelta(days=2)),
    )


async def _register(
    c: Collaborators, rng: random.Random, event: Event, spec: DemoEvent, resident: Member | None
) -> list[EventRegistration]:
    """One registration an hour from the day the event was announced, in arrival order. The demo
    resident 小王 gets a seat at the gingerbread class and arrives too late for the cold brew."""
    group = await InterestGroup.get(id=event.group_id) if event.group_id else None
    people = await _people(rng, group, event.created_at)
    chosen = [m for m in people if resident is None or m.id != resident.id][: spec.registrations]
    if resident is not None and spec.title.endswith("姜饼屋"):
        chosen = [resident, *chosen[:-1]]
    if resident is not None and spec.title.endswith("冷萃特饮"):
        chosen = [*chosen[:-1], resident]
    registrations = []
    for n, member in enumerate(chosen):
        moment = event.created_at + timedelta(hours=1 + n)
        registrations.append(await services.register_for_event(_at(c, moment), member, event.id))
    return registrations


async def seed_events_demo(c: Collaborators, seed: int = 20261121) -> dict[str, int]:
    """Runs after the members and groups exist; returns what it made."""
    rng = random.Random(seed)  # noqa: S311 -- demo data, not security
    admin = await Member.get(phone=DEMO_ADMIN_PHONE)
    resident = await Member.get_or_none(phone=DEMO_RESIDENT_PHONE)
    made = {"events": 0, "registrations": 0, "checked_in": 0, "no_shows": 0, "promoted": 0}
    for spec in DEMO_EVENTS:
        event = await _create(c, spec, admin)
        registrations = await _register(c, rng, event, spec, resident)
        made["events"] += 1
        made["registrations"] += len(registrations)
        if spec.days_from_now > 0 and spec.registrations > spec.capacity:
            made["promoted"] += await _one_cancels(c, event, registrations)
        if spec.days_from_now < 0:
            await _hold(c, rng, event, spec, made)
    return made


async def _one_cancels(
    c: Collaborators, event: Event, registrations: list[EventRegistration]
) -> int:
    """On the full event a seat holder cancels: the first on the waitlist moves up."""
    seat = next(r for r in registrations if r.status == RegistrationStatus.CONFIRMED)
    member = await Member.get(id=seat.member_id)
    moment = c.clock.now() - timedelta(hours=2)
    await services.cancel_registration(_at(c, moment), member, seat.id)
    return 1


async def _hold(
    c: Collaborators, rng: random.Random, event: Event, spec: DemoEvent, made: dict[str, int]
) -> None:
    """The event happens: the host checks most seats in, the rest become no-shows."""
    host = await Member.get(id=event.created_by_id)
    seated = await EventRegistration.filter(
        event_id=event.id, status=RegistrationStatus.CONFIRMED
    ).order_by("id")
    came = [r for r in seated if rng.random() < spec.show_rate]
    for n, registration in enumerate(came):
        at = _at(c, event.starts_at + timedelta(minutes=n))
        await services.check_in_attendee(at, host, registration.check_in_code or "")
    made["checked_in"] += len(came)
    made["no_shows"] += await services.record_no_shows(event.ends_at)
