"""The playbook report on a hand-worked world: each figure as ``ArmFigures`` defines it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.playbooks.models import Playbook, PlaybookArm, PlaybookRun
from domain.playbooks.queries import list_playbooks
from domain.playbooks.report import ArmFigures
from domain.purchases.models import Purchase
from domain.segments.models import TierChange
from tests.domain.host_console_helpers import moved
from tests.domain.playbook_helpers import make_admin, win_back_playbook
from tests.factories import make_member


async def _run(c: Collaborators, playbook: Playbook, member: Member, arm: str, day: int) -> None:
    """A run ``day`` days after the clock's now, on a change of its own, granting 30 points in
    the treatment."""
    await moved(c, member, "DORMANT", days_ago=-day)
    change = await TierChange.filter(member_id=member.id).order_by("-id").first()
    assert change is not None
    await PlaybookRun.create(
        playbook_id=playbook.id,
        member_id=member.id,
        tier_change_id=change.id,
        arm=arm,
        points_granted=30 if arm == PlaybookArm.TREATMENT else 0,
        ran_at=c.clock.now() + timedelta(days=day),
    )


async def _bought(c: Collaborators, member: Member, day: float) -> None:
    at = c.clock.now() + timedelta(days=day)
    await Purchase.create(
        order_id=f"r-{member.id}-{day}",
        member_id=member.id,
        amount_cents=5_000,
        purchased_at=at,
        items=[],
        source="API",
        batch="report",
        created_at=at,
    )


async def test_the_report_counts_each_arm_as_its_docstring_defines(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    admin = await make_admin()
    playbook = await win_back_playbook(c, admin)
    untouched = await win_back_playbook(c, admin)
    a, b, cc, d, g, e, f = [await make_member() for _ in range(7)]
    for member in (a, b, cc, d, g):
        await _run(c, playbook, member, PlaybookArm.TREATMENT, day=0)
    await _run(c, playbook, g, PlaybookArm.TREATMENT, day=20)  # g's second change
    for member in (e, f):
        await _run(c, playbook, member, PlaybookArm.HOLDOUT, day=0)
    await _bought(c, a, 1)
    await _bought(c, a, 10)  # a: two purchases in the window
    await _bought(c, b, 29.9)  # b: just inside
    await _bought(c, cc, 30)  # cc: the window's end is outside it
    await _bought(c, cc, -1)  # and before the run does not count
    await _bought(c, g, 25)  # g: in both of g's windows, counted once
    await _bought(c, e, 5)  # e: a holdout member who came back anyway
    reports = {r.playbook.id: r.report for r in await list_playbooks()}
    treatment, holdout = reports[playbook.id].treatment, reports[playbook.id].holdout
    # Treatment: 6 runs of 5 members; a, b and g bought (4 purchases); 6 x 30 points.
    assert treatment == ArmFigures(runs=6, members=5, reactivated=3, purchases=4, points=180)
    assert treatment.reactivation_rate == 3 / 5
    assert treatment.purchases_per_member == 4 / 5
    assert treatment.points_per_reactivated == 60.0
    # Holdout: 2 runs of 2 members; e bought once; no points.
    assert holdout == ArmFigures(runs=2, members=2, reactivated=1, purchases=1, points=0)
    assert (holdout.reactivation_rate, holdout.purchases_per_member) == (0.5, 0.5)
    assert holdout.points_per_reactivated == 0.0
    # Lift: 3/5 − 1/2 = 0.1; Newcombe's interval by hand from the Wilson intervals 0.2307–0.8824
    # (3 of 5) and 0.0945–0.9055 (1 of 2): 0.1 − √(0.3693² + 0.4055²) = −0.4484 to
    # 0.1 + √(0.2824² + 0.4055²) = 0.5941. Seven members show nothing yet: it spans 0.
    report = reports[playbook.id]
    assert report.lift == pytest.approx(0.1)
    assert report.lift_interval is not None
    assert (report.lift_interval.low, report.lift_interval.high) == pytest.approx(
        (-0.4484, 0.5941), abs=1e-4
    )
    assert reports[untouched.id].lift is None and reports[untouched.id].lift_interval is None
    empty = reports[untouched.id].treatment
    assert empty == ArmFigures() and empty.points_per_reactivated is None
    assert (empty.reactivation_rate, empty.purchases_per_member) == (0.0, 0.0)
