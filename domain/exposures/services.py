"""Recording that members saw posts, privacy-safe and off the feed's path.

A sighting costs the request a dictionary insert in its process (``domain/exposures/local.py``,
one per member, post and day, Asia/Shanghai: the first of the day wins there), and each web
process pushes what it holds to Redis every second as one batch (``push``); nothing touches the
database while a page is served. Sightings reported after the fact (``record_past``) go to a
Redis buffer with ``HSETNX``. The due jobs write every batch into ``post_exposure`` (``flush``,
which pushes its own process's first; the buffer is renamed into a batch, so sightings arriving
meanwhile start a new one): a batch a crash left behind is picked up by the next run, and the
table's unique (member, post, day) makes a sighting in two batches, or a batch written twice,
count once. Raw exposures are kept ``RAW_RETENTION_DAYS``; after that only
the viewers per post and day remain (``compact``)."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from redis.exceptions import ResponseError
from tortoise.expressions import F
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from domain.clock import SHANGHAI
from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import InvalidInputError
from domain.exposures.models import ExposureSource, PostExposure, PostExposureDay
from domain.identity.models import Member
from domain.posts.models import Post, PostStatus
from domain.ratelimit import Limit

BUFFER = "exposures:buffer"
FLUSHING = "exposures:flushing:"
MAX_POSTS = 50  # one report: the cards of a page or two
RAW_RETENTION_DAYS = 90
BATCH = 1000
KEYS_PER_WRITE = 50  # batches merged into one write (a minute of one process's pushes and more)
REPORTS = Limit("exposures", 120, 60)  # a minute's reports from one member, per process
log = logging.getLogger("linli.exposures")


def _post_ids(raw: Iterable[int]) -> list[int]:
    ids = list(dict.fromkeys(raw))
    if not ids:
        raise InvalidInputError.single("postIds", "请至少给出一篇帖子")
    if len(ids) > MAX_POSTS:
        raise InvalidInputError.single("postIds", f"一次最多报告 {MAX_POSTS} 篇帖子")
    if any(post_id <= 0 for post_id in ids):
        raise InvalidInputError.single("postIds", "帖子编号无效")
    return ids


async def record(
    c: Collaborators, member: Member, post_ids: Iterable[int], source: ExposureSource
) -> int:
    """The member saw these posts now; returns how many this process had not held for them
    today. Invalid input (none, more than ``MAX_POSTS``) raises ``InvalidInputError``; a flood
    ``RateLimitedError``; unknown or unpublished posts are dropped when the buffer is written out.
    No I/O: the sightings wait in this process (``domain/exposures/local.py``) until ``push``.
    With exposures off (``Settings.exposures_enabled``) the input is still checked, nothing is
    taken: 0."""
    ids = _post_ids(post_ids)
    if not c.settings.exposures_enabled:
        return 0
    now = c.clock.now()
    c.sightings.count_report(member.id, now.timestamp(), REPORTS.count, REPORTS.window_seconds)
    day, at = _day_and_value(source, now)
    return c.sightings.add((f"{member.id}:{post_id}:{day}", at) for post_id in ids)


async def record_one(c: Collaborators, member: Member, post_id: int) -> None:
    """The member opened the post's page (no limit: one per page served); nothing with exposures
    off. No I/O, as ``record``."""
    if not c.settings.exposures_enabled:
        return
    c.sightings.add([_entry(member.id, post_id, ExposureSource.DETAIL, c.clock.now())])


PUSH_SECONDS = 1.0


async def push(c: Collaborators) -> int:
    """This process's sightings into Redis as one batch for ``flush`` (a single ``HSET`` of a key
    of its own: one command however many, where an ``HSETNX`` each cost the web process more
    than the rest of the report); returns how many were pushed. Batches pushed by several
    processes may hold the same member, post and day: the table's unique key keeps the one
    written first. If Redis refuses, they are held again for the next push."""
    entries = c.sightings.take()
    if not entries:
        return 0
    try:
        batch: dict[Any, Any] = entries  # redis-py's mapping type wants its own key union
        await c.redis.hset(FLUSHING + "pushed-" + secrets.token_hex(8), mapping=batch)
    except Exception:
        c.sightings.give_back(entries)
        raise
    return len(entries)


async def push_every(c: Collaborators, seconds: float = PUSH_SECONDS) -> None:
    """One loop per web process (``asgi.py``); the app's shutdown pushes a last time."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await push(c)
        except Exception as error:  # Redis away: held, and the next round tries again
            log.warning("pushing sightings failed: %s", error)


@dataclass(frozen=True)
class PastSighting:
    """A sighting reported after the fact, at the moment it happened."""

    member_id: int
    post_id: int
    source: ExposureSource
    seen_at: datetime


async def record_past(c: Collaborators, sightings: Iterable[PastSighting]) -> int:
    """Sightings that happened earlier (a history loaded in one go, such as the demo's), buffered
    like live ones at their own moments: the first of each member, post and Shanghai day wins, so
    pass them in time order. ``flush`` writes them, dropping unknown members and unpublished
    posts as for live ones. Returns how many were new to the buffer; with exposures off
    (``Settings.exposures_enabled``) nothing is taken: 0."""
    if not c.settings.exposures_enabled:
        return 0
    added = 0
    batch = list(sightings)
    for start in range(0, len(batch), BATCH):
        async with c.redis.pipeline(transaction=False) as pipe:
            for s in batch[start : start + BATCH]:
                pipe.hsetnx(BUFFER, *_entry(s.member_id, s.post_id, s.source, s.seen_at))
            added += sum(1 for was_new in await pipe.execute() if was_new)
    return added


