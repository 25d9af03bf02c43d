"""The tier job: RFM over the last 365 days for every member, a tier per member, and a history row
with the scores for every change. Nightly, from the admin button and ``linli recompute-tiers``,
always through ``domain/segments/recompute.py``, which holds the one-run-at-a-time lock.

Two passes over the members in id order, ``BATCH`` at a time, so memory is bounded by three
integer arrays (one slot per buyer) whatever the number of purchases: the first pass collects the
buyers' recency, frequency and monetary value for the quintile cuts, the second scores each member
against those cuts and writes the changes of its batch in one transaction.
"""

from __future__ import annotations

from array import array
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from time import perf_counter

from tortoise.functions import Count, Max, Sum

from domain.aftercommit import atomic
from domain.collaborators import Collaborators
from domain.facts import announce
from domain.identity.models import Member
from domain.posts.models import Post, PostLike, PostStatus
from domain.purchases.models import Purchase
from domain.segments.facts import TierChanged
from domain.segments.models import TierChange, TierRun
from domain.segments.rfm import (
    Cuts,
    MemberActivity,
    RfmRules,
    Scored,
    Tier,
    assign,
    cuts_from_values,
)
from domain.webhooks.models import EventKind
from domain.webhooks.outbox import enqueue_all

BATCH = 2_000
Progress = Callable[[int, int], None]  # (members done, members in all)
Heartbeat = Callable[[], Awaitable[None]]  # awaited after every batch (the lock holder renews it)


@dataclass
class TierRunSummary:
    """What one recompute did: members seen and moved, the shares per tier and the cuts used
    (the stored record is the model ``TierRun``)."""

    members: int = 0
    changed: int = 0
    shares: dict[str, int] = field(default_factory=dict)
    # Among the year's buyers (a purchase in the last 365 days): the shares the spec's
    # 5 / 15 / 60 / 20 speak of.
    buyer_shares: dict[str, int] = field(default_factory=dict)
    cuts: Cuts | None = None

    def share_of(self, tier: Tier) -> float:
        return self.shares.get(tier.value, 0) / self.members if self.members else 0.0


async def _batch_after(after_id: int, size: int) -> list[dict[str, object]]:
    rows = (
        await Member.filter(id__gt=after_id)
        .order_by("id")
        .limit(size)
        .values("id", "created_at", "tier")
    )
    return list(rows)


async def purchases_of(ids: list[int], since: datetime) -> dict[int, tuple[datetime, int, int]]:
    """(last purchase, purchases, cents) per member of ``ids`` since ``since``: one statement."""
    rows = (
        await Purchase.filter(member_id__in=ids, purchased_at__gte=since)
        .group_by("member_id")
        .annotate(times=Count("id"), cents=Sum("amount_cents"), last=Max("purchased_at"))
        .values("member_id", "times", "cents", "last")
    )
    return {int(r["member_id"]): (r["last"], int(r["times"]), int(r["cents"] or 0)) for r in rows}


async def _contributions(ids: list[int], since: datetime) -> tuple[dict[int, int], dict[int, int]]:
    posts = (
        await Post.filter(author_id__in=ids, status=PostStatus.PUBLISHED, published_at__gte=since)
        .group_by("author_id")
        .annotate(n=Count("id"))
        .values("author_id", "n")
    )
    likes = (
        await PostLike.filter(post__author_id__in=ids, created_at__gte=since)
        .group_by("post__author_id")
        .annotate(n=Count("id"))
        .values("post__author_id", "n")
    )
    return (
        {int(r["author_id"]): int(r["n"]) for r in posts},
        {int(r["post__author_id"]): int(r["n"]) for r in likes},
    )


def _days(now: datetime, then: datetime) -> int:
    return max(0, (now - then).days)


async def _activities(
    rows: list[dict[str, object]], now: datetime, rules: RfmRules, with_contributions: bool
) -> list[MemberActivity]:
    ids = [int(r["id"]) for r in rows]  # type: ignore[call-overload]
    bought = await purchases_of(ids, now - timedelta(days=rules.window_days))
    posts, likes = (
        await _contributions(ids, now - timedelta(days=rules.contribution_days))
        if with_contributions
        else ({}, {})
    )
    found = []
    for row, member_id in zip(rows, ids, strict=True):
        last, times, cents = bought.get(member_id, (None, 0, 0))
        joined = row["created_at"]
        assert isinstance(joined, datetime)
        found.append(
            MemberActivity(
                member_id=member_id,
                days_since_joined=_days(now, joined),
                days_since_last_purchase=None if last is None else _days(now, last),
                frequency=times,
                monetary_cents=cents,
                posts_published_recently=posts.get(member_id, 0),
                likes_received=likes.get(member_id, 0),
            )
        )
    return found


