"""Every staff change writes one audit entry in its own transaction, naming the actor, the kind,
the target and the values before and after; a refused or failed change writes none. The audit
page names each of these kinds and targets in Chinese."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.audit import json_value
from domain.campaigns import services as campaigns
from domain.campaigns.errors import InvalidEntryTransitionError, VotingAlreadyOpenError
from domain.campaigns.models import Campaign, CampaignEntry, CampaignKind, EntryStatus
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from domain.events import services as events
from domain.events.models import Event
from domain.identity import estate_changes
from domain.identity.errors import EstateChangeDecidedError
from domain.identity.models import EstateChangeRequest, Member, Role
from domain.identity.services import ProfileChanges, update_profile
from domain.points import services as points
from domain.points.errors import ApprovalRequiredError, InsufficientPointsError, SameAdminError
from domain.points.models import AdjustmentRequest, LedgerEntry, PointsAccount
from domain.posts.models import AuditLogEntry
from domain.purchases import csv_import
from domain.purchases import services as purchases
from domain.purchases.models import Purchase
from domain.purchases.points import award_purchase_points
from domain.rewards import services as rewards
from domain.rewards.models import Reward
from portal.templating import templates
from tests.domain.campaign_helpers import voter, voting_campaign
from tests.domain.events_helpers import make_group, make_host
from tests.domain.points_helpers import fund, make_reward
from tests.domain.purchase_helpers import order
from tests.factories import make_estate, make_member


async def admin(name: str = "运营") -> Member:
    return await make_member(display_name=name, roles=(Role.RESIDENT, Role.ADMIN))


async def two_admins_and_a_member() -> tuple[Member, Member, Member]:
    """The admin who asks for a large adjustment, the one who decides it, and the member."""
    return await admin("甲"), await admin("乙"), await make_member()


async def mark() -> int:
    """The last entry so far: the log is append-only, so a test reads the entries after it."""
    last = await AuditLogEntry.all().order_by("-id").first()
    return last.id if last else 0


async def entries(after: int = 0) -> list[tuple[int, str, str, int, Any, Any, str | None]]:
    return [
        (e.actor_id, e.action, e.target_type, e.target_id, e.before, e.after, e.reason)
        for e in await AuditLogEntry.filter(id__gt=after).order_by("id")
    ]


async def entry_of(action: str, after: int = 0) -> AuditLogEntry:
    found = await AuditLogEntry.filter(action=action, id__gt=after)
    assert len(found) == 1, [e.action for e in await AuditLogEntry.all()]
    return found[0]


def at(c: Collaborators, **delta: float) -> Any:
    """A time as the audit log stores it."""
    return json_value(c.clock.now() + timedelta(**delta))


# Rewards ---------------------------------------------------------------------------------------


def new_reward(**overrides: Any) -> rewards.NewReward:
    values: dict[str, Any] = {
        "name": " 挂耳咖啡 ",
        "description": "一盒十包",
        "cost_points": 30,
        "stock": 5,
        "per_member_limit": 2,
    }
    return rewards.NewReward(**{**values, **overrides})


async def test_creating_a_reward_records_its_fields_as_they_were_created(
    collaborators: Collaborators,
) -> None:
    c, boss = collaborators, await admin()
    reward = await rewards.create_reward(c, boss, new_reward())
    assert await entries() == [
        (
            boss.id,
            "REWARD_CREATED",
            "REWARD",
            reward.id,
            None,
            {
                "name": "挂耳咖啡",
                "description": "一盒十包",
                "image_url": None,
                "cost_points": 30,
                "stock": 5,
                "per_member_limit": 2,
                "available_from": None,
                "available_until": None,
            },
            None,
        )
    ]


async def test_a_refused_reward_creation_records_nothing(collaborators: Collaborators) -> None:
    c = collaborators
    with pytest.raises(PermissionDeniedError):
        await rewards.create_reward(c, await make_member(), new_reward())
    with pytest.raises(InvalidInputError):
        await rewards.create_reward(c, await admin(), new_reward(cost_points=0))
    assert await entries() == []
    assert not await Reward.exists()


async def test_a_reward_is_not_created_when_its_audit_entry_cannot_be_written(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(**_: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(rewards, "record_change", broken)
    with pytest.raises(RuntimeError):
        await rewards.create_reward(collaborators, await admin(), new_reward())
    assert not await Reward.exists()


async def test_restocking_records_the_stock_before_and_after(
    collaborators: Collaborators,
) -> None:
    c, boss = collaborators, await admin()
    reward = await make_reward(c, stock=3)
    await rewards.restock_reward(c, boss, reward.id, 7)
    assert await entries() == [
        (boss.id, "REWARD_RESTOCKED", "REWARD", reward.id, {"stock": 3}, {"stock": 10}, None)
    ]


async def test_a_refused_restock_records_nothing_and_a_failed_one_keeps_the_stock(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    c, boss = collaborators, await admin()
    reward = await make_reward(c, stock=3)
    with pytest.raises(PermissionDeniedError):
        await rewards.restock_reward(c, await make_member(), reward.id, 7)
    with pytest.raises(InvalidInputError):
        await rewards.restock_reward(c, boss, reward.id, 0)
    with pytest.raises(NotFoundError):
        await rewards.restock_reward(c, boss, reward.id + 100, 7)
    assert await entries() == []

    async def broken(**_: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(rewards, "record_change", broken)
    with pytest.raises(RuntimeError):
        await rewards.restock_reward(c, boss, reward.id, 7)
    assert (await Reward.get(id=reward.id)).stock == 3


# Events ----------------------------------------------------------------------------------------


def new_event(c: Collaborators, group_id: int | None, capacity: int = 12) -> events.NewEvent:
    starts_at = c.clock.now() + timedelta(days=3)
    return events.NewEvent(
        title="咖啡品鉴会",
        description="三款豆子盲品",
        location="活动室",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=capacity,
        group_id=group_id,
    )


async def test_creating_an_event_records_the_host_and_the_created_fields(
    collaborators: Collaborators,
) -> None:
    c, host = collaborators, await make_host()
    group = await make_group(host)
    event = await events.create_event(c, host, new_event(c, group.id))
    assert await entries() == [
        (
            host.id,
            "EVENT_CREATED",
            "EVENT",
            event.id,
            None,
            {
                "title": "咖啡品鉴会",
                "description": "三款豆子盲品",
                "location": "活动室",
                "group_id": group.id,
                "starts_at": at(c, days=3),
                "ends_at": at(c, days=3, hours=2),
                "capacity": 12,
            },
            None,
        )
    ]


async def test_a_refused_event_creation_records_nothing(collaborators: Collaborators) -> None:
    c, host = collaborators, await make_host()
    group = await make_group(host)
    with pytest.raises(PermissionDeniedError):
        await events.create_event(c, await make_member(), new_event(c, group.id))
    with pytest.raises(InvalidInputError):
        await events.create_event(c, host, new_event(c, group.id, capacity=0))
    assert await entries() == []
    assert not await Event.exists()


# Campaigns -------------------------------------------------------------------------------------


def new_campaign(c: Collaborators, title: str = "咖啡角命名") -> campaigns.NewCampaign:
    now = c.clock.now()
    return campaigns.NewCampaign(
        kind=CampaignKind.NAMING,
        title=title,
        description="给咖啡角起个名字",
        proposal_ends_at=now + timedelta(days=2),
        voting_starts_at=now + timedelta(days=3),
        voting_ends_at=now + timedelta(days=5),
    )


async def test_creating_a_campaign_records_its_fields(collaborators: Collaborators) -> None:
    c, boss = collaborators, await admin()
    campaign = await campaigns.create_campaign(c, boss, new_campaign(c))
    assert await entries() == [
        (
            boss.id,
            "CAMPAIGN_CREATED",
            "CAMPAIGN",
            campaign.id,
            None,
            {
                "kind": "NAMING",
                "title": "咖啡角命名",
                "description": "给咖啡角起个名字",
                "estate_id": None,
                "proposal_starts_at": None,
                "proposal_ends_at": at(c, days=2),
                "voting_starts_at": at(c, days=3),
                "voting_ends_at": at(c, days=5),
                "votes_per_member": 3,
                "hide_results": False,
            },
            None,
        )
    ]


async def test_a_refused_campaign_creation_records_nothing(collaborators: Collaborators) -> None:
    c = collaborators
    with pytest.raises(PermissionDeniedError):
        await campaigns.create_campaign(c, await make_member(), new_campaign(c))
    with pytest.raises(InvalidInputError):
        await campaigns.create_campaign(c, await admin(), new_campaign(c, title=""))
    assert await entries() == []
    assert not await Campaign.exists()


async def test_an_admin_closing_a_campaign_records_the_status_and_the_winner(
    collaborators: Collaborators,
) -> None:
    c, boss = collaborators, await admin("结束者")
    campaign, made = await voting_campaign(c)
    await CampaignEntry.filter(id=made[1].id).update(vote_count=4)
    start = await mark()  # after the creation's entry
    await campaigns.close_campaign(c, campaign.id, boss)
    assert await entries(start) == [
        (
            boss.id,
            "CAMPAIGN_CLOSED",
            "CAMPAIGN",
            campaign.id,
            {"status": "VOTING", "winner_entry_id": None},
            {"status": "CLOSED", "winner_entry_id": made[1].id},
            None,
        )
    ]
    await campaigns.close_campaign(c, campaign.id, boss)  # closed already: nothing changes
    assert len(await entries(start)) == 1


async def test_closing_without_entries_records_no_winner_and_the_job_records_nothing(
    collaborators: Collaborators,
) -> None:
    c, boss = collaborators, await admin()
    early, _ = await voting_campaign(c, entries=0)
    due, _ = await voting_campaign(c, entries=1)
    start = await mark()
    await campaigns.close_campaign(c, early.id, boss)
    closing = await entry_of("CAMPAIGN_CLOSED", start)
    assert (closing.before, closing.after) == (
        {"status": "VOTING", "winner_entry_id": None},
        {"status": "CLOSED", "winner_entry_id": None},
    )
    await campaigns.close_campaign(c, due.id)  # the job at the end of voting: no staff change
    assert len(await entries(start)) == 1


async def test_a_refused_close_records_nothing(collaborators: Collaborators) -> None:
    c = collaborators
    campaign, _ = await voting_campaign(c)
    start = await mark()
    with pytest.raises(PermissionDeniedError):
        await campaigns.close_campaign(c, campaign.id, await make_member())
    with pytest.raises(NotFoundError):
        await campaigns.close_campaign(c, campaign.id + 100, await admin())
    assert await entries(start) == []
    assert (await Campaign.get(id=campaign.id)).closed_at is None


async def test_opening_voting_records_the_status_and_the_moved_windows(
    collaborators: Collaborators,
) -> None:
    c, boss = collaborators, await admin("开票者")
    campaign = await campaigns.create_campaign(c, await admin(), new_campaign(c))
    start = await mark()
    await campaigns.open_voting(c, boss, campaign.id)
    assert await entries(start) == [
        (
            boss.id,
            "OPEN_VOTING",
            "CAMPAIGN",
            campaign.id,
            {
                "status": "PROPOSING",
                "voting_starts_at": at(c, days=3),
                "proposal_ends_at": at(c, days=2),
            },
            {
                "status": "VOTING",
                "voting_starts_at": at(c),
                "proposal_ends_at": at(c),
            },
            None,
        )
    ]
    with pytest.raises(VotingAlreadyOpenError):
        await campaigns.open_voting(c, boss, campaign.id)
    with pytest.raises(PermissionDeniedError):
        await campaigns.open_voting(c, await make_member(), campaign.id)
    assert len(await entries(start)) == 1


async def test_moderating_an_entry_records_its_status_before_and_after(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    moderator = await make_member(roles=(Role.RESIDENT, Role.MODERATOR))
    campaign = await campaigns.create_campaign(c, await admin(), new_campaign(c))
    proposer = await voter(c)
    kept = await campaigns.propose_entry(c, proposer, campaign.id, "转角咖啡")
    dropped = await campaigns.propose_entry(c, proposer, campaign.id, "咖啡角")
    start = await mark()
    await campaigns.moderate_entry(c, moderator, kept.id, "APPROVE")
    await campaigns.moderate_entry(c, moderator, dropped.id, "REJECT", "和已有店名重复")
    assert await entries(start) == [
        (
            moderator.id,
            "APPROVE",
            "CAMPAIGN_ENTRY",
            kept.id,
            {"status": "PENDING"},
            {"status": "APPROVED"},
            None,
        ),
        (
            moderator.id,
            "REJECT",
            "CAMPAIGN_ENTRY",
            dropped.id,
            {"status": "PENDING"},
            {"status": "REJECTED"},
            "和已有店名重复",
        ),
    ]
    await campaigns.moderate_entry(c, moderator, kept.id, "APPROVE")  # the same: no change
    with pytest.raises(InvalidEntryTransitionError):
        await campaigns.moderate_entry(c, moderator, kept.id, "REJECT", "改主意了")
    with pytest.raises(PermissionDeniedError):
        await campaigns.moderate_entry(c, proposer, dropped.id, "APPROVE")
    assert len(await entries(start)) == 2
    assert (await CampaignEntry.get(id=kept.id)).status == EntryStatus.APPROVED


# Points adjustments ----------------------------------------------------------------------------


async def balance(member: Member) -> int:
    return (await PointsAccount.get(member_id=member.id)).balance


async def test_an_adjustment_records_the_admin_the_amount_and_the_balance(
    collaborators: Collaborators,
) -> None:
    c, boss, member = collaborators, await admin(), await make_member()
    await fund(c, member, 100)
    entry = await points.adjust_points(c, boss, member.id, -40, "补录退货", "adjust-0001")
    assert await entries() == [
        (
            boss.id,
            "POINTS_ADJUSTED",
            "MEMBER",
            member.id,
            {"balance": 100},
            {"balance": 60, "amount": -40, "ledger_entry_id": entry.id},
            "补录退货",
        )
    ]
    again = await points.adjust_points(c, boss, member.id, -40, "补录退货", "adjust-0001")
    assert again.id == entry.id and len(await entries()) == 1  # a replay changes nothing


async def test_a_refused_or_failed_adjustment_records_nothing(
    collaborators: Collaborators,
) -> None:
    c, boss, member = collaborators, await admin(), await make_member()
    await fund(c, member, 10)
    with pytest.raises(PermissionDeniedError):
        await points.adjust_points(c, await make_member(), member.id, 5, "补发积分", "adjust-0002")
    with pytest.raises(InvalidInputError):
        await points.adjust_points(c, boss, member.id, 0, "补发积分", "adjust-0003")
    with pytest.raises(InsufficientPointsError):  # the debit fails inside the transaction
        await points.adjust_points(c, boss, member.id, -50, "扣回积分", "adjust-0004")
    assert await entries() == []
    assert await balance(member) == 10


async def test_a_large_adjustment_records_the_request_then_the_approval(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    asker, approver, member = await two_admins_and_a_member()
    with pytest.raises(ApprovalRequiredError):
        await points.adjust_points(c, asker, member.id, 5000, "活动大奖", "adjust-big-1")
    with pytest.raises(ApprovalRequiredError):  # asked again: the same request, no new entry
        await points.adjust_points(c, asker, member.id, 5000, "活动大奖", "adjust-big-1")
    request = await AdjustmentRequest.get()
    with pytest.raises(SameAdminError):
        await points.approve_adjustment(c, asker, request.id)
    entry = await points.approve_adjustment(c, approver, request.id)
    await points.approve_adjustment(c, approver, request.id)  # decided already: no new entry
    assert await entries() == [
        (
            asker.id,
            "POINTS_ADJUSTMENT_REQUESTED",
            "MEMBER",
            member.id,
            None,
            {"amount": 5000, "adjustment_request_id": request.id},
            "活动大奖",
        ),
        (
            approver.id,
            "POINTS_ADJUSTMENT_APPROVED",
            "MEMBER",
            member.id,
            {"balance": 0},
            {
                "balance": 5000,
                "amount": 5000,
                "ledger_entry_id": entry.id,
                "adjustment_request_id": request.id,
                "requested_by_id": asker.id,
            },
            "活动大奖",
        ),
    ]


async def test_an_approval_that_fails_records_nothing_and_leaves_the_request_waiting(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    asker, approver, member = await two_admins_and_a_member()
    with pytest.raises(ApprovalRequiredError):
        await points.adjust_points(c, asker, member.id, -5000, "扣回误发", "adjust-big-2")
    request = await AdjustmentRequest.get()
    start = await mark()
    with pytest.raises(InsufficientPointsError):
        await points.approve_adjustment(c, approver, request.id)
    with pytest.raises(PermissionDeniedError):
        await points.approve_adjustment(c, await make_member(), request.id)
    assert await entries(start) == []
    assert (await AdjustmentRequest.get()).approved_by_id is None
    assert not await LedgerEntry.filter(idempotency_key="adjust:adjust-big-2").exists()


# Estates ---------------------------------------------------------------------------------------


async def test_estate_decisions_record_the_members_estate_before_and_after(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    a, b = await make_estate("阳光花园"), await make_estate("绿地小区")
    boss = await admin()
    moving, staying, set_by_admin = [await make_member(estate=a) for _ in range(3)]
    for member in (moving, staying):
        await update_profile(c, member, ProfileChanges(estate_id=b.id))
    asked = {r.member_id: r.id for r in await EstateChangeRequest.all()}
    await estate_changes.decide_estate_change(c, boss, asked[moving.id], approve=True)
    await estate_changes.decide_estate_change(c, boss, asked[staying.id], approve=False)
    await estate_changes.set_member_estate(c, boss, set_by_admin.id, b.id)
    made = await entries()
    assert [(e[1], e[3], e[4], e[5]) for e in made] == [
        (
            "ESTATE_APPROVED",
            moving.id,
            {"estate_id": a.id, "request_status": "PENDING"},
            {"estate_id": b.id, "request_status": "APPROVED"},
        ),
        (
            "ESTATE_DECLINED",
            staying.id,
            {"estate_id": a.id, "request_status": "PENDING"},
            {"estate_id": a.id, "request_status": "DECLINED"},
        ),
        ("ESTATE_SET", set_by_admin.id, {"estate_id": a.id}, {"estate_id": b.id}),
    ]
    assert {(e[0], e[2]) for e in made} == {(boss.id, "MEMBER")}
    with pytest.raises(EstateChangeDecidedError):
        await estate_changes.decide_estate_change(c, boss, asked[moving.id], approve=False)
    assert len(await entries()) == 3


# Purchases -------------------------------------------------------------------------------------


async def test_an_import_records_one_entry_with_its_counts(collaborators: Collaborators) -> None:
    c, boss = collaborators, await admin()
    buyer = await make_member()
    await purchases.record_purchases(c, boss, [order(c, "A-1", buyer)])
    start = await mark()
    rows = [order(c, f"B-{i}", buyer, line=i) for i in range(3)]
    rows += [order(c, "A-1", buyer, line=3), order(c, "C-1", buyer, 0, line=4)]
    await purchases.record_purchases(c, boss, rows)
    first = await Purchase.filter(order_id="B-0").get()
    assert await entries(start) == [
        (
            boss.id,
            "PURCHASES_IMPORTED",
            "PURCHASE_IMPORT",
            first.id,
            None,
            {
                "source": "API",
                "rows": 5,
                "recorded": 3,
                "duplicates": 1,
                "rejected": 1,
                "points": 369,  # 123 for each order of 123.45 yuan
                "referrals_rewarded": 0,
            },
            None,
        )
    ]


async def test_an_import_of_many_batches_still_records_one_entry(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(purchases, "BATCH_SIZE", 2)
    c, boss, buyer = collaborators, await admin(), await make_member()
    lines = ["order_id,phone,amount_cents,purchased_at"]
    when = (c.clock.now() - timedelta(hours=1)).isoformat()
    lines += [f"O-{i},{buyer.phone},1000,{when}" for i in range(5)] + ["bad,row"]
    seen: list[int] = []
    summary = await csv_import.import_purchases_csv(
        c, boss, lines, progress=lambda s: seen.append(s.recorded)
    )
    assert (summary.recorded, summary.rejected) == (5, 1)
    imported = await entry_of("PURCHASES_IMPORTED")
    assert imported.after is not None
    assert (imported.actor_id, imported.target_id) == (
        boss.id,
        (await Purchase.filter(order_id="O-0").get()).id,
    )
    assert {k: imported.after[k] for k in ("source", "rows", "recorded", "rejected")} == {
        "source": "CSV",
        "rows": 6,
        "recorded": 5,
        "rejected": 1,
    }
    assert seen[-1] == 5


async def test_a_refused_or_failed_import_records_nothing(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    c, buyer = collaborators, await make_member()
    with pytest.raises(PermissionDeniedError):
        await purchases.record_purchases(c, await make_member(), [order(c, "A-1", buyer)])
    with pytest.raises(InvalidInputError):  # a file without the needed columns
        await csv_import.import_purchases_csv(c, await admin(), ["order_id,phone"])
    assert await entries() == []
    boss = await admin()
    await purchases.record_purchases(c, boss, [order(c, "A-0", buyer)])
    start = await mark()
    refused = await purchases.record_purchases(  # every row refused or recorded before
        c, boss, [order(c, "A-0", buyer), order(c, "A-9", buyer, 0, line=1)]
    )
    assert (refused.recorded, refused.duplicates, refused.rejected) == (0, 1, 1)
    assert await entries(start) == []

    async def broken(*_: Any) -> int:
        raise RuntimeError("points unavailable")

    monkeypatch.setattr(purchases, "award_purchase_points", broken)
    with pytest.raises(RuntimeError):
        await purchases.record_purchases(c, await admin(), [order(c, "A-1", buyer)])
    assert await entries(start) == []
    assert not await Purchase.filter(order_id="A-1").exists()


async def test_an_import_failing_after_batches_committed_records_what_they_recorded(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(purchases, "BATCH_SIZE", 2)
    calls = 0

    async def third_fails(c: Collaborators, new: list[Purchase]) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("points unavailable")
        return await award_purchase_points(c, new)

    monkeypatch.setattr(purchases, "award_purchase_points", third_fails)
    c, boss, buyer = collaborators, await admin(), await make_member()
    with pytest.raises(RuntimeError):
        await purchases.record_purchases(c, boss, [order(c, f"P-{i}", buyer) for i in range(6)])
    imported = await entry_of("PURCHASES_IMPORTED")
    assert imported.after is not None
    assert (imported.after["recorded"], imported.after["complete"]) == (4, False)
    assert await Purchase.all().count() == 4


# The audit page --------------------------------------------------------------------------------

NEW_KINDS = (
    "REWARD_CREATED",
    "REWARD_RESTOCKED",
    "EVENT_CREATED",
    "CAMPAIGN_CREATED",
    "OPEN_VOTING",
    "CAMPAIGN_CLOSED",
    "POINTS_ADJUSTED",
    "POINTS_ADJUSTMENT_REQUESTED",
    "POINTS_ADJUSTMENT_APPROVED",
    "PURCHASES_IMPORTED",
)


def test_the_audit_page_names_every_new_kind_and_target_in_chinese() -> None:
    labels = templates.env.get_template("moderation/_audit_labels.html").module
    for code, label in [(k, labels.kind_label(k)) for k in NEW_KINDS] + [  # type: ignore[attr-defined]
        (t, labels.target_label(t))  # type: ignore[attr-defined]
        for t in ("CAMPAIGN", "PURCHASE_IMPORT", "REWARD", "EVENT", "MEMBER", "CAMPAIGN_ENTRY")
    ]:
        assert label != code and not label.isascii(), (code, label)
    for name in ("status", "stock", "winner_entry_id", "estate_id", "balance", "amount"):
        label = labels.field_label(name)  # type: ignore[attr-defined]
        assert not label.isascii(), (name, label)
