"""Sending deliveries, by the worker (``domain/jobs.py``), at least once each:

- a worker claims due deliveries (PENDING whose time came, or SENDING whose lease ran out: the
  worker that held it died) and marks them SENDING with a lease, one short transaction that
  skips rows another worker holds;
- it posts outside any transaction, signed (``signing.py``), with the event id as the
  receiver's idempotency key, to an address checked again (``guard.py``);
- a 2xx is DELIVERED; anything else is tried again after 30 s, 1 min, 2 min … (doubling, at
  most an hour apart) until a day after the event, then DEAD;
- an endpoint whose deliveries have failed for a day, or one of which went DEAD, is disabled
  (audited; the admin pages show it) and its waiting deliveries stay until it is enabled again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from tortoise import connections
from tortoise.expressions import Q

from domain.aftercommit import atomic
from domain.audit import record_change
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError
from domain.webhooks.guard import check_url
from domain.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from domain.webhooks.outbox import forget_endpoints
from domain.webhooks.signing import signature

log = logging.getLogger("linli.webhooks")

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=24)
DISABLE_AFTER = timedelta(hours=24)
LEASE = timedelta(seconds=60)
BATCH = 20
TIMEOUT_SECONDS = 5.0


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: 30 s, doubling, at most an hour."""
    wait: timedelta = FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20)
    return min(wait, LONGEST_WAIT)


async def claim_due(now: datetime, limit: int = BATCH) -> list[WebhookDelivery]:
    """Mark up to ``limit`` due deliveries of enabled endpoints as this worker's (SENDING, with
    a lease); rows another worker holds are skipped, not waited for."""
    due = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, lease_until__lt=now
    )
    async with atomic():
        query = (
            WebhookDelivery.filter(due, endpoint__enabled=True)
            .order_by("next_attempt_at", "id")
            .limit(limit)
        )
        if connections.get("default").capabilities.dialect == "postgres":
            query = query.select_for_update(skip_locked=True, of=("webhook_delivery",))
        rows = await query
        if not rows:
            return []
        ids = [row.id for row in rows]
        await WebhookDelivery.filter(id__in=ids).update(
            status=DeliveryStatus.SENDING, lease_until=now + LEASE
        )
    return await WebhookDelivery.filter(id__in=ids).select_related("endpoint").order_by("id")


@dataclass(frozen=True)
class Outcome:
    status: int | None  # the HTTP status, None when no answer came
    error: str | None


async def post(c: Collaborators, delivery: WebhookDelivery, now: datetime) -> Outcome:
    endpoint = delivery.endpoint
    try:
        await check_url(endpoint.url, c.settings.webhooks_allow_private)
    except InvalidInputError as refused:
        return Outcome(None, refused.field_errors[0].message)
    body = delivery.body.encode()
    stamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Linli-Webhooks/1",
        "X-Linli-Event": delivery.kind,
        "X-Linli-Event-Id": delivery.event_id,
        "X-Linli-Timestamp": str(stamp),
        "X-Linli-Signature": signature(endpoint.secret, stamp, body),
    }
    try:
        async with httpx.AsyncClient(
            timeout=TIMEOUT_SECONDS, follow_redirects=False, transport=c.webhook_transport
        ) as client:
            answer = await client.post(endpoint.url, content=body, headers=headers)
    except httpx.HTTPError as error:
        return Outcome(None, f"{type(error).__name__}: {error}"[:200])
    return Outcome(answer.status_code, None if answer.is_success else answer.text[:200] or None)


async def record(c: Collaborators, delivery: WebhookDelivery, outcome: Outcome) -> DeliveryStatus:
    """The attempt's outcome on the delivery, and on its endpoint's failure streak."""
    now = c.clock.now()
    attempts = delivery.attempts + 1
    endpoint = delivery.endpoint
    fields: dict[str, Any] = {
        "attempts": attempts,
        "last_status": outcome.status,
        "last_error": outcome.error,
    }
    if outcome.status is not None and 200 <= outcome.status < 300:
        status = DeliveryStatus.DELIVERED
        fields |= {"delivered_at": now, "last_error": None}
    else:
        wait = retry_delay(attempts)
        status = (
            DeliveryStatus.DEAD
            if now + wait > delivery.created_at + GIVE_UP_AFTER
            else DeliveryStatus.PENDING
        )
        fields |= {"next_attempt_at": now + wait}
    async with atomic():
        # Only the holder of the lease records (a late answer after another worker took over
        # the row is dropped: that worker's attempt counts).
        held = await WebhookDelivery.filter(
            id=delivery.id, status=DeliveryStatus.SENDING, lease_until=delivery.lease_until
        ).update(status=status, lease_until=None, **fields)
        if not held:
            return DeliveryStatus.SENDING
        if status is DeliveryStatus.DELIVERED:
            await WebhookEndpoint.filter(id=endpoint.id).update(failing_since=None)
        else:
            await _failed(endpoint, now, dead=status is DeliveryStatus.DEAD)
    return status


async def _failed(endpoint: WebhookEndpoint, now: datetime, dead: bool) -> None:
    await WebhookEndpoint.filter(id=endpoint.id, failing_since__isnull=True).update(
        failing_since=now
    )
    fresh = await WebhookEndpoint.get(id=endpoint.id)
    failing_for = now - (fresh.failing_since or now)
    if fresh.enabled and (dead or failing_for >= DISABLE_AFTER):
        reason = f"连续失败超过 24 小时，已自动停用（最后一次：{now:%Y-%m-%d %H:%M} UTC）"
        await WebhookEndpoint.filter(id=endpoint.id).update(enabled=False, disabled_reason=reason)
        if fresh.created_by_id is not None:  # the audit names the admin who registered it
            await record_change(
                actor_id=fresh.created_by_id,
                action="WEBHOOK_DISABLED",
                target_type="WEBHOOK",
                target_id=endpoint.id,
                now=now,
                reason=reason,
            )
        forget_endpoints()
        log.warning("webhook endpoint %s disabled after sustained failure", endpoint.id)


async def deliver_due(c: Collaborators, now: datetime | None = None, rounds: int = 50) -> int:
    """Claim and send what is due until nothing is (at most ``rounds`` batches); returns how
    many were delivered."""
    delivered = 0
    for _ in range(rounds):
        claimed = await claim_due(now or c.clock.now())
        if not claimed:
            break
        for delivery in claimed:
            outcome = await post(c, delivery, c.clock.now())
            if await record(c, delivery, outcome) is DeliveryStatus.DELIVERED:
                delivered += 1
    return delivered


async def disabled_endpoints() -> list[WebhookEndpoint]:
    """Endpoints switched off after failing (the admin pages' notice)."""
    return await WebhookEndpoint.filter(enabled=False, failing_since__isnull=False).order_by("id")