async def compute_cuts(now: datetime, rules: RfmRules = RfmRules()) -> Cuts:
    """Pass one: the buyers' values in three compact arrays, then the cuts."""
    recency, frequency, monetary = array("l"), array("l"), array("q")
    after = 0
    while rows := await _batch_after(after, BATCH):
        after = int(rows[-1]["id"])  # type: ignore[call-overload]
        for a in await _activities(rows, now, rules, with_contributions=False):
            if a.days_since_last_purchase is not None:
                recency.append(a.days_since_last_purchase)
                frequency.append(a.frequency)
                monetary.append(a.monetary_cents)
    return cuts_from_values(recency, frequency, monetary, rules)


def _change_row(scored: Scored, previous: str | None, now: datetime) -> TierChange:
    return TierChange(
        member_id=scored.member_id,
        from_tier=previous,
        to_tier=scored.tier.value,
        recency_days=scored.recency_days,
        frequency=scored.frequency,
        monetary_cents=scored.monetary_cents,
        r=scored.r,
        f=scored.f,
        m=scored.m,
        score=scored.score,
        computed_at=now,
    )


def cuts_record(cuts: Cuts) -> dict[str, object]:
    return {
        "recency": list(cuts.recency),
        "frequency": list(cuts.frequency),
        "monetary": list(cuts.monetary),
        "koc_score": cuts.koc_score,
        "high_value_score": cuts.high_value_score,
    }


def cuts_from_record(record: dict[str, object]) -> Cuts:
    def ints(name: str) -> tuple[int, ...]:
        return tuple(int(v) for v in record.get(name) or [])  # type: ignore[attr-defined]

    return Cuts(
        recency=ints("recency"),
        frequency=ints("frequency"),
        monetary=ints("monetary"),
        koc_score=int(record.get("koc_score", 16)),  # type: ignore[call-overload]
        high_value_score=int(record.get("high_value_score", 16)),  # type: ignore[call-overload]
    )


async def last_tier_run() -> TierRun | None:
    """The latest recorded run (the dashboard's "last computed" line, the nightly schedule)."""
    return await TierRun.all().order_by("-id").first()


async def latest_cuts() -> Cuts | None:
    run = await last_tier_run()
    return cuts_from_record(run.cuts) if run else None


async def run_tier_job(
    now: datetime,
    trigger: str,
    progress: Progress | None = None,
    rules: RfmRules = RfmRules(),
    heartbeat: Heartbeat | None = None,
    listeners: Collaborators | None = None,
) -> TierRunSummary:
    """Both passes; only members whose tier changes are written (with their history row); the
    run itself is recorded with its cuts, so a member's scores can be explained later. Callers
    hold the recompute lock: ``recompute.recompute_tiers`` is the one that calls this. With
    ``listeners``, each change is announced (the notifications tell members moving up)."""
    started = perf_counter()
    cuts = await compute_cuts(now, rules)
    total = await Member.all().count()
    run = TierRunSummary(cuts=cuts)
    after = 0
    while rows := await _batch_after(after, BATCH):
        after = int(rows[-1]["id"])  # type: ignore[call-overload]
        await _score_batch(run, rows, now, rules, listeners)
        if progress:
            progress(run.members, total)
        if heartbeat:
            await heartbeat()
    await TierRun.create(
        computed_at=now,
        members=run.members,
        changed=run.changed,
        cuts=cuts_record(cuts),
        shares=run.shares,
        seconds=round(perf_counter() - started, 3),
        trigger=trigger,
    )
    return run


async def _score_batch(
    run: TierRunSummary,
    rows: list[dict[str, object]],
    now: datetime,
    rules: RfmRules,
    listeners: Collaborators | None = None,
) -> None:
    """Score one batch against the run's cuts; write its changes in one transaction."""
    assert run.cuts is not None
    previous = {int(r["id"]): r["tier"] for r in rows}  # type: ignore[call-overload]
    changes: dict[Tier, list[int]] = {}
    history = []
    for activity in await _activities(rows, now, rules, with_contributions=True):
        scored = assign(activity, run.cuts, rules)
        run.members += 1
        run.shares[scored.tier.value] = run.shares.get(scored.tier.value, 0) + 1
        if activity.days_since_last_purchase is not None:
            name = scored.tier.value
            run.buyer_shares[name] = run.buyer_shares.get(name, 0) + 1
        was = previous[scored.member_id]
        if was != scored.tier.value:
            changes.setdefault(scored.tier, []).append(scored.member_id)
            history.append(_change_row(scored, was if isinstance(was, str) else None, now))
    if history:
        async with atomic():
            for tier, ids in changes.items():
                await Member.filter(id__in=ids).update(tier=tier.value)
            await TierChange.bulk_create(history)
            moved = [
                {"member_id": r.member_id, "from": r.from_tier, "to": r.to_tier} for r in history
            ]
            await enqueue_all(EventKind.TIER_CHANGED, moved, now)
            if listeners is not None:
                for row in history:
                    announce(listeners, TierChanged(row.member_id, row.from_tier, row.to_tier))
        run.changed += len(history)