def _day_and_value(source: ExposureSource, now: datetime) -> tuple[str, str]:
    return now.astimezone(SHANGHAI).date().isoformat(), f"{source.value}|{int(now.timestamp())}"


def _entry(member_id: int, post_id: int, source: ExposureSource, now: datetime) -> tuple[str, str]:
    """The buffer's field (member, post, Shanghai day: one a day) and value (how, when)."""
    day, value = _day_and_value(source, now)
    return f"{member_id}:{post_id}:{day}", value


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _parse(field: str, value: str) -> tuple[int, int, date, ExposureSource, datetime] | None:
    try:
        member_id, post_id, day = field.split(":")
        source, at = value.split("|")
        return (
            int(member_id),
            int(post_id),
            date.fromisoformat(day),
            ExposureSource(source),
            datetime.fromtimestamp(int(at), UTC),
        )
    except ValueError:
        return None


async def _write(entries: dict[str, str]) -> int:
    parsed = [row for row in (_parse(k, v) for k, v in entries.items()) if row is not None]
    posts = {row[1] for row in parsed}
    members = {row[0] for row in parsed}
    published = set(await column(Post.filter(id__in=posts, status=PostStatus.PUBLISHED), "id"))
    known = set(await column(Member.filter(id__in=members), "id"))
    rows = [
        PostExposure(member_id=m, post_id=p, day=d, source=s, seen_at=at)
        for m, p, d, s, at in parsed
        if p in published and m in known
    ]
    for start in range(0, len(rows), BATCH):
        # ON CONFLICT DO NOTHING: a batch written twice (a crash after writing) counts once.
        await PostExposure.bulk_create(rows[start : start + BATCH], ignore_conflicts=True)
    return len(rows)


async def flush(c: Collaborators) -> int:
    """Move the buffered sightings into ``post_exposure``; returns how many rows were offered
    (written or already there). Batches read together are merged first, the earliest sighting of
    a member, post and day winning (a later one would put the sighting after a purchase it came
    before); across runs the first written stays. Safe to run concurrently and after a crash."""
    await push(c)  # what this process holds goes with the rest
    batch = FLUSHING + secrets.token_hex(8)
    if await c.redis.exists(BUFFER):
        try:
            await c.redis.rename(BUFFER, batch)
        except ResponseError as error:  # another run renamed it first
            if "no such key" not in str(error).lower():
                raise
    keys = [_text(key) async for key in c.redis.scan_iter(match=FLUSHING + "*", count=100)]
    written = 0
    for at in range(0, len(keys), KEYS_PER_WRITE):
        group = keys[at : at + KEYS_PER_WRITE]
        merged: dict[str, str] = {}
        for key in group:
            for raw_field, raw_value in (await c.redis.hgetall(key)).items():
                field, value = _text(raw_field), _text(raw_value)
                if field not in merged or _moment(value) < _moment(merged[field]):
                    merged[field] = value  # the day's earliest sighting among the batches
        if merged:
            written += await _write(merged)
        await c.redis.delete(*group)
    return written


def _moment(value: str) -> int:
    """When a buffered sighting happened (its value is ``SOURCE|unix seconds``)."""
    try:
        return int(value.rsplit("|", 1)[1])
    except (IndexError, ValueError):
        return 2**62  # unreadable: loses to any other; ``_parse`` drops it


async def compact(c: Collaborators, now: datetime | None = None) -> int:
    """Days older than ``RAW_RETENTION_DAYS`` keep only their viewers per post: each such day's
    raw rows are counted into ``post_exposure_day`` and deleted in one transaction (a day is
    compacted once; a later straggler adds to its count). Returns the raw rows dropped."""
    today = (now or c.clock.now()).astimezone(SHANGHAI).date()
    cutoff = today - timedelta(days=RAW_RETENTION_DAYS)
    days = await column(
        PostExposure.filter(day__lt=cutoff).distinct().order_by("day").limit(31), "day"
    )
    dropped = 0
    for day in days:
        async with in_transaction():
            counts = (
                await PostExposure.filter(day=day)
                .group_by("post_id")
                .annotate(viewers=Count("id"))
                .values_list("post_id", "viewers")
            )
            existing = set(await PostExposureDay.filter(day=day).values_list("post_id", flat=True))
            for post_id, viewers in counts:
                if post_id in existing:
                    await PostExposureDay.filter(post_id=post_id, day=day).update(
                        viewers=F("viewers") + viewers
                    )
            await PostExposureDay.bulk_create(
                [
                    PostExposureDay(post_id=post_id, day=day, viewers=viewers)
                    for post_id, viewers in counts
                    if post_id not in existing
                ],
                batch_size=BATCH,
            )
            dropped += await PostExposure.filter(day=day).delete()
    return dropped
