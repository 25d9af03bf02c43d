"""Tier playbooks exactly once under concurrency, on PostgreSQL with separate connections: a
tier run (which runs the playbooks over its changes) and nightly passes polling the same
changes at once, round after round, leave one run per playbook and change; the holdout gets no
points and no message; every balance is exactly the treatment bonuses it was given."""

from __future__ import annotations

import asyncio

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.notifications.models import Notification, NotificationKind
from domain.playbooks.models import PlaybookArm, PlaybookRun
from domain.playbooks.rules import in_holdout
from domain.playbooks.runner import catch_up_playbooks
from domain.playbooks.services import PlaybookDraft, create_playbook
from domain.points.models import LedgerEntry, LedgerReason, PointsAccount
from domain.points.reconcile import reconcile
from domain.segments.models import TierChange
from domain.segments.recompute import recompute_tiers
from tests.domain.playbook_helpers import lapsing, make_admin, win_back_playbook

pytestmark = pytest.mark.postgres_only

ROUNDS = 4


async def _tier_run_racing_two_nightly_passes(c: Collaborators) -> int:
    """The tier run, and two nightly passes polling until it ends (and once after): returns the
    runs the nightly passes made."""
    finished = asyncio.Event()

    async def tier_run() -> int:
        try:
            await recompute_tiers(c)
        finally:
            finished.set()
        return 0

    async def nightly() -> int:
        made = 0
        while not finished.is_set():
            made += await catch_up_playbooks(c, c.clock.now())
            await asyncio.sleep(0)
        return made + await catch_up_playbooks(c, c.clock.now())

    return sum(await asyncio.gather(tier_run(), nightly(), nightly()))


async def test_a_playbook_fires_once_per_member_and_change_under_a_tier_run_and_nightly_passes(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    admin = await make_admin()
    win_back = await win_back_playbook(c, admin, holdout=30, points=25)
    welcome = await create_playbook(
        c, admin, PlaybookDraft("欢迎新人", "NEWCOMER", message="欢迎加入", bonus_points=5)
    )
    bonus = {win_back.id: 25, welcome.id: 5}
    for _ in range(ROUNDS):
        await lapsing(c, 12)
        clock.advance(hours=1)
        await _tier_run_racing_two_nightly_passes(c)
    runs = await PlaybookRun.all()
    changes = await TierChange.filter(to_tier__in=["DORMANT", "NEWCOMER"])
    assert len(changes) == ROUNDS * 12 + 1  # the admin became a NEWCOMER in the first round
    assert sorted(r.tier_change_id for r in runs) == sorted(ch.id for ch in changes)
    for run in runs:
        held = in_holdout(
            run.member_id, run.playbook_id, 30 if run.playbook_id == win_back.id else 10
        )
        assert run.arm == (PlaybookArm.HOLDOUT if held else PlaybookArm.TREATMENT)
    treated = [r for r in runs if r.arm == PlaybookArm.TREATMENT]
    held_out = {r.member_id for r in runs if r.arm == PlaybookArm.HOLDOUT}
    assert treated and held_out
    assert all(r.points_granted == bonus[r.playbook_id] for r in treated)
    entries = await LedgerEntry.filter(reason=LedgerReason.PLAYBOOK_BONUS)
    assert sorted(e.member_id for e in entries) == sorted(r.member_id for r in treated)
    told = await Notification.filter(kind=NotificationKind.PLAYBOOK_MESSAGE)
    assert sorted(n.recipient_id for n in told) == sorted(r.member_id for r in treated)
    assert {r.notification_id for r in treated} == {n.id for n in told}
    assert not held_out & {e.member_id for e in entries}
    assert not await PointsAccount.filter(member_id__in=held_out, balance__gt=0).exists()
    balances = {a.member_id: a.balance for a in await PointsAccount.filter(balance__gt=0)}
    expected: dict[int, int] = {}
    for run in treated:
        expected[run.member_id] = expected.get(run.member_id, 0) + bonus[run.playbook_id]
    assert balances == expected
    assert (await reconcile()).clean
