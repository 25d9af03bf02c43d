"""Writing deliveries: ``enqueue`` is called inside the transaction that writes the event, so a
delivery exists exactly when its event committed (an outbox); admins register, change and
re-enable endpoints and ask for a delivery again."""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson

from domain.aftercommit import atomic
from domain.audit import record_change
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, NotFoundError
from domain.identity.models import Member, Role
from domain.identity.policies import require_role
from domain.webhooks.guard import check_url
from domain.webhooks.models import DeliveryStatus, EventKind, WebhookDelivery, WebhookEndpoint

NO_KINDS = "请至少选择一种事件"


async def enqueue(kind: EventKind, data: Mapping[str, Any], now: datetime) -> int:
    """One delivery of the event per enabled endpoint that wants its kind; call it inside the
    event's own transaction. Returns how many."""
    return await enqueue_all(kind, [data], now)


async def enqueue_all(kind: EventKind, events: Sequence[Mapping[str, Any]], now: datetime) -> int:
    """``enqueue`` for many events of one kind (a tier run's changes): one insert whatever
    their number (and the endpoints read, when not kept)."""
    if not events:
        return 0
    endpoints = [e for e in await enabled_endpoints() if kind.value in e[1]]
    if not endpoints:
        return 0
    rows = []
    for endpoint_id, _ in endpoints:
        for data in events:
            event_id = str(uuid.uuid4())
            body = {"id": event_id, "type": kind.value, "created_at": now.isoformat(), "data": data}
            rows.append(
                WebhookDelivery(
                    endpoint_id=endpoint_id,
                    event_id=event_id,
                    kind=kind.value,
                    body=orjson.dumps(body).decode(),
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    await WebhookDelivery.bulk_create(rows)
    return len(rows)


# The enabled endpoints and their kinds, kept by each process for a few seconds: the hot writes
# (a redemption) then send no statement for webhooks when none are registered. A change made
# by this process is seen at once, another process's within ``KEPT_SECONDS``.
KEPT_SECONDS = 5.0
_kept: tuple[float, list[tuple[int, list[str]]]] | None = None


async def enabled_endpoints() -> list[tuple[int, list[str]]]:
    global _kept
    if _kept is not None and time.monotonic() - _kept[0] < KEPT_SECONDS:
        return _kept[1]
    rows = await WebhookEndpoint.filter(enabled=True).values_list("id", "kinds")
    found = [(int(i), list(kinds or [])) for i, kinds in rows]
    _kept = (time.monotonic(), found)
    return found


def forget_endpoints() -> None:
    """Read the endpoints afresh at the next event (after a change, or another process's)."""
    global _kept
    _kept = None


def _kinds(chosen: list[str]) -> list[str]:
    known = {k.value for k in EventKind}
    kinds = sorted({k for k in chosen if k in known})
    if not kinds:
        raise InvalidInputError.single("kinds", NO_KINDS)
    return kinds


async def create_endpoint(
    c: Collaborators, admin: Member, url: str, kinds: list[str]
) -> WebhookEndpoint:
    """A new endpoint with a fresh secret (shown to the admin to configure the receiver)."""
    require_role(admin, Role.ADMIN)
    url = url.strip()
    await check_url(url, c.settings.webhooks_allow_private)
    chosen = _kinds(kinds)
    now = c.clock.now()
    async with atomic():
        endpoint = await WebhookEndpoint.create(
            url=url,
            secret="whsec_" + secrets.token_urlsafe(32),
            kinds=chosen,
            created_by=admin,
            created_at=now,
        )
        await record_change(
            actor_id=admin.id,
            action="WEBHOOK_CREATED",
            target_type="WEBHOOK",
            target_id=endpoint.id,
            now=now,
            after={"url": url, "kinds": chosen},
        )
    forget_endpoints()
    return endpoint


async def set_enabled(
    c: Collaborators, admin: Member, endpoint_id: int, enabled: bool
) -> WebhookEndpoint:
    """Switch an endpoint off, or back on (its failures forgotten)."""
    require_role(admin, Role.ADMIN)
    endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id)
    if endpoint is None:
        raise NotFoundError("推送地址不存在")
    now = c.clock.now()
    async with atomic():
        endpoint.enabled = enabled
        endpoint.disabled_reason = None if enabled else "管理员停用"
        endpoint.failing_since = None
        await endpoint.save(update_fields=["enabled", "disabled_reason", "failing_since"])
        await record_change(
            actor_id=admin.id,
            action="WEBHOOK_ENABLED" if enabled else "WEBHOOK_DISABLED",
            target_type="WEBHOOK",
            target_id=endpoint.id,
            now=now,
        )
    forget_endpoints()
    return endpoint


async def redeliver(c: Collaborators, admin: Member, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again (the same event id, so the receiver can tell), now and with a new
    day of tries."""
    require_role(admin, Role.ADMIN)
    now = c.clock.now()
    updated = (
        await WebhookDelivery.filter(id=delivery_id)
        .exclude(status=DeliveryStatus.SENDING)
        .update(status=DeliveryStatus.PENDING, next_attempt_at=now, attempts=0, created_at=now)
    )
    if not updated:
        raise NotFoundError("这条推送不存在或正在发送")
    return await WebhookDelivery.get(id=delivery_id)


async def endpoints_with_deliveries(
    per_endpoint: int = 20,
) -> list[tuple[WebhookEndpoint, list[WebhookDelivery]]]:
    """Every endpoint, newest first, with its latest deliveries (the admin page's log)."""
    endpoints = await WebhookEndpoint.all().order_by("-id")
    out = []
    for endpoint in endpoints:
        latest = (
            await WebhookDelivery.filter(endpoint_id=endpoint.id)
            .order_by("-id")
            .limit(per_endpoint)
        )
        out.append((endpoint, latest))
    return out
