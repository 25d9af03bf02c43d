"""The stores under faults: derived Redis structures heal themselves after Redis loses its
data, an increment never builds a partial board, a failed update is repaired, migrations copy
their enums and take turns, /healthz answers within a second, timeouts are typed."""

from __future__ import annotations

import ast
import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from tortoise.backends.asyncpg import client as asyncpg_client
from tortoise.backends.sqlite.client import SqliteTransactionWrapper
from tortoise.exceptions import OperationalError

from asgi import create_app
from domain import stores
from domain.campaigns import live
from domain.campaigns import services as campaigns
from domain.collaborators import Collaborators
from domain.errors import ServiceBusyError
from domain.identity.models import Member
from domain.points import leaderboard
from domain.points.services import award_points
from tests.domain.campaign_helpers import voter, voting_campaign
from tests.factories import make_member
from tests.stores import ON_POSTGRES, POSTGRES_URL, REDIS_URL


async def _earn(c: Collaborators, member: Member, amount: int, ref: str) -> None:
    await award_points(c, member.id, "referral", ref, amount)


class _Away:
    """A Redis client whose every script call fails as a cut connection does."""

    async def eval(self, *args: Any) -> Any:
        raise RedisConnectionError("Redis is away")


async def test_after_redis_is_wiped_the_boards_and_tallies_equal_the_database_on_the_next_read(
    collaborators: Collaborators,
) -> None:
    c, now = collaborators, collaborators.clock.now()
    members = [await make_member() for _ in range(3)]
    for n, member in enumerate(members):
        await _earn(c, member, 10 * (n + 1), f"before-{n}")
    assert await leaderboard.top(c.redis, now, 10) == [
        (m.id, 10 * (3 - i)) for i, m in enumerate(reversed(members))
    ]
    campaign, entries = await voting_campaign(c)
    await campaigns.cast_vote(c, await voter(c), entries[0].id)

    await c.redis.flushdb()  # Redis restarted without persistence
    await _earn(c, members[0], 100, "after-wipe")  # an increment on a board that is gone
    await campaigns.cast_vote(c, await voter(c), entries[1].id)

    board = await leaderboard.top(c.redis, now, 10)
    in_database = await leaderboard.earned_in_month(now)  # voters earned a point each too
    assert board == [(int(m), n) for m, n in stores.ranked(in_database)]
    assert board[:3] == [(members[0].id, 110), (members[2].id, 30), (members[1].id, 20)]
    assert await leaderboard.rank_of(c.redis, now, members[1].id) == (3, 20)
    assert (
        await live.read_counts(c.redis, campaign.id)
        == await live.counts_from_database(campaign.id)
        == {entries[0].id: 1, entries[1].id: 1}
    )
    # and the rebuilt structures keep counting
    await _earn(c, members[1], 1000, "later")
    assert (await leaderboard.top(c.redis, now, 1)) == [(members[1].id, 1020)]


async def test_a_starting_process_has_every_board_rebuilt_from_the_database_on_its_next_read(
    collaborators: Collaborators,
) -> None:
    c, now = collaborators, collaborators.clock.now()
    member = await make_member()
    await _earn(c, member, 40, "seen")
    assert await leaderboard.top(c.redis, now, 10) == [(member.id, 40)]  # built, complete
    # a worker dies after committing an award and before bumping the board: the award is in
    # the database, the board never heard of it
    await _earn(c, member, 7, "lost-bump")
    await c.redis.zincrby(leaderboard.month_key(now), -7, str(member.id))
    assert await leaderboard.top(c.redis, now, 10) == [(member.id, 40)]

    assert await stores.forget_completeness(c.redis) >= 1  # what a starting process does

    assert await leaderboard.top(c.redis, now, 10) == [(member.id, 47)]


