"""Exposures: a sighting is buffered in Redis and counted once per member, post and day; the job
writes the buffer out in batches, once whatever crashes or concurrent runs happen; after 90 days
only the viewers per post and day remain."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from domain.clock import SHANGHAI, FrozenClock
from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import InvalidInputError, RateLimitedError
from domain.exposures import services as exposures
from domain.exposures.local import LocalSightings
from domain.exposures.models import ExposureSource, PostExposure, PostExposureDay
from domain.exposures.queries import viewers
from domain.jobs import run_due_jobs
from domain.posts.models import PostStatus
from tests.api.test_posts_api import make_post
from tests.factories import make_member
from tests.sqlcount import count_sql


async def test_a_sighting_counts_once_a_day_and_is_written_only_by_the_job(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    reader, author = await make_member(), await make_member()
    tomato, bread = await make_post(c, author, "番茄"), await make_post(c, author, "面包")
    with count_sql() as statements:
        new = await exposures.record(c, reader, [tomato.id, bread.id], ExposureSource.FEED)
    assert new == 2 and statements == []  # served without a database statement
    assert await exposures.record(c, reader, [tomato.id], ExposureSource.FEED) == 0
    await exposures.record_one(c, reader, tomato.id)  # opened the post too: still once today
    assert await PostExposure.all().count() == 0

    assert await exposures.flush(c) == 2
    rows = await PostExposure.filter(member_id=reader.id).order_by("post_id")
    assert [(r.post_id, r.source) for r in rows] == [
        (tomato.id, ExposureSource.FEED),
        (bread.id, ExposureSource.FEED),
    ]
    assert rows[0].day == clock.now().astimezone(SHANGHAI).date()
    assert await exposures.flush(c) == 0  # the buffer is empty: nothing twice

    clock.advance(days=1)
    assert await exposures.record(c, reader, [tomato.id], ExposureSource.FEED) == 1
    await exposures.flush(c)
    assert await viewers(tomato.id) == 2 and await viewers(bread.id) == 1


async def test_unpublished_and_unknown_posts_are_dropped_and_bad_reports_refused(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    reader, author = await make_member(), await make_member()
    pending = await make_post(c, author, "待审核", status=PostStatus.PENDING)
    shown = await make_post(c, author, "已发布")
    await exposures.record(c, reader, [pending.id, shown.id, 999_999], ExposureSource.FEED)
    assert await exposures.flush(c) == 1
    assert await column(PostExposure.all(), "post_id") == [shown.id]

    for bad in ([], list(range(1, 52)), [0]):
        with pytest.raises(InvalidInputError):
            await exposures.record(c, reader, bad, ExposureSource.FEED)
    assert await c.redis.exists(exposures.BUFFER) == 0


async def test_with_exposures_off_nothing_is_taken_but_bad_reports_are_still_refused(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = collaborators
    monkeypatch.setattr(c, "settings", c.settings.with_overrides(exposures_enabled=False))
    reader, author = await make_member(), await make_member()
    post = await make_post(c, author)
    assert await exposures.record(c, reader, [post.id], ExposureSource.FEED) == 0
    await exposures.record_one(c, reader, post.id)
    past = exposures.PastSighting(reader.id, post.id, ExposureSource.FEED, c.clock.now())
    assert await exposures.record_past(c, [past]) == 0
    with pytest.raises(InvalidInputError):
        await exposures.record(c, reader, [], ExposureSource.FEED)
    assert await c.redis.exists(exposures.BUFFER, f"rl:exposures:{reader.id}") == 0
    assert await exposures.flush(c) == 0
    assert await PostExposure.all().count() == 0


async def test_past_sightings_keep_their_own_moments_and_the_first_of_a_day_wins(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    reader, author = await make_member(), await make_member()
    tomato = await make_post(c, author, "番茄")
    pending = await make_post(c, author, "待审核", status=PostStatus.PENDING)
    morning = clock.now() - timedelta(days=3)
    sightings = [
        exposures.PastSighting(reader.id, tomato.id, ExposureSource.FEED, morning),
        exposures.PastSighting(
            reader.id, tomato.id, ExposureSource.DETAIL, morning + timedelta(minutes=30)
        ),
        exposures.PastSighting(
            reader.id, tomato.id, ExposureSource.DETAIL, morning + timedelta(days=1)
        ),
        exposures.PastSighting(reader.id, pending.id, ExposureSource.FEED, morning),
    ]
    assert await exposures.record_past(c, sightings) == 3
    assert await PostExposure.all().count() == 0  # buffered like live sightings
    assert await exposures.flush(c) == 2  # the unpublished post's is dropped
    rows = await PostExposure.filter(member_id=reader.id).order_by("seen_at")
    assert [(r.post_id, r.source, r.seen_at, r.day) for r in rows] == [
        (tomato.id, ExposureSource.FEED, morning, morning.astimezone(SHANGHAI).date()),
        (
            tomato.id,
            ExposureSource.DETAIL,
            morning + timedelta(days=1),
            (morning + timedelta(days=1)).astimezone(SHANGHAI).date(),
        ),
    ]


async def pushed(c: Collaborators) -> dict[Any, Any]:
    """What the process held, as the batch its push wrote to Redis."""
    await exposures.push(c)
    (key,) = [key async for key in c.redis.scan_iter(match=exposures.FLUSHING + "*")]
    entries: dict[Any, Any] = await c.redis.hgetall(key)
    return entries


async def test_a_batch_left_by_a_crash_is_written_by_the_next_run_and_counts_once(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    reader, author = await make_member(), await make_member()
    post = await make_post(c, author)
    await exposures.record(c, reader, [post.id], ExposureSource.FEED)
    entries = await pushed(c)
    await exposures.flush(c)
    # A run that wrote its batch and died before deleting it; and one that died before writing.
    await c.redis.hset(exposures.FLUSHING + "crashed-after", mapping=entries)
    await c.redis.hset(exposures.FLUSHING + "crashed-before", mapping=entries)
    assert await exposures.flush(c) == 1  # the same sighting in two batches: offered once
    assert await PostExposure.all().count() == 1
    assert [key async for key in c.redis.scan_iter(match=exposures.FLUSHING + "*")] == []


async def test_concurrent_runs_write_every_sighting_exactly_once(
    collaborators: Collaborators,
) -> None:
    """On PostgreSQL the runs hold separate connections: the unique (member, post, day) and ON
    CONFLICT DO NOTHING keep a batch two runs picked up from being written twice."""
    c = collaborators
    author = await make_member()
    posts = [await make_post(c, author, f"帖子{n}") for n in range(10)]
    readers = [await make_member() for _ in range(12)]
    for reader in readers:
        await exposures.record(c, reader, [p.id for p in posts], ExposureSource.FEED)
    entries = await pushed(c)
    for n in range(3):  # batches several runs will find at once
        await c.redis.hset(f"{exposures.FLUSHING}left-{n}", mapping=entries)
    await asyncio.gather(*(exposures.flush(c) for _ in range(4)))
    assert await PostExposure.all().count() == len(readers) * len(posts)


async def test_after_ninety_days_only_the_viewers_per_post_and_day_remain(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    author = await make_member()
    post = await make_post(c, author)
    readers = [await make_member() for _ in range(3)]
    first_day = clock.now().astimezone(SHANGHAI).date()
    for reader in readers:
        await exposures.record(c, reader, [post.id], ExposureSource.FEED)
    clock.advance(days=1)
    await exposures.record(c, readers[0], [post.id], ExposureSource.FEED)
    await exposures.flush(c)
    assert await viewers(post.id) == 4

    assert await exposures.compact(c, clock.now() + timedelta(days=89)) == 0  # not yet
    assert await exposures.compact(c, clock.now() + timedelta(days=90)) == 3  # the first day
    assert await PostExposure.all().count() == 1
    day_row = await PostExposureDay.get(post_id=post.id)
    assert (day_row.day, day_row.viewers) == (first_day, 3)
    assert await viewers(post.id) == 4  # the same figure, from the counts
    assert await exposures.compact(c, clock.now() + timedelta(days=90)) == 0  # once

    # A straggler for an already compacted day adds to its count.
    await PostExposure.create(
        member=readers[1],
        post=post,
        day=first_day,
        source=ExposureSource.DETAIL,
        seen_at=clock.now(),
    )
    assert await exposures.compact(c, clock.now() + timedelta(days=91)) == 2
    counts = (
        await PostExposureDay.filter(post_id=post.id).order_by("day").values_list("day", "viewers")
    )
    assert counts == [(first_day, 4), (first_day + timedelta(days=1), 1)]


async def test_the_due_jobs_write_the_buffer_out(collaborators: Collaborators) -> None:
    c = collaborators
    reader, author = await make_member(), await make_member()
    post = await make_post(c, author)
    await exposures.record(c, reader, [post.id], ExposureSource.MINIPROGRAM)
    done = await run_due_jobs(c)
    assert (done["exposures_written"], done["exposures_compacted"]) == (1, 0)
    assert await PostExposure.filter(source=ExposureSource.MINIPROGRAM).count() == 1


async def test_a_flood_of_reports_is_refused_past_the_minutes_limit_and_adds_nothing(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    reader, other, author = await make_member(), await make_member(), await make_member()
    posts = [await make_post(c, author, f"帖子{i}") for i in range(3)]
    limit = exposures.REPORTS.count
    for n in range(limit):
        post = posts[0] if n else posts[1]  # the first report sees post 1, the rest post 0
        await exposures.record(c, reader, [post.id], ExposureSource.FEED)
    with pytest.raises(RateLimitedError) as refused:
        await exposures.record(c, reader, [posts[2].id], ExposureSource.FEED)
    assert 1 <= refused.value.retry_after_seconds <= exposures.REPORTS.window_seconds
    assert await exposures.record(c, other, [posts[2].id], ExposureSource.FEED) == 1  # per member
    assert await exposures.flush(c) == 3
    seen = await PostExposure.filter(member_id=reader.id).order_by("post_id")
    assert [row.post_id for row in seen] == [posts[0].id, posts[1].id]  # not the refused one


async def test_each_process_holds_its_sightings_until_a_push_and_the_first_pushed_wins(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    """Two web processes share Redis: a sighting costs neither a round trip; pushed in either
    order, the same member, post and day keeps its earliest sighting."""
    c = collaborators
    other = Collaborators(c.settings, c.redis, c.clock, c.wechat)  # a second process
    reader, author = await make_member(), await make_member()
    post = await make_post(c, author)
    await exposures.record(c, reader, [post.id], ExposureSource.FEED)
    clock.advance(minutes=5)
    await exposures.record_one(other, reader, post.id)
    assert await c.redis.exists(exposures.BUFFER) == 0
    assert await exposures.push(other) == 1 and await exposures.push(c) == 1
    assert await exposures.push(c) == 0  # nothing held twice
    assert await exposures.flush(other) == 1  # two batches, one sighting: the earlier
    (row,) = await PostExposure.filter(member_id=reader.id)
    assert (row.source, row.seen_at) == (ExposureSource.FEED, clock.now() - timedelta(minutes=5))


async def test_a_push_redis_refused_is_held_and_sent_with_the_next(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = collaborators
    reader, author = await make_member(), await make_member()
    posts = [await make_post(c, author, f"帖子{n}") for n in range(2)]
    await exposures.record(c, reader, [posts[0].id], ExposureSource.FEED)

    def away(*_: object, **__: object) -> object:
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(c.redis, "hset", away)
    with pytest.raises(ConnectionError):
        await exposures.push(c)
    monkeypatch.undo()
    await exposures.record(c, reader, [posts[1].id], ExposureSource.FEED)
    assert len(c.sightings) == 2
    assert await exposures.flush(c) == 2


def test_a_process_holds_at_most_its_bound_and_counts_reports_per_window() -> None:
    held = LocalSightings()
    assert held.add([("1:1:2026-11-21", "FEED|1"), ("1:1:2026-11-21", "FEED|2")]) == 1
    assert held.take() == {"1:1:2026-11-21": "FEED|1"} and len(held) == 0
    held.give_back({"a": "old"})
    held.add([("a", "new"), ("b", "new")])
    assert held.take() == {"a": "old", "b": "new"}
    for n in range(3):
        held.count_report(7, 120.5 + n, limit=3, window_seconds=60)
    with pytest.raises(RateLimitedError) as refused:
        held.count_report(7, 125.0, limit=3, window_seconds=60)
    assert refused.value.retry_after_seconds == 55
    held.count_report(7, 180.0, limit=3, window_seconds=60)  # a new window
