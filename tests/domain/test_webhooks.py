"""Webhooks out: deliveries are written with their event (an outbox), signed, sent by the worker
to a local receiver, retried with back-off on the injected clock until a day has passed, then
dead and the endpoint disabled; a delivery a worker claimed and never finished is sent again
after its lease; the SSRF guard refuses private addresses unless the settings allow them."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from datetime import timedelta

import orjson
import pytest

from domain.aftercommit import atomic
from domain.campaigns import services as campaigns
from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import InvalidInputError, PermissionDeniedError
from domain.identity import services as identity
from domain.identity.models import Member, Role
from domain.posts import services as posts
from domain.posts.models import AuditLogEntry
from domain.purchases.services import record_purchases
from domain.rewards import services as rewards
from domain.rewards.models import Redemption
from domain.segments.recompute import recompute_tiers
from domain.segments.rfm import Tier
from domain.webhooks import delivery as sender
from domain.webhooks import outbox
from domain.webhooks.guard import PRIVATE, check_url
from domain.webhooks.models import DeliveryStatus, EventKind, WebhookDelivery, WebhookEndpoint
from domain.webhooks.signing import signature, verify
from tests.domain.campaign_helpers import admin, voting_campaign
from tests.domain.points_helpers import fund, make_reward
from tests.domain.purchase_helpers import make_admin, order
from tests.domain.search_helpers import author, moderator, publish
from tests.domain.test_identity_services import IP, registration
from tests.domain.test_tiers import town  # noqa: F401 (the fixture)
from tests.factories import make_estate, make_member
from tests.webhook_receiver import Receiver, webhook_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as found:
        yield found


@pytest.fixture
def c(collaborators: Collaborators) -> Collaborators:
    """The test setting: a receiver on this machine (loopback) may be registered."""
    collaborators.settings = dataclasses.replace(
        collaborators.settings, webhooks_allow_private=True
    )
    return collaborators


async def _endpoint(c: Collaborators, url: str, *kinds: EventKind) -> WebhookEndpoint:
    chosen = [k.value for k in kinds] or [k.value for k in EventKind]
    return await outbox.create_endpoint(c, await admin(c), url, chosen)


async def _redeem(c: Collaborators, key: str = "webhook-key-0001") -> int:
    member = await make_member()
    await fund(c, member, 100)
    reward = await make_reward(c, cost=10)
    return (await rewards.redeem_reward(c, member, reward.id, 1, key)).id


def test_the_signature_is_what_the_readme_tells_receivers_to_check() -> None:
    body = b'{"id":"e1","type":"redemption.created"}'
    signed = signature("whsec_abc", 1_764_900_000, body)
    assert signed.startswith("sha256=") and len(signed) == 7 + 64
    assert verify("whsec_abc", "1764900000", body, signed, now=1_764_900_100)
    assert not verify("whsec_other", "1764900000", body, signed, now=1_764_900_100)
    assert not verify("whsec_abc", "1764900000", body + b" ", signed, now=1_764_900_100)
    assert not verify("whsec_abc", "1764900000", body, signed, now=1_764_900_000 + 301)


async def test_a_delivery_exists_exactly_when_its_event_committed(
    c: Collaborators, receiver: Receiver
) -> None:
    await _endpoint(c, receiver.url, EventKind.REDEMPTION_CREATED)
    with pytest.raises(RuntimeError):
        async with atomic():
            await outbox.enqueue(EventKind.REDEMPTION_CREATED, {"redemption_id": 1}, c.clock.now())
            raise RuntimeError("the event's transaction fails")
    assert await WebhookDelivery.all().count() == 0

    redemption_id = await _redeem(c)
    made = await WebhookDelivery.get()
    body = orjson.loads(made.body)
    assert made.kind == "redemption.created" and body["id"] == made.event_id
    assert body["data"]["redemption_id"] == redemption_id
    assert "pickup_code" not in made.body
    # A kind the endpoint did not ask for writes nothing.
    await outbox.enqueue(EventKind.POST_FEATURED, {"post_id": 1}, c.clock.now())
    assert await WebhookDelivery.all().count() == 1


async def test_a_failed_send_is_retried_after_its_back_off_with_the_same_signed_event(
    c: Collaborators, receiver: Receiver
) -> None:
    endpoint = await _endpoint(c, receiver.url)
    await _redeem(c)
    receiver.answer(500)

    assert await sender.deliver_due(c) == 0
    waiting = await WebhookDelivery.get()
    assert waiting.status == DeliveryStatus.PENDING and waiting.attempts == 1
    assert waiting.last_status == 500
    assert waiting.next_attempt_at == c.clock.now() + timedelta(seconds=30)

    c.clock.advance(seconds=29)  # type: ignore[attr-defined]
    assert await sender.deliver_due(c) == 0 and len(receiver.received) == 1
    c.clock.advance(seconds=1)  # type: ignore[attr-defined]
    assert await sender.deliver_due(c) == 1
    done = await WebhookDelivery.get()
    assert done.status == DeliveryStatus.DELIVERED and done.attempts == 2

    first, second = receiver.received
    assert first.headers["x-linli-event-id"] == second.headers["x-linli-event-id"]
    assert second.headers["x-linli-event"] == "redemption.created"
    stamp = second.headers["x-linli-timestamp"]
    assert verify(
        endpoint.secret, stamp, second.body, second.headers["x-linli-signature"], now=int(stamp)
    )
    assert orjson.loads(second.body)["id"] == done.event_id


async def test_after_a_day_of_failures_the_delivery_is_dead_and_the_endpoint_disabled(
    c: Collaborators, receiver: Receiver
) -> None:
    endpoint = await _endpoint(c, receiver.url)
    await _redeem(c)
    receiver.answer(*([503] * 100))
    start, waits = c.clock.now(), []
    while True:
        await sender.deliver_due(c)
        row = await WebhookDelivery.get()
        if row.status is not DeliveryStatus.PENDING:
            break
        waits.append(row.next_attempt_at - c.clock.now())
        c.clock.advance(seconds=(row.next_attempt_at - c.clock.now()).total_seconds())  # type: ignore[attr-defined]
    assert row.status == DeliveryStatus.DEAD
    minutes = [w.total_seconds() / 60 for w in waits]
    assert minutes[:8] == [0.5, 1, 2, 4, 8, 16, 32, 60]
    assert set(minutes[7:]) == {60}  # at most an hour apart
    assert c.clock.now() - start <= timedelta(hours=24)
    assert c.clock.now() + timedelta(hours=1) > start + timedelta(hours=24)

    off = await WebhookEndpoint.get(id=endpoint.id)
    assert not off.enabled and off.disabled_reason and "自动停用" in off.disabled_reason
    assert await AuditLogEntry.filter(action="WEBHOOK_DISABLED", target_id=endpoint.id).exists()
    assert [e.id for e in await sender.disabled_endpoints()] == [endpoint.id]
    # While it is off, nothing more is written or sent for it.
    await _redeem(c, "webhook-key-0002")
    assert await WebhookDelivery.all().count() == 1


async def test_a_delivery_claimed_by_a_worker_that_died_is_sent_after_its_lease(
    c: Collaborators, receiver: Receiver
) -> None:
    await _endpoint(c, receiver.url)
    await _redeem(c)
    claimed = await sender.claim_due(c.clock.now())  # the worker dies before it sends
    assert len(claimed) == 1

    c.clock.advance(seconds=30)  # type: ignore[attr-defined]
    assert await sender.deliver_due(c) == 0  # still leased
    assert receiver.received == []
    c.clock.advance(seconds=31)  # type: ignore[attr-defined]
    assert await sender.deliver_due(c) == 1
    assert receiver.event_ids() == [claimed[0].event_id]
    assert (await WebhookDelivery.get()).status == DeliveryStatus.DELIVERED


async def test_a_late_answer_to_a_worker_whose_lease_lapsed_changes_nothing(
    c: Collaborators, receiver: Receiver
) -> None:
    await _endpoint(c, receiver.url)
    await _redeem(c)
    (slow,) = await sender.claim_due(c.clock.now())
    c.clock.advance(seconds=61)  # type: ignore[attr-defined]
    (taken_over,) = await sender.claim_due(c.clock.now())
    late = await sender.record(c, slow, sender.Outcome(500, "busy"))
    assert late is DeliveryStatus.SENDING  # dropped: the row is the other worker's now
    row = await WebhookDelivery.get()
    assert (row.status, row.attempts, row.last_status) == (DeliveryStatus.SENDING, 0, None)
    assert await sender.record(c, taken_over, sender.Outcome(200, None)) is DeliveryStatus.DELIVERED
    assert (await WebhookDelivery.get()).attempts == 1


async def test_redelivering_sends_the_same_event_again(
    c: Collaborators, receiver: Receiver
) -> None:
    await _endpoint(c, receiver.url)
    await _redeem(c)
    await sender.deliver_due(c)
    row = await WebhookDelivery.get()
    await outbox.redeliver(c, await admin(c), row.id)
    assert (await WebhookDelivery.get()).status == DeliveryStatus.PENDING
    await sender.deliver_due(c)
    assert receiver.event_ids() == [row.event_id, row.event_id]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hooks",
        "http://10.0.0.5/hooks",
        "http://192.168.1.20/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hooks",
        "http://[::ffff:127.0.0.1]/hooks",
        "http://localhost/hooks",
        "http://0.0.0.0/hooks",
    ],
)
async def test_private_addresses_are_refused_in_production_settings(url: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        await check_url(url, allow_private=False)
    assert refused.value.field_errors[0].message == PRIVATE
    await check_url(url, allow_private=True)  # the test setting


async def test_a_public_address_passes_and_other_schemes_do_not() -> None:
    await check_url("https://8.8.8.8/hooks", allow_private=False)
    for bad in ("ftp://8.8.8.8/x", "file:///etc/passwd", "8.8.8.8/x", "https:///x"):
        with pytest.raises(InvalidInputError):
            await check_url(bad, allow_private=False)


async def test_the_guard_holds_at_registration_and_again_at_each_send(
    c: Collaborators, receiver: Receiver
) -> None:
    strict = dataclasses.replace(c.settings, webhooks_allow_private=False)
    boss = await admin(c)
    c.settings = strict
    with pytest.raises(InvalidInputError):
        await outbox.create_endpoint(c, boss, receiver.url, ["redemption.created"])
    assert await WebhookEndpoint.all().count() == 0
    # Registered while allowed, then the setting is off: nothing is sent to it.
    c.settings = dataclasses.replace(strict, webhooks_allow_private=True)
    await outbox.create_endpoint(c, boss, receiver.url, ["redemption.created"])
    await _redeem(c)
    c.settings = strict
    assert await sender.deliver_due(c) == 0
    assert receiver.received == []
    assert (await WebhookDelivery.get()).last_error == PRIVATE


async def test_an_endpoint_needs_a_kind_and_staff_other_than_admins_are_refused(
    c: Collaborators, receiver: Receiver
) -> None:
    with pytest.raises(InvalidInputError):
        await outbox.create_endpoint(c, await admin(c), receiver.url, ["nothing.known"])
    with pytest.raises(PermissionDeniedError):
        await outbox.create_endpoint(c, await make_member(), receiver.url, ["post.featured"])


@pytest.mark.postgres_only
async def test_two_workers_send_each_delivery_once(c: Collaborators, receiver: Receiver) -> None:
    endpoint = await _endpoint(c, receiver.url, EventKind.POST_FEATURED)
    for i in range(30):
        await outbox.enqueue(EventKind.POST_FEATURED, {"post_id": i}, c.clock.now())
    sent = await asyncio.gather(sender.deliver_due(c), sender.deliver_due(c))
    assert sum(sent) == 30
    ids = receiver.event_ids()
    assert len(ids) == 30 and len(set(ids)) == 30
    assert (
        await WebhookDelivery.filter(
            endpoint_id=endpoint.id, status=DeliveryStatus.DELIVERED
        ).count()
        == 30
    )


async def _kinds_written() -> list[str]:
    return sorted(await column(WebhookDelivery.all(), "kind"))


async def test_each_event_of_the_programme_writes_its_delivery(
    c: Collaborators,
    receiver: Receiver,
    town: dict[str, Member],  # noqa: F811
) -> None:
    """Registration, a referral rewarded, a redemption made, fulfilled and cancelled, a post
    featured, a campaign closed and a tier run's changes each write their kind."""
    await _endpoint(c, receiver.url)
    estate, inviter = await make_estate(), await make_member()
    invited = registration(estate.id, phone="13799990001", invite_code=inviter.invite_code)
    invitee = await identity.register_member(c, invited, IP)
    assert await _kinds_written() == ["member.registered"]
    await record_purchases(c, await make_admin(), [order(c, "WH-1", invitee)])
    rewarded = await WebhookDelivery.get(kind="referral.rewarded")
    assert orjson.loads(rewarded.body)["data"]["referrer_id"] == inviter.id

    host = await make_member(roles=(Role.HOST,))
    first = await _redeem(c, "webhook-key-0003")
    made = await Redemption.get(id=first)
    await rewards.fulfil_redemption(c, host, made.pickup_code)
    second = await _redeem(c, "webhook-key-0004")
    owner = await Member.get(id=(await Redemption.get(id=second)).member_id)
    await rewards.cancel_redemption(c, owner, second)
    post = await publish(c, await author(c), "阳台番茄", "今年的番茄特别甜")
    await posts.moderate_post(c, await moderator(), post.id, "FEATURE")
    campaign, _ = await voting_campaign(c)
    await campaigns.close_campaign(c, campaign.id, await admin(c))
    await Member.filter(id=town["buyer20"].id).update(tier=Tier.POTENTIAL.value)
    await recompute_tiers(c)

    written = await _kinds_written()
    for kind in (
        "campaign.closed",
        "post.featured",
        "redemption.cancelled",
        "redemption.created",
        "redemption.fulfilled",
    ):
        assert kind in written, written
    assert written.count("redemption.created") == 2
    tiers = [
        orjson.loads(d.body)["data"]
        for d in await WebhookDelivery.filter(kind="member.tier_changed")
    ]
    assert {"member_id": town["buyer20"].id, "from": "POTENTIAL", "to": "KOC"} in tiers
    assert all("phone" not in d.body for d in await WebhookDelivery.all())