async def test_an_increment_while_the_marker_is_missing_does_not_create_a_partial_board(
    collaborators: Collaborators,
) -> None:
    c, now = collaborators, collaborators.clock.now()
    first, second = await make_member(), await make_member()
    await _earn(c, first, 40, "a")
    await leaderboard.top(c.redis, now, 10)  # built and complete
    await c.redis.flushdb()
    await _earn(c, second, 5, "b")
    assert await c.redis.exists(leaderboard.month_key(now)) == 0  # nothing partial was created
    assert await leaderboard.top(c.redis, now, 10) == [(first.id, 40), (second.id, 5)]


async def test_an_increment_skipped_during_a_rebuild_keeps_that_rebuild_from_being_installed(
    redis: Redis,
) -> None:
    board = stores.Derived("test:board", "zset")
    calls = 0

    async def load() -> dict[str, int]:
        nonlocal calls
        calls += 1
        if calls == 1:  # a write commits after this read; its increment is skipped
            assert not await stores.increment(redis, board, "7", 3)
            return {"1": 5}
        return {"1": 5, "7": 3}

    assert await stores.heal(redis, board, load) == {"1": 5}
    assert not await stores.is_complete(redis, board)  # the stale copy was not installed
    assert await stores.heal(redis, board, load) == {"1": 5, "7": 3}
    assert await stores.is_complete(redis, board)
    assert await redis.zscore("test:board", "7") == 3


@pytest.mark.parametrize("how", ["failed increment", "commit in doubt", "a process started"])
async def test_a_board_marked_for_rebuild_during_a_rebuild_keeps_that_rebuild_from_being_installed(
    redis: Redis, how: str
) -> None:
    board = stores.Derived("test:spoilt", "zset")
    calls = 0

    async def load() -> dict[str, int]:
        nonlocal calls
        calls += 1
        if calls == 1:  # a write commits after this read; its bump is lost, then Redis answers
            if how == "failed increment":
                with pytest.raises(RedisConnectionError):
                    await stores.increment(_Away(), board, "7", 3)  # type: ignore[arg-type]
                assert await stores.settle(redis) >= 1
            elif how == "commit in doubt":
                await stores.mark_incomplete(redis, board)
            else:  # a worker killed before its bump was replaced: the new one forgets
                await stores.forget_completeness(redis)
            return {"1": 5}
        return {"1": 5, "7": 3}

    assert await stores.heal(redis, board, load) == {"1": 5}
    assert not await stores.is_complete(redis, board)  # the copy without 7 was not installed
    assert await stores.heal(redis, board, load) == {"1": 5, "7": 3}
    assert await stores.is_complete(redis, board)
    assert await redis.zscore("test:spoilt", "7") == 3


async def test_a_cold_board_read_by_many_at_once_is_read_from_the_database_once(
    redis: Redis,
) -> None:
    """A process start forgets every board; the requests that arrive together wait for the one
    rebuild instead of each reading the month's ledger (which, at scale, timed them all out)."""
    board = stores.Derived("test:cold", "zset")
    loads = 0

    async def load() -> dict[str, int]:
        nonlocal loads
        loads += 1
        await asyncio.sleep(0.2)  # a slow aggregate
        return {"1": 5, "2": 3}

    answers = await asyncio.gather(*(stores.heal(redis, board, load) for _ in range(20)))
    assert loads == 1
    assert answers.count({"1": 5, "2": 3}) == 1  # the rebuild's own caller
    assert answers.count(None) == 19  # the others read the installed board from Redis
    assert await stores.is_complete(redis, board)


async def test_a_waiting_read_loads_by_itself_when_the_rebuild_gives_up(redis: Redis) -> None:
    board = stores.Derived("test:abandoned", "zset")
    await redis.set(board.lock, "another-process", px=100)  # a rebuild that dies unfinished
    assert await stores.heal(redis, board, _constant({"1": 1})) == {"1": 1}


async def test_an_increment_that_fails_marks_the_board_for_rebuild_once_redis_answers(
    redis: Redis,
) -> None:
    board = stores.Derived("test:failing", "hash")
    await stores.rebuild(redis, board, _constant({"1": 2}))
    assert await stores.is_complete(redis, board)

    with pytest.raises(RedisConnectionError):
        await stores.increment(_Away(), board, "1", 1)  # type: ignore[arg-type]
    assert await stores.settle(redis) >= 1  # Redis answers again
    assert not await stores.is_complete(redis, board)
    assert await stores.heal(redis, board, _constant({"1": 3})) == {"1": 3}
    assert await redis.hgetall("test:failing") == {"1": "3"}


