"""Tier playbooks over real rows: the tier job's changes set them off once per member and
change, the treatment gets its points (expiring in the playbook's days), its message and its
place on the win-back list, the holdout only its run row; the nightly pass catches up on what
a run left; admins make and switch playbooks, audited, and bad input changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from domain.identity.models import Member
from domain.notifications.models import Notification, NotificationKind
from domain.notifications.push import record_consent
from domain.notifications.push_models import PushDelivery, PushStatus
from domain.notifications.services import Notice, notify
from domain.notifications.text import sentence
from domain.playbooks import runner
from domain.playbooks.models import Playbook, PlaybookArm, PlaybookRun
from domain.playbooks.rules import in_holdout
from domain.playbooks.runner import catch_up_playbooks
from domain.playbooks.services import PlaybookDraft, create_playbook, set_playbook_active
from domain.points.models import LedgerEntry, LedgerReason, PointsAccount, PointsLot
from domain.points.reconcile import reconcile
from domain.posts.models import AuditLogEntry
from domain.segments import host_console
from domain.segments.recompute import recompute_tiers
from domain.segments.rfm import Tier
from domain.segments.tiers import run_tier_job
from tests.domain.events_helpers import make_group, make_host
from tests.domain.host_console_helpers import join, moved
from tests.domain.playbook_helpers import lapsing, make_admin, win_back_playbook
from tests.domain.test_push import comment, resident
from tests.factories import make_member


async def test_a_tier_run_treats_the_treatment_arm_and_only_records_the_holdout(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    admin = await make_admin()
    playbook = await win_back_playbook(c, admin, holdout=50, points=30)
    members = await lapsing(c, 20)
    clock.advance(hours=1)
    await recompute_tiers(c)
    runs = {r.member_id: r for r in await PlaybookRun.filter(playbook_id=playbook.id)}
    assert sorted(runs) == sorted(m.id for m in members)  # the admin became a NEWCOMER: no run
    treated = [m.id for m in members if not in_holdout(m.id, playbook.id, 50)]
    held = [m.id for m in members if in_holdout(m.id, playbook.id, 50)]
    assert treated and held
    assert all(runs[m].arm == PlaybookArm.TREATMENT for m in treated)
    assert all(runs[m].arm == PlaybookArm.HOLDOUT for m in held)
    entries = await LedgerEntry.filter(reason=LedgerReason.PLAYBOOK_BONUS)
    assert sorted(e.member_id for e in entries) == sorted(treated)
    assert {(e.amount, e.description) for e in entries} == {(30, "等级礼遇：沉睡唤醒")}
    expiry = c.clock.now() + timedelta(days=14)
    lots = await PointsLot.filter(member_id__in=treated)
    assert len(lots) == len(treated) and {lot.expires_at for lot in lots} == {expiry}
    told = await Notification.filter(kind=NotificationKind.PLAYBOOK_MESSAGE)
    assert sorted(n.recipient_id for n in told) == sorted(treated)
    assert {runs[n.recipient_id].notification_id for n in told} == {n.id for n in told}
    assert (
        sentence(told[0].kind, told[0].params, None) == "好久不见，送你一份回归积分，30 积分已到账"
    )
    assert all(runs[m].points_granted == 0 and runs[m].notification_id is None for m in held)
    assert not await PointsAccount.filter(member_id__in=held, balance__gt=0).exists()
    assert (await reconcile()).clean


async def test_the_nightly_pass_runs_what_a_tier_run_left_and_nothing_twice(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    playbook = await win_back_playbook(c, await make_admin(), holdout=0, points=10)
    members = await lapsing(c, 3)
    clock.advance(hours=1)
    await run_tier_job(c.clock.now(), "COMMAND")  # the changes, without the playbooks
    assert not await PlaybookRun.exists()
    clock.advance(days=1)
    assert await catch_up_playbooks(c, c.clock.now()) == 3
    assert await catch_up_playbooks(c, c.clock.now()) == 0
    assert await PlaybookRun.filter(playbook_id=playbook.id).count() == 3
    accounts = await PointsAccount.filter(member_id__in=[m.id for m in members])
    assert sorted(a.balance for a in accounts) == [10, 10, 10]
    assert await Notification.filter(kind=NotificationKind.PLAYBOOK_MESSAGE).count() == 3


async def test_a_playbook_runs_only_on_its_transition_while_active_and_not_before_it_was_made(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    admin = await make_admin()
    early, later, from_koc, switched_off = [await make_member() for _ in range(4)]
    await moved(c, early, Tier.DORMANT, days_ago=1, from_tier=Tier.POTENTIAL)
    clock.advance(minutes=5)
    only_from_koc = await create_playbook(
        c,
        admin,
        PlaybookDraft("KOC 掉队", "DORMANT", from_tier="KOC", message="想你", holdout_percent=0),
    )
    any_tier = await win_back_playbook(c, admin, holdout=0)
    off = await win_back_playbook(c, admin, holdout=0)
    await set_playbook_active(c, admin, off.id, False)
    clock.advance(minutes=5)
    await moved(c, later, Tier.DORMANT, days_ago=0, from_tier=Tier.POTENTIAL)
    await moved(c, from_koc, Tier.DORMANT, days_ago=0, from_tier=Tier.KOC)
    await moved(c, switched_off, Tier.NEWCOMER, days_ago=0)
    assert await catch_up_playbooks(c, c.clock.now()) == 3
    ran = set(await PlaybookRun.all().values_list("playbook_id", "member_id"))
    assert ran == {
        (any_tier.id, later.id),
        (any_tier.id, from_koc.id),
        (only_from_koc.id, from_koc.id),
    }


async def test_the_win_back_list_shows_the_treatment_and_hides_a_win_back_holdout(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    admin = await make_admin()
    group = await make_group(await make_host())
    welcome = await create_playbook(
        c, admin, PlaybookDraft("欢迎新人", "NEWCOMER", add_to_winback=True, holdout_percent=50)
    )
    win_back = await win_back_playbook(c, admin, holdout=50)
    members = [await make_member() for _ in range(16)]
    await join(c, group, *members)
    clock.advance(minutes=1)
    newcomers, lapsed = members[:8], members[8:]
    for member in newcomers:
        await moved(c, member, Tier.NEWCOMER, days_ago=0)
    for member in lapsed:
        await moved(c, member, Tier.DORMANT, days_ago=0, from_tier=Tier.POTENTIAL)
    await catch_up_playbooks(c, c.clock.now())
    listed = {change.member_id for change in await host_console.win_back(c, group.id)}
    expected = {m.id for m in newcomers if not in_holdout(m.id, welcome.id, 50)}
    expected |= {m.id for m in lapsed if not in_holdout(m.id, win_back.id, 50)}
    assert listed == expected
    assert len(listed) < len(members)


async def test_an_admin_makes_a_playbook_and_switches_it_off_and_on_audited(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    admin = await make_admin()
    playbook = await win_back_playbook(c, admin)
    assert (playbook.active, playbook.holdout_percent, playbook.created_by_id) == (
        True,
        50,
        admin.id,
    )
    await set_playbook_active(c, admin, playbook.id, False)
    await set_playbook_active(c, admin, playbook.id, False)  # no change, no entry
    await set_playbook_active(c, admin, playbook.id, True)
    entries = await AuditLogEntry.filter(target_type="PLAYBOOK", target_id=playbook.id).order_by(
        "id"
    )
    assert [e.action for e in entries] == [
        "PLAYBOOK_CREATED",
        "PLAYBOOK_DEACTIVATED",
        "PLAYBOOK_ACTIVATED",
    ]
    assert (await Playbook.get(id=playbook.id)).active


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (PlaybookDraft("唤", "DORMANT", message="好久不见"), "name"),
        (PlaybookDraft("唤醒", "SLEEPY", message="好久不见"), "toTier"),
        (PlaybookDraft("唤醒", "DORMANT", from_tier="DORMANT", message="好"), "fromTier"),
        (PlaybookDraft("唤醒", "DORMANT", bonus_points=-1, message="好"), "bonusPoints"),
        (PlaybookDraft("唤醒", "DORMANT", bonus_expiry_days=0, message="好"), "bonusExpiryDays"),
        (PlaybookDraft("唤醒", "DORMANT", holdout_percent=51, message="好"), "holdoutPercent"),
        (PlaybookDraft("唤醒", "DORMANT"), "message"),
    ],
)
async def test_bad_input_is_refused_field_by_field_and_changes_nothing(
    collaborators: Collaborators, draft: PlaybookDraft, field: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        await create_playbook(collaborators, await make_admin(), draft)
    assert [e.field for e in refused.value.field_errors] == [field]
    assert not await Playbook.exists()
    assert not await AuditLogEntry.filter(target_type="PLAYBOOK").exists()


async def test_only_admins_make_or_switch_playbooks(collaborators: Collaborators) -> None:
    c = collaborators
    resident = await make_member()
    with pytest.raises(PermissionDeniedError):
        await win_back_playbook(c, resident)
    playbook = await win_back_playbook(c, await make_admin())
    with pytest.raises(PermissionDeniedError):
        await set_playbook_active(c, resident, playbook.id, False)
    with pytest.raises(NotFoundError):
        await set_playbook_active(c, await Member.get(id=playbook.created_by_id), 999_999, False)
    assert (await Playbook.get(id=playbook.id)).active


async def test_a_playbook_message_spends_the_days_wechat_budget_like_any_other(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    c.settings = c.settings.with_overrides(
        wechat_templates=(("COMMENT", "tpl-comment"), ("PLAYBOOK_MESSAGE", "tpl-playbook")),
        notification_push_budget=1,
    )
    member = await resident(c, "o-lapsed", consents=3)
    await record_consent(c, member.id, ["tpl-playbook"])
    await notify(c, [member.id], comment(1))  # the day's one push
    playbook = await win_back_playbook(c, await make_admin(), holdout=0)
    await moved(c, member, Tier.DORMANT, days_ago=0, from_tier=Tier.POTENTIAL)
    await catch_up_playbooks(c, c.clock.now())
    rows = await PushDelivery.all().order_by("id")
    assert [(r.kind, r.status) for r in rows] == [
        (NotificationKind.COMMENT, PushStatus.PENDING),
        (NotificationKind.PLAYBOOK_MESSAGE, PushStatus.SKIPPED),
    ]
    assert rows[1].error_code == "OVER_BUDGET"
    run = await PlaybookRun.get(playbook_id=playbook.id)
    assert (
        run.notification_id == (await Notification.get(kind=NotificationKind.PLAYBOOK_MESSAGE)).id
    )


async def test_a_playbook_switched_on_again_leaves_the_changes_made_while_it_was_off(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    admin = await make_admin()
    playbook = await win_back_playbook(c, admin, holdout=0)
    await set_playbook_active(c, admin, playbook.id, False)
    clock.advance(hours=1)
    while_off, after = await make_member(), await make_member()
    await moved(c, while_off, Tier.DORMANT, days_ago=0, from_tier=Tier.POTENTIAL)
    clock.advance(hours=1)
    await set_playbook_active(c, admin, playbook.id, True)
    clock.advance(hours=1)
    await moved(c, after, Tier.DORMANT, days_ago=0, from_tier=Tier.POTENTIAL)
    assert await catch_up_playbooks(c, c.clock.now()) == 1
    assert [r.member_id for r in await PlaybookRun.all()] == [after.id]


async def test_a_message_lost_after_the_grant_arrives_with_the_nightly_pass_once(
    collaborators: Collaborators, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = collaborators
    playbook = await win_back_playbook(c, await make_admin(), holdout=0, points=10)
    first, second = await lapsing(c, 2)
    clock.advance(hours=1)

    async def stopped(*_: object, **__: object) -> list[int]:
        raise RuntimeError("the process stopped after the grant")

    monkeypatch.setattr(runner, "notify", stopped)
    await recompute_tiers(c)
    monkeypatch.undo()
    runs = {r.member_id: r for r in await PlaybookRun.filter(playbook_id=playbook.id)}
    assert sorted(runs) == sorted([first.id, second.id])
    assert all(r.notification_id is None and r.points_granted == 10 for r in runs.values())
    kind = NotificationKind.PLAYBOOK_MESSAGE
    assert not await Notification.filter(kind=kind).exists()
    # The first member's row was written, but the process stopped before linking it.
    key = f"playbook-run:{runs[first.id].id}"
    written = Notice(kind, params={"text": playbook.message, "points": 10}, group_key=key)
    await notify(c, [first.id], written)

    await catch_up_playbooks(c, c.clock.now())  # too soon: the runs' requests may still tell
    assert await Notification.filter(kind=kind).count() == 1
    clock.advance(minutes=11)
    await catch_up_playbooks(c, c.clock.now())
    await catch_up_playbooks(c, c.clock.now())
    rows = {n.recipient_id: n for n in await Notification.filter(kind=kind)}
    assert sorted(rows) == sorted([first.id, second.id])
    linked = {
        r.member_id: r.notification_id for r in await PlaybookRun.filter(playbook_id=playbook.id)
    }
    assert linked == {member_id: row.id for member_id, row in rows.items()}
    assert (
        sentence(kind, rows[second.id].params, None) == "好久不见，送你一份回归积分，10 积分已到账"
    )
