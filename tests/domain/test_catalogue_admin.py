"""Rewards and events after creation, on a real database: edits with the create rules, retiring,
cancelling, who may, and the audit entry with before and after values."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from domain.events import admin as events_admin
from domain.events import services as events
from domain.events.errors import (
    CapacityBelowSeatsTakenError,
    EventCancelledError,
    EventOverError,
)
from domain.events.models import Event, EventRegistration, RegistrationStatus
from domain.identity.models import Member, Role
from domain.media.models import Image
from domain.notifications.models import Notification, NotificationKind
from domain.points.models import LedgerEntry, PointsAccount
from domain.points.reconcile import reconcile
from domain.posts.models import AuditLogEntry
from domain.rewards import admin as rewards_admin
from domain.rewards import queries as rewards_queries
from domain.rewards import services as rewards
from domain.rewards.errors import LimitReachedError, RewardRetiredError
from domain.rewards.models import Redemption, RedemptionStatus, Reward
from tests.domain.events_helpers import make_event, make_group, make_host, seats_consistent
from tests.domain.points_helpers import fund, make_reward
from tests.factories import make_member

Changes = rewards_admin.RewardChanges
Status = RegistrationStatus


async def admin() -> Member:
    return await make_member(roles=(Role.RESIDENT, Role.ADMIN))


async def balance(member: Member) -> int:
    return (await PointsAccount.get(member_id=member.id)).balance


# Rewards ---------------------------------------------------------------------------------------


async def test_an_admin_edits_a_reward_and_the_audit_names_only_what_changed(
    collaborators: Collaborators,
) -> None:
    boss = await admin()
    reward = await make_reward(collaborators, cost=30, stock=5)
    until = collaborators.clock.now() + timedelta(days=30)
    edited = await rewards_admin.update_reward(
        collaborators,
        boss,
        reward.id,
        Changes(name=" 挂耳咖啡礼盒 ", cost_points=45, per_member_limit=2, available_until=until),
    )
    stored = await Reward.get(id=reward.id)
    assert (stored.name, stored.cost_points, stored.per_member_limit) == ("挂耳咖啡礼盒", 45, 2)
    assert stored.available_until == until and stored.stock == 5
    assert edited.cost_points == 45
    entry = await AuditLogEntry.get(target_type="REWARD", target_id=reward.id)
    assert (entry.actor_id, entry.action) == (boss.id, "REWARD_UPDATED")
    assert entry.before == {
        "name": "隅田川挂耳咖啡",
        "cost_points": 30,
        "per_member_limit": None,
        "available_until": None,
    }
    assert entry.after is not None and entry.after["cost_points"] == 45
    assert set(entry.after) == {"name", "cost_points", "per_member_limit", "available_until"}


async def test_an_edit_that_changes_nothing_writes_no_audit_entry(
    collaborators: Collaborators,
) -> None:
    reward = await make_reward(collaborators)
    await rewards_admin.update_reward(
        collaborators, await admin(), reward.id, Changes(name=reward.name)
    )
    assert not await AuditLogEntry.filter(target_type="REWARD").exists()


async def test_reward_edits_use_the_create_rules_and_refused_edits_change_nothing(
    collaborators: Collaborators,
) -> None:
    boss = await admin()
    now = collaborators.clock.now()
    reward = await make_reward(collaborators, cost=30)
    with pytest.raises(InvalidInputError) as zero:
        await rewards_admin.update_reward(collaborators, boss, reward.id, Changes(cost_points=0))
    assert [e.field for e in zero.value.field_errors] == ["costPoints"]
    with pytest.raises(InvalidInputError) as window:
        await rewards_admin.update_reward(
            collaborators,
            boss,
            reward.id,
            Changes(available_from=now + timedelta(days=2), available_until=now),
        )
    assert [(e.field, e.message) for e in window.value.field_errors] == [
        ("availableUntil", "结束时间应晚于开始时间")
    ]
    with pytest.raises(InvalidInputError) as limit:
        await rewards_admin.update_reward(
            collaborators, boss, reward.id, Changes(per_member_limit=0)
        )
    assert [e.field for e in limit.value.field_errors] == ["perMemberLimit"]
    with pytest.raises(NotFoundError):
        await rewards_admin.update_reward(collaborators, boss, 9999, Changes(cost_points=5))
    stored = await Reward.get(id=reward.id)
    assert (stored.cost_points, stored.available_from, stored.per_member_limit) == (30, None, None)
    assert not await AuditLogEntry.all().exists()


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.HOST, Role.MODERATOR])
async def test_only_admins_edit_or_retire_rewards(collaborators: Collaborators, role: Role) -> None:
    member = await make_member(roles=(role,))
    reward = await make_reward(collaborators, cost=30)
    with pytest.raises(PermissionDeniedError):
        await rewards_admin.update_reward(collaborators, member, reward.id, Changes(cost_points=5))
    with pytest.raises(PermissionDeniedError):
        await rewards_admin.retire_reward(collaborators, member, reward.id)
    stored = await Reward.get(id=reward.id)
    assert (stored.cost_points, stored.retired_at) == (30, None)


async def test_a_new_cost_applies_to_new_redemptions_and_a_cancel_refunds_what_was_spent(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    await fund(collaborators, member, 200)
    reward = await make_reward(collaborators, cost=30, stock=5)
    first = await rewards.redeem_reward(collaborators, member, reward.id, 1, "cost-key-01")
    await rewards_admin.update_reward(
        collaborators, await admin(), reward.id, Changes(cost_points=50)
    )
    second = await rewards.redeem_reward(collaborators, member, reward.id, 2, "cost-key-02")
    assert (first.points_spent, second.points_spent) == (30, 100)
    assert (await Redemption.get(id=first.id)).points_spent == 30
    assert await balance(member) == 70

    await rewards.cancel_redemption(collaborators, member, first.id)

    assert await balance(member) == 100  # 30 back, not the new cost of 50
    refund = await LedgerEntry.filter(member_id=member.id).order_by("-id").first()
    assert refund is not None and refund.amount == 30
    assert (await reconcile()).clean


async def test_setting_a_limit_counts_what_members_already_hold(
    collaborators: Collaborators,
) -> None:
    boss = await admin()
    holder, newcomer = await make_member(), await make_member()
    for member in (holder, newcomer):
        await fund(collaborators, member, 500)
    reward = await make_reward(collaborators, cost=10, stock=20)
    await rewards.redeem_reward(collaborators, holder, reward.id, 3, "limit-key-01")

    await rewards_admin.update_reward(collaborators, boss, reward.id, Changes(per_member_limit=2))

    # Holding 3 with a limit of 2: the redemptions stay, only further ones are refused.
    with pytest.raises(LimitReachedError):
        await rewards.redeem_reward(collaborators, holder, reward.id, 1, "limit-key-02")
    assert await Redemption.filter(member_id=holder.id, status=RedemptionStatus.RESERVED).count()
    await rewards.redeem_reward(collaborators, newcomer, reward.id, 2, "limit-key-03")
    with pytest.raises(LimitReachedError):
        await rewards.redeem_reward(collaborators, newcomer, reward.id, 1, "limit-key-04")
    assert (await Reward.get(id=reward.id)).stock == 15

    # Removing the limit and cancelling keeps the counts sane; setting one again recounts.
    await rewards_admin.update_reward(
        collaborators, boss, reward.id, Changes(per_member_limit=None)
    )
    extra = await rewards.redeem_reward(collaborators, holder, reward.id, 1, "limit-key-05")
    mine = await Redemption.filter(member_id=holder.id).order_by("id")
    for redemption in mine:
        await rewards.cancel_redemption(collaborators, holder, redemption.id)
    assert extra.id == mine[-1].id
    await rewards_admin.update_reward(collaborators, boss, reward.id, Changes(per_member_limit=1))
    await rewards.redeem_reward(collaborators, holder, reward.id, 1, "limit-key-06")
    with pytest.raises(LimitReachedError):
        await rewards.redeem_reward(collaborators, holder, reward.id, 1, "limit-key-07")
    assert (await reconcile()).clean


async def test_a_retired_reward_takes_no_redemptions_and_leaves_the_mall_but_reserved_ones_finish(
    collaborators: Collaborators,
) -> None:
    boss = await admin()
    member = await make_member()
    await fund(collaborators, member, 200)
    reward = await make_reward(collaborators, cost=30, stock=5)
    kept = await rewards.redeem_reward(collaborators, member, reward.id, 1, "retire-key-1")
    dropped = await rewards.redeem_reward(collaborators, member, reward.id, 1, "retire-key-2")

    retired = await rewards_admin.retire_reward(collaborators, boss, reward.id)

    assert retired.retired_at == collaborators.clock.now()
    with pytest.raises(RewardRetiredError):
        await rewards.redeem_reward(collaborators, member, reward.id, 1, "retire-key-3")
    now = collaborators.clock.now()
    assert reward.id not in [
        r.id for r in await rewards_queries.available_rewards_page(now, None, 10)
    ]
    fulfilled = await rewards.fulfil_redemption(collaborators, boss, kept.pickup_code)
    assert fulfilled.status == RedemptionStatus.FULFILLED
    cancelled = await rewards.cancel_redemption(collaborators, member, dropped.id)
    assert cancelled.status == RedemptionStatus.CANCELLED
    assert await balance(member) == 170 and (await Reward.get(id=reward.id)).stock == 4
    with pytest.raises(RewardRetiredError):
        await rewards_admin.update_reward(collaborators, boss, reward.id, Changes(cost_points=5))

    again = await rewards_admin.retire_reward(collaborators, boss, reward.id)

    assert again.retired_at == retired.retired_at
    entries = await AuditLogEntry.filter(target_type="REWARD", target_id=reward.id)
    assert [(e.action, e.before) for e in entries] == [("REWARD_RETIRED", {"retired_at": None})]
    assert (await reconcile()).clean


async def test_a_picture_must_be_an_image_the_admin_uploaded(
    collaborators: Collaborators,
) -> None:
    boss, someone = await admin(), await make_member()
    reward = await make_reward(collaborators)

    async def image_of(owner: Member, key: str) -> Image:
        return await Image.create(
            owner=owner,
            storage_key=key,
            content_type="image/png",
            width=10,
            height=10,
            size_bytes=100,
            created_at=collaborators.clock.now(),
        )

    mine = await image_of(boss, "a" * 32 + ".png")
    theirs = await image_of(someone, "b" * 32 + ".png")
    with pytest.raises(InvalidInputError) as refused:
        await rewards_admin.update_reward(
            collaborators, boss, reward.id, Changes(image_id=theirs.id)
        )
    assert [e.field for e in refused.value.field_errors] == ["imageId"]
    assert (await Reward.get(id=reward.id)).image_url is None

    await rewards_admin.update_reward(collaborators, boss, reward.id, Changes(image_id=mine.id))
    assert (await Reward.get(id=reward.id)).image_url == f"/media/{'a' * 32}.png"
    await rewards_admin.update_reward(collaborators, boss, reward.id, Changes(image_id=None))
    assert (await Reward.get(id=reward.id)).image_url is None


# Events ----------------------------------------------------------------------------------------

EventChanges = events_admin.EventChanges


async def register(c: Collaborators, event: Event, n: int) -> list[Member]:
    members = [await make_member() for _ in range(n)]
    for member in members:
        await events.register_for_event(c, member, event.id)
    return members


async def test_a_host_edits_their_groups_event_and_the_audit_has_before_and_after(
    collaborators: Collaborators,
) -> None:
    host = await make_host()
    event = await make_event(collaborators, await make_group(host))
    starts = event.starts_at + timedelta(days=1)
    edited = await events_admin.update_event(
        collaborators,
        host,
        event.id,
        EventChanges(
            title="秋日咖啡品鉴",
            location="会所二楼",
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
        ),
    )
    stored = await Event.get(id=event.id)
    assert (stored.title, stored.location, stored.starts_at) == ("秋日咖啡品鉴", "会所二楼", starts)
    assert edited.title == "秋日咖啡品鉴" and stored.description == event.description
    entry = await AuditLogEntry.get(target_type="EVENT", target_id=event.id)
    assert (entry.actor_id, entry.action) == (host.id, "EVENT_UPDATED")
    assert entry.before is not None and entry.before["title"] == "咖啡品鉴会"
    assert entry.after is not None and set(entry.after) == {
        "title",
        "location",
        "starts_at",
        "ends_at",
    }


async def test_event_edits_use_the_create_rules_and_refused_edits_change_nothing(
    collaborators: Collaborators,
) -> None:
    host = await make_host()
    event = await make_event(collaborators, await make_group(host), capacity=3)
    await register(collaborators, event, 2)
    with pytest.raises(InvalidInputError) as backwards:
        await events_admin.update_event(
            collaborators,
            host,
            event.id,
            EventChanges(ends_at=event.starts_at - timedelta(hours=1)),
        )
    assert [(e.field, e.message) for e in backwards.value.field_errors] == [
        ("endsAt", "结束时间应晚于开始时间")
    ]
    with pytest.raises(CapacityBelowSeatsTakenError) as below:
        await events_admin.update_event(collaborators, host, event.id, EventChanges(capacity=1))
    assert below.value.code == "CAPACITY_BELOW_TAKEN" and below.value.seats_taken == 2
    assert [e.field for e in below.value.field_errors] == ["capacity"]
    with pytest.raises(InvalidInputError):
        await events_admin.update_event(collaborators, host, event.id, EventChanges(title="x"))
    stored = await Event.get(id=event.id)
    assert (stored.capacity, stored.ends_at, stored.title) == (3, event.ends_at, event.title)
    assert not await AuditLogEntry.all().exists()
    # Down to exactly the seats taken is fine.
    await events_admin.update_event(collaborators, host, event.id, EventChanges(capacity=2))
    assert (await Event.get(id=event.id)).capacity == 2


async def test_raising_the_capacity_seats_the_waitlist_in_arrival_order_at_once(
    collaborators: Collaborators,
) -> None:
    host = await make_host()
    event = await make_event(collaborators, await make_group(host), capacity=2)
    members = await register(collaborators, event, 6)

    await events_admin.update_event(collaborators, host, event.id, EventChanges(capacity=5))

    rows = {r.member_id: r for r in await EventRegistration.filter(event_id=event.id)}
    statuses = [rows[m.id].status for m in members]
    assert statuses == [Status.CONFIRMED] * 5 + [Status.WAITLISTED]
    assert all(rows[m.id].check_in_code for m in members[:5])
    taken, seated, capacity = await seats_consistent(event.id)
    assert taken == seated == capacity == 5
    entry = await AuditLogEntry.get(target_type="EVENT", target_id=event.id)
    assert entry.after == {"capacity": 5, "seated_from_waitlist": 3}
    # More seats than people waiting: the rest stay free.
    await events_admin.update_event(collaborators, host, event.id, EventChanges(capacity=9))
    assert await seats_consistent(event.id) == (6, 6, 9)


async def test_an_event_under_way_can_be_corrected_but_not_moved_into_the_past(
    collaborators: Collaborators,
    clock: FrozenClock,
) -> None:
    host = await make_host()
    event = await make_event(collaborators, await make_group(host), starts_in=timedelta(hours=1))
    clock.advance(hours=2)  # started an hour ago, ends in an hour
    await events_admin.update_event(
        collaborators, host, event.id, EventChanges(location="会所三楼")
    )
    assert (await Event.get(id=event.id)).location == "会所三楼"
    with pytest.raises(InvalidInputError) as moved:
        await events_admin.update_event(
            collaborators,
            host,
            event.id,
            EventChanges(starts_at=event.starts_at - timedelta(minutes=30)),
        )
    assert [e.field for e in moved.value.field_errors] == ["startsAt"]
    clock.advance(hours=2)
    with pytest.raises(EventOverError):
        await events_admin.update_event(
            collaborators, host, event.id, EventChanges(title="再来一次")
        )


async def test_cancelling_cancels_every_seat_and_waitlist_place_and_keeps_attendance_points(
    collaborators: Collaborators,
) -> None:
    host = await make_host()
    event = await make_event(
        collaborators, await make_group(host), capacity=3, starts_in=timedelta(hours=1)
    )
    members = await register(collaborators, event, 5)
    gone = await make_member()
    mine = await events.register_for_event(collaborators, gone, event.id)
    await events.cancel_registration(collaborators, gone, mine.id)
    first = await EventRegistration.get(event_id=event.id, member_id=members[0].id)
    await events.check_in_attendee(collaborators, host, first.check_in_code or "")
    points_before = {m.id: await LedgerEntry.filter(member_id=m.id).count() for m in members}

    done = await events_admin.cancel_event(collaborators, host, event.id, " 场地临时维修 ")

    assert sorted(done.told) == sorted(m.id for m in members[1:])
    stored = await Event.get(id=event.id)
    assert (
        stored.cancelled_at == collaborators.clock.now() and stored.cancel_reason == "场地临时维修"
    )
    rows = {r.member_id: r.status for r in await EventRegistration.filter(event_id=event.id)}
    assert rows[members[0].id] == Status.CHECKED_IN
    assert all(rows[m.id] == Status.CANCELLED for m in members[1:])
    assert await seats_consistent(event.id) == (1, 1, 3)
    assert stored.seats_left == 0
    assert {
        m.id: await LedgerEntry.filter(member_id=m.id).count() for m in members
    } == points_before
    assert await LedgerEntry.filter(member_id=members[0].id).count() == 1  # the 20 points stay
    told = Notification.filter(kind=NotificationKind.EVENT_CANCELLED, subject_id=event.id)
    assert sorted(await column(told, "recipient_id")) == sorted(done.told)
    entry = await AuditLogEntry.get(target_type="EVENT", target_id=event.id)
    assert (entry.action, entry.reason) == ("EVENT_CANCELLED", "场地临时维修")
    assert entry.after is not None and entry.after["registrations_cancelled"] == done.told
    with pytest.raises(EventCancelledError):
        await events.register_for_event(collaborators, await make_member(), event.id)
    with pytest.raises(EventCancelledError):
        await events.register_for_event(collaborators, gone, event.id)
    with pytest.raises(EventCancelledError):
        await events_admin.update_event(collaborators, host, event.id, EventChanges(capacity=9))
    assert (await reconcile()).clean


async def test_cancelling_twice_changes_nothing_and_a_past_event_cannot_be_cancelled(
    collaborators: Collaborators,
    clock: FrozenClock,
) -> None:
    host = await make_host()
    group = await make_group(host)
    event = await make_event(collaborators, group)
    await register(collaborators, event, 2)
    await events_admin.cancel_event(collaborators, host, event.id, "下雨")
    again = await events_admin.cancel_event(collaborators, host, event.id, "另一个原因")
    assert again.told == [] and again.event.cancel_reason == "下雨"
    assert await AuditLogEntry.filter(action="EVENT_CANCELLED").count() == 1

    past = await make_event(collaborators, group, starts_in=timedelta(hours=1), title="昨天的活动")
    await register(collaborators, past, 1)
    clock.advance(hours=4)
    with pytest.raises(EventOverError):
        await events_admin.cancel_event(collaborators, host, past.id, "太晚了")
    assert (await Event.get(id=past.id)).cancelled_at is None
    with pytest.raises(InvalidInputError) as blank:
        await events_admin.cancel_event(collaborators, host, past.id, " ")
    assert [e.field for e in blank.value.field_errors] == ["reason"]


async def test_hosts_of_another_group_moderators_and_residents_may_not_edit_or_cancel(
    collaborators: Collaborators,
) -> None:
    host, other = await make_host(), await make_host("小林")
    await make_group(other, name="烘焙", slug="baking")
    event = await make_event(collaborators, await make_group(host))
    programme = await make_event(collaborators, None, title="全体邻里市集")
    refused = [
        other,
        await make_member(roles=(Role.RESIDENT, Role.MODERATOR)),
        await make_member(),
    ]
    for member in refused:
        for target in (event, programme):
            with pytest.raises(PermissionDeniedError):
                await events_admin.update_event(
                    collaborators, member, target.id, EventChanges(title="改个名字")
                )
            with pytest.raises(PermissionDeniedError):
                await events_admin.cancel_event(collaborators, member, target.id, "不办了")
    with pytest.raises(PermissionDeniedError):  # a host runs only their groups' events
        await events_admin.update_event(
            collaborators, host, programme.id, EventChanges(title="改名")
        )
    assert {e.title for e in await Event.all()} == {"咖啡品鉴会", "全体邻里市集"}
    assert not await Event.filter(cancelled_at__isnull=False).exists()
    boss = await admin()
    await events_admin.update_event(
        collaborators, boss, programme.id, EventChanges(title="周末市集")
    )
    await events_admin.cancel_event(collaborators, boss, event.id, "主理人出差")
    assert (await Event.get(id=event.id)).cancelled_at is not None
    with pytest.raises(NotFoundError):
        await events_admin.cancel_event(collaborators, boss, 9999, "不存在")