def _commit_then(monkeypatch: pytest.MonkeyPatch, commits: bool) -> None:
    """Every transaction's COMMIT fails as a cut connection does: after the database committed
    (its answer lost) or without it committing."""
    wrapper: Any = asyncpg_client.TransactionWrapper if ON_POSTGRES else SqliteTransactionWrapper
    commit, rollback = wrapper.commit, wrapper.rollback

    async def cut(self: Any) -> None:
        await (commit if commits else rollback)(self)
        raise OperationalError("connection lost while committing")

    monkeypatch.setattr(wrapper, "commit", cut)


@pytest.mark.parametrize("committed", [True, False])
async def test_an_earning_whose_commit_went_unanswered_leaves_the_board_equal_to_the_ledger(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch, committed: bool
) -> None:
    c, now = collaborators, collaborators.clock.now()
    first, second = await make_member(), await make_member()
    await _earn(c, first, 10, "before")
    assert await leaderboard.top(c.redis, now, 10) == [(first.id, 10)]  # a complete board

    _commit_then(monkeypatch, committed)
    with pytest.raises(OperationalError):
        await _earn(c, second, 30, "unanswered")
    monkeypatch.undo()

    board = await leaderboard.top(c.redis, now, 10)
    assert board == [(int(m), n) for m, n in stores.ranked(await leaderboard.earned_in_month(now))]
    assert board == ([(second.id, 30), (first.id, 10)] if committed else [(first.id, 10)])


async def test_the_one_round_trip_read_answers_only_a_complete_board_and_never_writes(
    redis: Redis,
) -> None:
    """What the compiled Leaderboard reads: None (the healing read's turn) while the board is
    incomplete or a failed bump is not settled yet; otherwise the top and the member's place."""
    board = stores.Derived("test:ranks", "zset")
    assert await stores.ranks_if_complete(redis, board, 2, "7") is None
    assert not await redis.exists(board.key, board.lock, board.build)  # nothing was written
    await stores.rebuild(redis, board, _constant({"7": 5, "8": 9, "9": 1}))
    ranks = stores.Ranks
    top = [("8", 9), ("7", 5)]
    assert await stores.ranks_if_complete(redis, board, 2, "9") == ranks(top, (3, 1), [])
    assert await stores.ranks_if_complete(redis, board, 2, "6") == ranks(top, None, [])
    assert await stores.ranks_if_complete(redis, board, 1, None) == ranks([("8", 9)], None, [])
    # What is kept under a prefix + each top member's name comes in the same read.
    await redis.set("test:card:8", "八")
    kept = await stores.ranks_if_complete(redis, board, 3, "7", "test:card:")
    assert kept == ranks([*top, ("9", 1)], (2, 5), ["八", None, None])
    await redis.script_flush()  # the script is loaded again when Redis has forgotten it
    assert await stores.ranks_if_complete(redis, board, 1, "8", "test:card:") == ranks(
        [("8", 9)], (1, 9), ["八"]
    )

    with pytest.raises(RedisConnectionError):
        await stores.increment(_Away(), board, "7", 1)  # type: ignore[arg-type]
    assert await stores.ranks_if_complete(redis, board, 2, "7") is None  # not settled yet
    await stores.settle(redis)
    assert await stores.ranks_if_complete(redis, board, 2, "7") is None  # marker dropped


def _constant(values: dict[str, int]) -> stores.Loader:
    async def load() -> dict[str, int]:
        return values

    return load


def test_no_migration_imports_the_domain(repo_root: Path) -> None:
    offenders = []
    for path in sorted((repo_root / "migrations").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "domain"]
    assert offenders == []


