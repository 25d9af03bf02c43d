"""One tier recompute at a time, whoever asks: the nightly job, ``linli recompute-tiers`` and the
admin's button all go through ``recompute_tiers``, which holds the Redis lock for the whole run."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

import pytest

from domain.clock import SHANGHAI
from domain.collaborators import Collaborators
from domain.segments import recompute
from domain.segments.errors import RecomputeRunningError
from domain.segments.models import TierRun
from domain.segments.recompute import RECOMPUTE_LOCK, recompute_tiers, recompute_tiers_if_due
from domain.segments.tiers import TierRunSummary, run_tier_job
from tests.factories import make_member

RunJob = Callable[..., Awaitable[TierRunSummary]]


def held_open(monkeypatch: pytest.MonkeyPatch) -> tuple[asyncio.Event, asyncio.Event]:
    """Runs pause before their work until ``go`` is set; ``started`` says one is inside."""
    started, go = asyncio.Event(), asyncio.Event()
    real: RunJob = run_tier_job

    async def paused(*args: object, **kwargs: object) -> TierRunSummary:
        started.set()
        await go.wait()
        return await real(*args, **kwargs)

    monkeypatch.setattr(recompute, "run_tier_job", paused)
    return started, go


async def test_a_second_recompute_while_one_runs_is_refused_from_every_caller(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_member()
    started, go = held_open(monkeypatch)
    first = asyncio.create_task(recompute_tiers(collaborators, trigger="ADMIN"))
    await started.wait()

    with pytest.raises(RecomputeRunningError) as refused:
        await recompute_tiers(collaborators, trigger="COMMAND")
    assert refused.value.code == "RECOMPUTE_RUNNING"
    night = datetime(2026, 11, 22, 3, 0, tzinfo=SHANGHAI)
    assert await recompute_tiers_if_due(collaborators, night) == 0  # due (never run), skipped
    assert not await TierRun.exists()

    go.set()
    assert (await first).members == 1
    assert [run.trigger for run in await TierRun.all()] == ["ADMIN"]
    assert not await collaborators.redis.exists(RECOMPUTE_LOCK)
    again = await recompute_tiers(collaborators, trigger="COMMAND")  # free again
    assert again.members == 1 and await TierRun.all().count() == 2


async def test_the_lock_is_released_when_a_run_fails(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_member()
    real: RunJob = run_tier_job

    async def broken(*args: object, **kwargs: object) -> TierRunSummary:
        raise OSError("database went away")

    monkeypatch.setattr(recompute, "run_tier_job", broken)
    with pytest.raises(OSError):
        await recompute_tiers(collaborators)
    assert not await collaborators.redis.exists(RECOMPUTE_LOCK)
    monkeypatch.setattr(recompute, "run_tier_job", real)
    assert (await recompute_tiers(collaborators)).members == 1


async def test_a_run_renews_its_lock_and_never_frees_a_lock_it_no_longer_holds(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_member()
    redis = collaborators.redis
    real: RunJob = run_tier_job
    seen: list[int] = []

    async def expiring(*args: object, **kwargs: object) -> TierRunSummary:
        await redis.expire(RECOMPUTE_LOCK, 5)
        summary = await real(*args, **kwargs)  # renews after its one batch
        seen.append(await redis.ttl(RECOMPUTE_LOCK))
        # Suppose it had expired meanwhile and another run took it: theirs now.
        await redis.set(RECOMPUTE_LOCK, "NIGHTLY:someone-else")
        return summary

    monkeypatch.setattr(recompute, "run_tier_job", expiring)
    await recompute_tiers(collaborators)
    assert seen and seen[0] > 5
    assert await redis.get(RECOMPUTE_LOCK) == "NIGHTLY:someone-else"
