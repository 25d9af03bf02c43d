"""Live tallies in Redis, derived from the votes and rebuildable from them at any time.

After a vote commits: ``HINCRBY tally:<campaign> <entry> 1`` if the tally is complete (its
marker exists; see domain.stores: a tally lost with Redis's data is counted again from the votes
on the next read, never bumped while partial), then publish the campaign's tally
on the channel ``tally:<campaign>`` unless one went out in the last second (``SET NX PX``); a
throttled campaign is marked dirty and each process's publisher loop sends it when the second is
up. Subscribers coalesce too, so a client sees at most one push a second per campaign."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass

import orjson
from redis.asyncio import Redis
from tortoise.functions import Count

from domain import stores
from domain.campaigns.models import Campaign, CampaignEntry, Vote
from domain.campaigns.rules import results_visible
from domain.columns import column

PUSH_INTERVAL_MS = 1000
DIRTY = "tally:dirty"
log = logging.getLogger("linli.tally")


def tally_key(campaign_id: int) -> str:
    return f"tally:{campaign_id}"


def tally(campaign_id: int) -> stores.Derived:
    return stores.Derived(tally_key(campaign_id), "hash")


def channel(campaign_id: int) -> str:
    return f"tally:{campaign_id}"


@dataclass(frozen=True)
class Tally:
    campaign_id: int
    visible: bool
    counts: dict[int, int]

    def to_json(self) -> bytes:
        return orjson.dumps(
            {"campaignId": self.campaign_id, "visible": self.visible, "counts": self.counts},
            option=orjson.OPT_NON_STR_KEYS,
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> Tally:
        data = orjson.loads(raw)
        counts = {int(k): int(v) for k, v in data["counts"].items()}
        return cls(int(data["campaignId"]), bool(data["visible"]), counts)

    def shown(self) -> Tally:
        """What a client may see: no count at all while results are hidden."""
        return self if self.visible else Tally(self.campaign_id, False, {})


async def record_vote(redis: Redis, campaign_id: int, entry_id: int) -> None:
    await stores.increment(redis, tally(campaign_id), str(entry_id), 1)
    await publish_soon(redis, campaign_id)


async def doubt_vote(redis: Redis, campaign_id: int) -> None:
    """A vote whose commit's outcome is unknown: the tally is recounted on its next read."""
    await stores.mark_incomplete(redis, tally(campaign_id))


async def publish_soon(redis: Redis, campaign_id: int) -> None:
    if await redis.set(f"tally:sent:{campaign_id}", "1", px=PUSH_INTERVAL_MS, nx=True):
        await publish(redis, campaign_id)
    else:
        await redis.sadd(DIRTY, str(campaign_id))


async def read_counts(redis: Redis, campaign_id: int) -> dict[int, int]:
    from_database = await stores.heal(redis, tally(campaign_id), _loader(campaign_id))
    if from_database is not None:
        return {int(k): v for k, v in from_database.items()}
    raw = await redis.hgetall(tally_key(campaign_id))
    return {int(k): int(v) for k, v in raw.items()}


def _loader(campaign_id: int) -> stores.Loader:
    async def load() -> dict[str, int]:
        return {str(k): v for k, v in (await counts_from_database(campaign_id)).items()}

    return load


async def _visible(campaign_id: int) -> bool:
    row = await Campaign.filter(id=campaign_id).values_list("hide_results", "closed_at")
    return bool(row) and results_visible(row[0][0], row[0][1] is not None)


async def publish(redis: Redis, campaign_id: int) -> None:
    tally = Tally(campaign_id, await _visible(campaign_id), await read_counts(redis, campaign_id))
    await redis.publish(channel(campaign_id), tally.to_json())


async def publish_dirty(redis: Redis) -> int:
    """Send every dirty campaign whose last push is a second old; returns how many went out."""
    sent = 0
    for raw in await redis.smembers(DIRTY):
        campaign_id = int(raw)
        if await redis.set(f"tally:sent:{campaign_id}", "1", px=PUSH_INTERVAL_MS, nx=True):
            await redis.srem(DIRTY, raw)
            await publish(redis, campaign_id)
            sent += 1
    return sent


async def publish_dirty_forever(redis: Redis, tick: float = 0.1) -> None:
    """One loop per app process."""
    while True:
        try:
            await stores.settle(redis)  # structures whose update failed while Redis was away
            await publish_dirty(redis)
        except Exception as error:  # Redis away: the next round tries again
            log.warning("tally publisher round failed: %s", error)
        await asyncio.sleep(tick)


async def counts_from_database(campaign_id: int) -> dict[int, int]:
    rows = (
        await Vote.filter(campaign_id=campaign_id)
        .annotate(n=Count("id"))
        .group_by("entry_id")
        .values_list("entry_id", "n")
    )
    return {int(entry_id): int(n) for entry_id, n in rows}


async def rebuild(redis: Redis, campaign_id: int) -> dict[int, int]:
    """Recompute one campaign's hash from the votes in the database."""
    counts = await stores.rebuild(redis, tally(campaign_id), _loader(campaign_id))
    return {int(k): v for k, v in counts.items()}


async def ensure_open_tallies(redis: Redis) -> int:
    """Rebuild the tally of every campaign still open whose tally is not complete (the due
    jobs); returns how many were rebuilt."""
    rebuilt = 0
    open_ids = await column(Campaign.filter(closed_at__isnull=True), "id")
    for campaign_id in open_ids:
        if await stores.heal(redis, tally(campaign_id), _loader(campaign_id)) is not None:
            rebuilt += 1
    return rebuilt


async def rebuild_all(redis: Redis) -> int:
    ids: list[int] = [c.id for c in await Campaign.all().only("id")]
    for campaign_id in ids:
        await rebuild(redis, campaign_id)
    return len(ids)


async def snapshot(campaign_id: int) -> Tally:
    """The tally as the database has it now (the entries' counters)."""
    rows = await CampaignEntry.filter(campaign_id=campaign_id, vote_count__gt=0).values_list(
        "id", "vote_count"
    )
    return Tally(campaign_id, await _visible(campaign_id), {int(i): int(n) for i, n in rows})


async def follow(
    redis: Redis, campaign_id: int, min_interval: float = PUSH_INTERVAL_MS / 1000
) -> AsyncGenerator[Tally, None]:
    """The current tally, then every change, at most one every ``min_interval`` seconds."""
    pubsub = redis.pubsub()
    await pubsub.subscribe(channel(campaign_id))
    try:
        yield await snapshot(campaign_id)
        last = float("-inf")
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if message is None:
                continue
            latest = Tally.from_json(message["data"])
            deadline = last + min_interval
            while (left := deadline - time.monotonic()) > 0:
                more = await pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
                if more is not None:
                    latest = Tally.from_json(more["data"])
            yield latest
            last = time.monotonic()
    finally:
        await pubsub.unsubscribe(channel(campaign_id))
        await pubsub.aclose()