@pytest.mark.skipif(REDIS_URL.startswith("memory://"), reason="needs a real Redis")
async def test_a_burst_beyond_the_redis_pool_waits_for_a_connection_instead_of_failing() -> None:
    from settings import StoreLimits

    client = stores.open_redis(REDIS_URL, StoreLimits(redis_max_connections=4))
    try:
        started = time.monotonic()
        results = await asyncio.gather(
            *(client.blpop([f"test:pool:empty:{n}"], timeout=0.05) for n in range(40)),
            return_exceptions=True,
        )
        elapsed = time.monotonic() - started
    finally:
        await client.aclose()
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert elapsed >= 0.4  # 40 waits of 50 ms through 4 connections: they queued
    print(f"40 blocking commands through a pool of 4: {elapsed:.2f}s, 0 failures")


async def test_healthz_answers_within_a_second_and_names_a_redis_that_does_not_answer(
    collaborators: Collaborators,
) -> None:
    class Paused:
        async def ping(self) -> bool:
            await asyncio.sleep(30)
            return True

    stalled = Collaborators(
        settings=collaborators.settings,
        redis=Paused(),  # type: ignore[arg-type]
        clock=collaborators.clock,
        wechat=collaborators.wechat,
    )
    app = create_app(stalled.settings, stalled, manage_stores=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        started = time.monotonic()
        response = await http.get("/healthz")
        elapsed = time.monotonic() - started
    assert elapsed < 1.0
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("timeout")
    print(f"/healthz with a paused Redis: {elapsed * 1000:.0f} ms")


@pytest.mark.postgres_only
async def test_a_write_behind_a_lock_held_past_the_lock_timeout_is_a_typed_busy_error(
    database_url: str,
) -> None:
    import asyncpg

    member = await make_member()
    holder = await asyncpg.connect(
        database_url.split("?")[0].replace("postgres://", "postgresql://", 1)
    )
    try:
        holding = holder.transaction()
        await holding.start()
        await holder.execute("SELECT 1 FROM member WHERE id = $1 FOR UPDATE", member.id)
        started = time.monotonic()
        with pytest.raises(Exception) as refused:
            await Member.filter(id=member.id).update(display_name="等锁")
        waited = time.monotonic() - started
        # a read does not wait behind the write lock
        read_started = time.monotonic()
        assert (await Member.get(id=member.id)).display_name == member.display_name
        read_took = time.monotonic() - read_started
        await holding.rollback()
    finally:
        await holder.close()
    assert isinstance(stores.as_busy(refused.value), ServiceBusyError)
    assert waited < 4  # the lock timeout (2 s), not the 15 s the lock was meant to be held
    assert read_took < 0.5
    assert (await Member.get(id=member.id)).display_name == member.display_name
    print(f"write behind a held lock refused after {waited:.2f}s; read took {read_took:.3f}s")


@pytest.mark.postgres_only
async def test_two_concurrent_migrations_on_a_fresh_postgres_database_both_succeed(
    tmp_path: Path, repo_root: Path
) -> None:
    import subprocess
    import sys
    import uuid

    import asyncpg

    assert ON_POSTGRES
    name = f"linli_migrate_{uuid.uuid4().hex[:8]}"
    admin_url = POSTGRES_URL.replace("postgres://", "postgresql://", 1)
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
        env = {
            "DATABASE_URL": url,
            "LINLI_DATA_DIR": str(tmp_path),
            "SECRET_KEY": "x",
            "PATH": "/usr/bin:/bin",
        }
        processes = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                "import cli; raise SystemExit(cli.main(['migrate']))",
                cwd=repo_root,
                env={**env, "PYTHONPATH": str(repo_root)},
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
            for _ in range(2)
        ]
        outputs = [await p.communicate() for p in processes]
        codes = [p.returncode for p in processes]
        assert codes == [0, 0], [o[0].decode()[-2000:] for o in outputs]
        db = await asyncpg.connect(admin_url.rsplit("/", 1)[0] + f"/{name}")
        try:
            tables = await db.fetchval(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            )
        finally:
            await db.close()
        assert tables > 20
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    del subprocess
