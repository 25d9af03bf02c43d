"""Recomputing the tiers, one run at a time: the nightly job, ``linli recompute-tiers`` and the
admin's button all come through ``recompute_tiers``, which holds a Redis lock for the whole run.
A second run asked for meanwhile is refused (``RecomputeRunningError``) rather than queued: the
one under way already reads every member, and two would record two runs for the same moment.

The lock expires on its own if its holder dies; a living holder renews it after every batch, so
a long run on a large programme keeps it however long it takes."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Protocol

from redis.asyncio import Redis

from domain.clock import SHANGHAI, Clock
from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.playbooks.runner import run_playbooks
from domain.segments.errors import RecomputeRunningError
from domain.segments.rfm import RfmRules
from domain.segments.tiers import Progress, TierRunSummary, last_tier_run, run_tier_job

RECOMPUTE_LOCK = "lock:recompute-tiers"
RECOMPUTE_LOCK_SECONDS = 600  # without a renewal: a holder that died frees it after this
NIGHTLY_FROM_HOUR, NIGHTLY_TO_HOUR = 2, 6  # Shanghai time, when the hourly due-jobs run may
STALE_AFTER = timedelta(hours=20)  # recompute, at most once a night

log = logging.getLogger("linli.tiers")

# Only the holder (its token in the key) may release or renew: a lock that expired and was
# taken by another run stays theirs.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 0
"""


class TierJobCollaborators(Protocol):
    """What a recompute needs: the clock it reads ``now`` from and Redis for the lock
    (``Collaborators``, or the bench's pair)."""

    @property
    def clock(self) -> Clock: ...

    @property
    def redis(self) -> Redis: ...


async def recompute_tiers(
    c: TierJobCollaborators,
    progress: Progress | None = None,
    rules: RfmRules = RfmRules(),
    trigger: str = "COMMAND",
    now: datetime | None = None,
) -> TierRunSummary:
    """Every member's tier at ``now`` (default: the clock's), recorded as a run of ``trigger``
    (NIGHTLY, ADMIN or COMMAND). Raises ``RecomputeRunningError`` while another run holds the
    lock; the lock is released when this run ends, however it ends. The tier playbooks then run
    over the changes this run wrote (``domain/playbooks/runner.py``)."""
    token = f"{trigger}:{uuid.uuid4().hex}"
    if not await c.redis.set(RECOMPUTE_LOCK, token, nx=True, ex=RECOMPUTE_LOCK_SECONDS):
        raise RecomputeRunningError()

    async def renew() -> None:
        await c.redis.eval(_RENEW, 1, RECOMPUTE_LOCK, token, RECOMPUTE_LOCK_SECONDS)

    at = now or c.clock.now()
    try:
        listeners = c if isinstance(c, Collaborators) else None  # the bench's pair has none
        run = await run_tier_job(at, trigger, progress, rules, renew, listeners=listeners)
        if listeners is not None:
            await _run_playbooks(listeners, at)
        return run
    finally:
        await c.redis.eval(_RELEASE, 1, RECOMPUTE_LOCK, token)


async def _run_playbooks(c: Collaborators, at: datetime) -> None:
    """The playbooks over this run's changes; one that fails waits for the nightly catch-up
    rather than failing the run whose tiers are already written."""
    try:
        await run_playbooks(c, at)
    except Exception:
        log.exception("playbooks after the tier run failed; the nightly pass will catch up")


async def recompute_tiers_if_due(c: TierJobCollaborators, now: datetime) -> int:
    """The nightly run, from the hourly due jobs: at once when tiers were never computed, else
    between 02:00 and 06:00 Shanghai time when the last run is older than 20 hours. Returns the
    number of members whose tier changed (0 when not due, or when another run is under way: its
    record makes the next hour's check find the tiers fresh)."""
    last = await last_tier_run()
    hour = now.astimezone(SHANGHAI).hour
    due = last is None or (
        NIGHTLY_FROM_HOUR <= hour < NIGHTLY_TO_HOUR and now - last.computed_at > STALE_AFTER
    )
    if not due or not await Member.exists():
        return 0
    try:
        run = await recompute_tiers(c, trigger="NIGHTLY", now=now)
    except RecomputeRunningError:
        log.info("nightly tier run skipped: another run is under way")
        return 0
    return run.changed
