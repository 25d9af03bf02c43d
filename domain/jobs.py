"""Background jobs on taskiq: Redis lists in production, in-process in the zero-setup mode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from taskiq import AsyncBroker, InMemoryBroker
from taskiq_redis import ListQueueBroker

from domain.identity.models import AuthToken

TOKEN_RETENTION = timedelta(days=7)


def make_broker(redis_url: str) -> AsyncBroker:
    broker: AsyncBroker
    if redis_url.startswith("memory://"):
        broker = InMemoryBroker()
    else:
        broker = ListQueueBroker(redis_url, queue_name="linli:jobs")
    broker.register_task(purge_expired_tokens, task_name="purge_expired_tokens")
    return broker


async def purge_expired_tokens(now_iso: str | None = None) -> int:
    """Delete tokens that expired or were revoked more than a week ago; returns how many."""
    now = datetime.fromisoformat(now_iso) if now_iso else datetime.now(UTC)
    cutoff = now - TOKEN_RETENTION
    expired = await AuthToken.filter(expires_at__lt=cutoff).delete()
    revoked = await AuthToken.filter(revoked_at__lt=cutoff).delete()
    return expired + revoked
