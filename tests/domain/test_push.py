"""WeChat subscription messages against the stand-in: a consent is spent once per send, nothing
is sent without one, an expired token is refreshed, errors are recorded and retried a bounded
number of times, the day's budget and quiet hours hold (transactional kinds aside), and two
workers at once send each delivery once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity.models import Member, WechatIdentity
from domain.jobs import make_broker, run_due_jobs
from domain.notifications import push_delivery
from domain.notifications.models import NotificationKind, NotificationPreference
from domain.notifications.push import DELIVER_TASK, record_consent
from domain.notifications.push_delivery import deliver_pushes
from domain.notifications.push_models import PushDelivery, PushStatus, SubscriptionConsent
from domain.notifications.push_rules import retry_after
from domain.notifications.services import Notice, Subject, notify
from domain.notifications.wechat_send import TOKEN_KEY
from tests.factories import make_member
from tests.wechat_standin import DOWN, STANDIN

TEMPLATES = (
    ("COMMENT", "tpl-comment"),
    ("WAITLIST_PROMOTED", "tpl-waitlist"),
    ("CAMPAIGN_VOTING_OPENED", "tpl-campaign"),
)
NIGHT = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
NEXT_MORNING = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai


@pytest.fixture
def c(collaborators: Collaborators) -> Collaborators:
    collaborators.settings = collaborators.settings.with_overrides(
        wechat_templates=TEMPLATES, notification_push_budget=3
    )
    return collaborators


@pytest.fixture(autouse=True)
def _fresh_standin() -> Iterator[None]:
    STANDIN.reset()
    yield
    STANDIN.reset()


async def resident(c: Collaborators, openid: str, consents: int = 0) -> Member:
    member = await make_member()
    now = c.clock.now()
    await WechatIdentity.create(
        openid=openid, session_key="sk", member=member, created_at=now, updated_at=now
    )
    if consents:
        await SubscriptionConsent.create(
            member=member, template_id="tpl-comment", remaining=consents, updated_at=now
        )
    return member


def comment(post_id: int, title: str = "番茄种植心得") -> Notice:
    return Notice(
        NotificationKind.COMMENT, subject=Subject("Post", post_id), params={"title": title}
    )


async def consent_left(member: Member, template: str = "tpl-comment") -> int:
    row = await SubscriptionConsent.get(member_id=member.id, template_id=template)
    return row.remaining


async def test_a_send_spends_one_consent_and_reaches_the_member_once(c: Collaborators) -> None:
    member = await resident(c, "o-anna", consents=2)
    await notify(c, [member.id], comment(1))
    assert await deliver_pushes(c) == 1
    assert await deliver_pushes(c) == 0
    (sent,) = STANDIN.delivered()
    assert (sent.openid, sent.template_id) == ("o-anna", "tpl-comment")
    assert sent.data["thing1"] == {"value": "你的帖子有新评论：番茄种植心得"}
    assert sent.data["time2"] == {"value": "2026-11-21 10:00"}
    assert sent.page.startswith("pages/notifications/index?id=")
    assert await consent_left(member) == 1
    (delivery,) = await PushDelivery.all()
    assert (delivery.status, delivery.attempts, delivery.sent_at) == (
        PushStatus.SENT,
        1,
        c.clock.now(),
    )


async def test_nothing_is_sent_without_a_consent_left(c: Collaborators) -> None:
    never = await resident(c, "o-never")
    once = await resident(c, "o-once", consents=1)
    await notify(c, [never.id, once.id], comment(1))
    await notify(c, [once.id], comment(2))
    assert await deliver_pushes(c) == 1
    assert [s.openid for s in STANDIN.sends] == ["o-once"]
    rows = await PushDelivery.all().order_by("id")
    assert [(r.member_id, r.status, r.error_code) for r in rows] == [
        (never.id, PushStatus.SKIPPED, "NO_CONSENT"),
        (once.id, PushStatus.SENT, None),
        (once.id, PushStatus.SKIPPED, "NO_CONSENT"),
    ]
    assert await consent_left(once) == 0


async def test_no_delivery_for_a_kind_without_template_or_with_wechat_turned_off(
    c: Collaborators,
) -> None:
    member = await resident(c, "o-quiet", consents=5)
    await NotificationPreference.create(
        member_id=member.id, kind=NotificationKind.COMMENT, in_app=True, wechat=False
    )
    await notify(c, [member.id], comment(1))
    await notify(c, [member.id], Notice(NotificationKind.TIER_UP))
    assert await PushDelivery.all().count() == 0


async def test_an_expired_access_token_is_refreshed_and_the_send_tried_once_more(
    c: Collaborators,
) -> None:
    member = await resident(c, "o-token", consents=2)
    await notify(c, [member.id], comment(1))
    await deliver_pushes(c)
    assert await c.redis.get(TOKEN_KEY) == "tok-1"
    assert 0 < await c.redis.ttl(TOKEN_KEY) <= 7200 - 300
    STANDIN.expire_tokens()
    await notify(c, [member.id], comment(2))
    assert await deliver_pushes(c) == 1
    assert [(s.token, s.errcode) for s in STANDIN.sends] == [
        ("tok-1", 0),
        ("tok-1", 40001),
        ("tok-2", 0),
    ]
    assert await c.redis.get(TOKEN_KEY) == "tok-2"
    assert await consent_left(member) == 0


async def test_a_busy_wechat_is_tried_a_bounded_number_of_times_then_failed(
    c: Collaborators, clock: FrozenClock
) -> None:
    member = await resident(c, "o-busy", consents=1)
    STANDIN.script_send("o-busy", *[-1] * 10)
    await notify(c, [member.id], comment(1))
    for attempt in range(1, push_delivery.MAX_ATTEMPTS + 1):
        assert await deliver_pushes(c) == 0
        assert await consent_left(member) == 1  # given back: WeChat did not take it
        clock.advance(seconds=retry_after(attempt).total_seconds())
    for _ in range(3):
        await deliver_pushes(c)
        clock.advance(hours=2)
    assert len(STANDIN.sends) == push_delivery.MAX_ATTEMPTS
    (delivery,) = await PushDelivery.all()
    assert (delivery.status, delivery.error_code, delivery.attempts) == (
        PushStatus.FAILED,
        "-1",
        push_delivery.MAX_ATTEMPTS,
    )
    assert delivery.budget_slot is None


async def test_a_refusal_is_recorded_at_once_and_an_unreachable_wechat_waits_its_back_off(
    c: Collaborators, clock: FrozenClock
) -> None:
    refused = await resident(c, "o-refused", consents=1)
    unsubscribed = await resident(c, "o-unsubscribed", consents=3)
    down = await resident(c, "o-down", consents=1)
    STANDIN.script_send("o-refused", 40003)
    STANDIN.script_send("o-unsubscribed", 43101)
    STANDIN.script_send("o-down", DOWN)
    await notify(c, [refused.id, unsubscribed.id, down.id], comment(1))
    assert await deliver_pushes(c) == 0
    rows = {r.member_id: r for r in await PushDelivery.all()}
    assert (rows[refused.id].status, rows[refused.id].error_code) == (PushStatus.FAILED, "40003")
    assert rows[refused.id].error_message == "scripted error"
    assert rows[unsubscribed.id].status == PushStatus.FAILED
    assert await consent_left(unsubscribed) == 0  # WeChat says none is left
    assert await consent_left(refused) == 1
    assert rows[down.id].status == PushStatus.PENDING
    assert rows[down.id].due_at == clock.now() + retry_after(1)
    clock.advance(seconds=retry_after(1).total_seconds())
    assert await deliver_pushes(c) == 1
    assert [s.openid for s in STANDIN.delivered()] == ["o-down"]


async def test_the_fourth_push_of_the_day_is_skipped_and_a_transactional_one_still_sent(
    c: Collaborators, clock: FrozenClock
) -> None:
    member = await resident(c, "o-busy-day", consents=10)
    await record_consent(c, member.id, ["tpl-waitlist"])
    for post_id in range(1, 5):
        await notify(c, [member.id], comment(post_id))
    await notify(c, [member.id], Notice(NotificationKind.WAITLIST_PROMOTED))
    rows = await PushDelivery.all().order_by("id")
    assert [(r.status, r.budget_slot) for r in rows] == [
        (PushStatus.PENDING, 1),
        (PushStatus.PENDING, 2),
        (PushStatus.PENDING, 3),
        (PushStatus.SKIPPED, None),
        (PushStatus.PENDING, None),
    ]
    assert rows[3].error_code == "OVER_BUDGET"
    assert await deliver_pushes(c) == 4
    assert [s.template_id for s in STANDIN.delivered()] == ["tpl-comment"] * 3 + ["tpl-waitlist"]
    clock.advance(hours=24)  # the next Shanghai day: a fresh budget
    await notify(c, [member.id], comment(5))
    tomorrow = await PushDelivery.get(notification__subject_id=5)
    assert (tomorrow.status, tomorrow.budget_slot) == (PushStatus.PENDING, 1)


async def test_at_night_a_push_waits_for_eight_and_a_transactional_one_goes_at_once(
    c: Collaborators, clock: FrozenClock
) -> None:
    clock.advance(seconds=(NIGHT - clock.now()).total_seconds())
    member = await resident(c, "o-night", consents=3)
    await record_consent(c, member.id, ["tpl-waitlist"])
    await notify(c, [member.id], comment(1))
    await notify(c, [member.id], Notice(NotificationKind.WAITLIST_PROMOTED))
    night, promoted = await PushDelivery.all().order_by("id")
    assert night.due_at == NEXT_MORNING
    assert night.budget_day == NEXT_MORNING.date()  # it spends the morning's budget
    assert promoted.due_at == NIGHT
    assert await deliver_pushes(c) == 1
    assert [s.template_id for s in STANDIN.delivered()] == ["tpl-waitlist"]
    clock.advance(hours=9)
    assert await deliver_pushes(c) == 1
    assert [s.template_id for s in STANDIN.delivered()] == ["tpl-waitlist", "tpl-comment"]


async def test_a_night_push_folded_into_a_newer_one_is_superseded_and_its_slot_freed(
    c: Collaborators, clock: FrozenClock
) -> None:
    clock.advance(seconds=(NIGHT - clock.now()).total_seconds())
    member = await resident(c, "o-fold", consents=3)
    notice = Notice(NotificationKind.COMMENT, subject=Subject("Post", 1), group_key="c:1")
    await notify(c, [member.id], notice)
    clock.advance(minutes=20)
    await notify(c, [member.id], notice)
    clock.advance(hours=9)
    assert await deliver_pushes(c) == 1
    first, second = await PushDelivery.all().order_by("id")
    assert (first.status, first.error_code, first.budget_slot) == (
        PushStatus.SKIPPED,
        "SUPERSEDED",
        None,
    )
    assert second.status == PushStatus.SENT
    assert await consent_left(member) == 2


async def test_a_member_without_an_openid_is_skipped_and_keeps_the_consent(
    c: Collaborators,
) -> None:
    member = await make_member()
    await record_consent(c, member.id, ["tpl-comment"])
    await notify(c, [member.id], comment(1))
    assert await deliver_pushes(c) == 0
    (row,) = await PushDelivery.all()
    assert (row.status, row.error_code) == (PushStatus.SKIPPED, "NO_OPENID")
    assert await consent_left(member) == 1


async def test_offers_kick_the_delivery_job_and_the_due_jobs_run_sends_what_is_due(
    c: Collaborators,
) -> None:
    kicked: list[str] = []

    class Recorder:
        async def kick(self, task_name: str, *args: int | str) -> None:
            kicked.append(task_name)

    c.jobs = Recorder()
    member = await resident(c, "o-kick", consents=1)
    stranger = await resident(c, "o-stranger")
    await notify(c, [stranger.id], comment(1))  # skipped: nothing to send, no kick
    assert kicked == []
    await notify(c, [member.id], comment(2))
    assert kicked == [DELIVER_TASK]
    done = await run_due_jobs(c)
    assert done["pushes_sent"] == 1


async def test_a_worker_that_died_mid_send_leaves_a_failure_never_a_second_send(
    c: Collaborators, clock: FrozenClock
) -> None:
    member = await resident(c, "o-died", consents=1)
    await notify(c, [member.id], comment(1))
    await PushDelivery.all().update(status=PushStatus.SENDING, claimed_at=clock.now())
    clock.advance(minutes=20)
    assert await deliver_pushes(c) == 0
    (row,) = await PushDelivery.all()
    assert (row.status, row.error_code) == (PushStatus.FAILED, "INTERRUPTED")
    assert STANDIN.sends == []


@pytest.mark.postgres_only
async def test_two_deliverers_at_once_send_each_delivery_once(c: Collaborators) -> None:
    members = [await resident(c, f"o-race-{i}", consents=1) for i in range(12)]
    await notify(c, [m.id for m in members], comment(1))
    sent = await asyncio.gather(deliver_pushes(c), deliver_pushes(c), deliver_pushes(c))
    assert sum(sent) == 12
    assert sorted(s.openid for s in STANDIN.sends) == sorted(f"o-race-{i}" for i in range(12))
    assert await PushDelivery.filter(status=PushStatus.SENT).count() == 12
    assert await SubscriptionConsent.filter(remaining=0).count() == 12


@pytest.mark.postgres_only
async def test_offers_at_once_never_overrun_the_days_budget(c: Collaborators) -> None:
    member = await resident(c, "o-burst", consents=20)
    await asyncio.gather(*(notify(c, [member.id], comment(i)) for i in range(1, 9)))
    rows = await PushDelivery.filter(member_id=member.id)
    assert len(rows) == 8
    slots = [r.budget_slot for r in rows if r.status == PushStatus.PENDING]
    assert sorted(slot or 0 for slot in slots) == [1, 2, 3]


async def test_the_in_process_queue_sends_the_push_an_offer_kicked(c: Collaborators) -> None:
    member = await resident(c, "o-queue", consents=1)
    broker = make_broker(c, "memory://")
    await broker.startup()
    try:
        await notify(c, [member.id], comment(1))
        # Until the delivery is recorded as sent, which comes after WeChat took the message:
        # stopping the queue in between would leave the row to be retried.
        for _ in range(100):
            if await PushDelivery.filter(status=PushStatus.SENT).exists():
                break
            await asyncio.sleep(0.05)
    finally:
        await broker.shutdown()
    assert [s.openid for s in STANDIN.delivered()] == ["o-queue"]
    assert await PushDelivery.filter(status=PushStatus.SENT).count() == 1
