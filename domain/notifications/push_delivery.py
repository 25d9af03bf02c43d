"""The worker's half of WeChat pushes: send the deliveries that are due, each at most once.

A worker claims a delivery and spends one of the member's consents in one transaction, by
conditional updates (``status = PENDING``, ``remaining > 0``): of two workers only one claims,
and a delivery without consent left is skipped, never sent. The request to WeChat goes after
that commit. Then:

- sent: SENT;
- WeChat busy or unreachable (or the token still refused after a fresh one): the consent is
  given back and the delivery waits ``push_rules.retry_after`` — at most ``MAX_ATTEMPTS`` tries,
  then FAILED;
- refused for good (bad openid, template, data…): FAILED with WeChat's errcode and errmsg, the
  consent given back (WeChat spends one only on a send it accepts); 43101 (no subscription left
  on WeChat's side) sets the count to zero instead;
- a delivery never sent gives its budget slot back.

A worker that died mid-send leaves a SENDING delivery: after ``CLAIM_TIMEOUT`` it is FAILED
(INTERRUPTED), not sent again — it may have gone out."""

from __future__ import annotations

from base64 import b64encode
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from domain.collaborators import Collaborators
from domain.columns import column
from domain.identity.models import WechatIdentity
from domain.identity.wechat import WechatAnswer
from domain.notifications import push_rules
from domain.notifications.models import Notification
from domain.notifications.push_models import PushDelivery, PushStatus, SubscriptionConsent
from domain.notifications.wechat_send import Verdict, send_message, verdict

SWEEP = 200  # deliveries per run; the next kick or hourly run takes the rest
MAX_ATTEMPTS = 4
CLAIM_TIMEOUT = timedelta(minutes=15)


async def deliver_pushes(c: Collaborators, now: datetime | None = None) -> int:
    """Send the deliveries due at ``now`` (default: the clock's); returns how many went out."""
    now = now or c.clock.now()
    await _fail_interrupted(now)
    due = PushDelivery.filter(status=PushStatus.PENDING, due_at__lte=now)
    sent = 0
    for delivery_id in await column(due.order_by("due_at", "id").limit(SWEEP), "id"):
        sent += await deliver(c, delivery_id, now)
    return sent


async def deliver(c: Collaborators, delivery_id: int, now: datetime) -> bool:
    """Send one delivery if it is still pending and due; whether it went out."""
    delivery = await PushDelivery.get_or_none(
        id=delivery_id, status=PushStatus.PENDING, due_at__lte=now
    )
    if delivery is None:
        return False
    notification = await _notification(delivery)
    openid = await _openid(delivery.member_id)
    if notification is None or openid is None:
        await _skip(delivery, "SUPERSEDED" if notification is None else "NO_OPENID")
        return False
    if not await _claim(delivery, now):
        return False
    answer = await send_message(c, _message(c, delivery, notification, openid))
    await _record(delivery, answer, now)
    return answer.errcode == 0


async def _notification(delivery: PushDelivery) -> Notification | None:
    if delivery.notification_id is None:  # folded into a newer one, which has its own offer
        return None
    return await Notification.get_or_none(id=delivery.notification_id)


async def _openid(member_id: int) -> str | None:
    identity = await WechatIdentity.filter(member_id=member_id).order_by("-id").first()
    return identity.openid if identity else None


async def _skip(delivery: PushDelivery, reason: str) -> None:
    await PushDelivery.filter(id=delivery.id, status=PushStatus.PENDING).update(
        status=PushStatus.SKIPPED, error_code=reason, budget_slot=None
    )


async def _claim(delivery: PushDelivery, now: datetime) -> bool:
    """Claim the delivery and spend a consent, or neither: one transaction."""
    async with in_transaction():
        claimed = await PushDelivery.filter(
            id=delivery.id, status=PushStatus.PENDING, due_at__lte=now
        ).update(status=PushStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        if not claimed:
            return False
        spent = (
            await _consent(delivery)
            .filter(remaining__gt=0)
            .update(remaining=F("remaining") - 1, updated_at=now)
        )
        if not spent:
            await PushDelivery.filter(id=delivery.id).update(
                status=PushStatus.SKIPPED, error_code="NO_CONSENT", budget_slot=None
            )
    return bool(spent)


def _consent(delivery: PushDelivery) -> QuerySet[SubscriptionConsent]:
    return SubscriptionConsent.filter(
        member_id=delivery.member_id, template_id=delivery.template_id
    )


def _message(
    c: Collaborators, delivery: PushDelivery, notification: Notification, openid: str
) -> dict[str, Any]:
    # The page opens the notification by its API id (``Notification`` global ID, as web/ids.py
    # spells every global ID: base64 of "Type:pk").
    global_id = b64encode(f"Notification:{notification.id}".encode()).decode()
    return {
        "touser": openid,
        "template_id": delivery.template_id,
        "page": f"{c.settings.wechat_push_page}?id={global_id}",
        "data": push_rules.template_data(
            notification.kind, notification.params, notification.created_at
        ),
    }


async def _record(delivery: PushDelivery, answer: WechatAnswer, now: datetime) -> None:
    outcome = verdict(answer)
    mine = PushDelivery.filter(id=delivery.id, status=PushStatus.SENDING)
    error = {"error_code": str(answer.errcode), "error_message": answer.errmsg[:200]}
    if outcome is Verdict.SENT:
        await mine.update(status=PushStatus.SENT, sent_at=now, error_code=None, error_message=None)
        return
    attempts = delivery.attempts + 1
    async with in_transaction():
        if outcome is Verdict.NO_SUBSCRIPTION:
            await _consent(delivery).update(remaining=0, updated_at=now)
        else:  # WeChat spends a consent only on a send it accepts
            await _consent(delivery).update(remaining=F("remaining") + 1, updated_at=now)
        if outcome is Verdict.RETRY and attempts < MAX_ATTEMPTS:
            retry_at = now + push_rules.retry_after(attempts)
            await mine.update(status=PushStatus.PENDING, due_at=retry_at, **error)
        else:
            await mine.update(status=PushStatus.FAILED, budget_slot=None, **error)


async def _fail_interrupted(now: datetime) -> None:
    await PushDelivery.filter(status=PushStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT).update(
        status=PushStatus.FAILED, error_code="INTERRUPTED", budget_slot=None
    )
