"""How each playbook does: its treatment arm against its holdout arm, in two statements
whatever the number of playbooks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.lift.rules import Interval, newcombe
from domain.playbooks.models import PlaybookArm, PlaybookRun
from domain.purchases.models import Purchase

WINDOW_DAYS = 30


@dataclass(frozen=True)
class RunFact:
    playbook_id: int
    member_id: int
    arm: PlaybookArm
    ran_at: datetime
    points_granted: int


@dataclass(frozen=True)
class ArmFigures:
    """One arm of one playbook.

    - ``runs``: the arm's run rows (one per tier change the playbook ran on).
    - ``members``: the distinct members among them.
    - ``reactivated``: members with at least one purchase in the 30 days after one of their
      runs (``ran_at`` ≤ purchased at < ``ran_at`` + 30 days).
    - ``reactivation_rate``: ``reactivated / members`` (0 without members).
    - ``purchases``: the distinct purchases in those 30-day windows (a purchase in two
      overlapping windows of one member counts once).
    - ``purchases_per_member``: ``purchases / members`` (0 without members).
    - ``points``: the bonus points the arm's runs granted (0 for a holdout).
    - ``points_per_reactivated``: ``points / reactivated``; None when no one reactivated.

    Runs less than 30 days old are counted with the part of the window that has passed."""

    runs: int = 0
    members: int = 0
    reactivated: int = 0
    purchases: int = 0
    points: int = 0

    @property
    def reactivation_rate(self) -> float:
        return self.reactivated / self.members if self.members else 0.0

    @property
    def purchases_per_member(self) -> float:
        return self.purchases / self.members if self.members else 0.0

    @property
    def points_per_reactivated(self) -> float | None:
        return self.points / self.reactivated if self.reactivated else None


@dataclass(frozen=True)
class PlaybookReport:
    """The two arms, and the playbook's **lift**: the treatment's reactivation rate minus the
    holdout's, with Newcombe's 95 % interval for that difference (``domain/lift/rules.py``);
    None until both arms have members. An interval that spans 0 means the playbook has not shown
    an effect yet."""

    treatment: ArmFigures
    holdout: ArmFigures

    @property
    def lift(self) -> float | None:
        if not (self.treatment.members and self.holdout.members):
            return None
        return self.treatment.reactivation_rate - self.holdout.reactivation_rate

    @property
    def lift_interval(self) -> Interval | None:
        t, h = self.treatment, self.holdout
        if not (t.members and h.members):
            return None
        return newcombe(t.reactivated, t.members, h.reactivated, h.members)


def arm_figures(
    runs: list[RunFact], purchases: dict[int, list[tuple[int, datetime]]]
) -> ArmFigures:
    """The figures of one arm's runs given each member's purchases as (id, purchased at)."""
    window = timedelta(days=WINDOW_DAYS)
    bought: set[int] = set()
    reactivated: set[int] = set()
    for run in runs:
        for purchase_id, at in purchases.get(run.member_id, []):
            if run.ran_at <= at < run.ran_at + window:
                bought.add(purchase_id)
                reactivated.add(run.member_id)
    return ArmFigures(
        runs=len(runs),
        members=len({r.member_id for r in runs}),
        reactivated=len(reactivated),
        purchases=len(bought),
        points=sum(r.points_granted for r in runs),
    )


async def playbook_reports(playbook_ids: Iterable[int]) -> dict[int, PlaybookReport]:
    """The report of each playbook of ``playbook_ids`` (see ``ArmFigures`` for each figure)."""
    ids = list(playbook_ids)
    rows = await PlaybookRun.filter(playbook_id__in=ids).values_list(
        "playbook_id", "member_id", "arm", "ran_at", "points_granted"
    )
    runs = [RunFact(int(p), int(m), PlaybookArm(a), t, int(g)) for p, m, a, t, g in rows]
    purchases: dict[int, list[tuple[int, datetime]]] = {}
    if runs:
        first = min(r.ran_at for r in runs)
        found = await Purchase.filter(
            member_id__in=sorted({r.member_id for r in runs}), purchased_at__gte=first
        ).values_list("id", "member_id", "purchased_at")
        for purchase_id, member_id, at in found:
            purchases.setdefault(int(member_id), []).append((int(purchase_id), at))
    return {
        playbook_id: PlaybookReport(
            treatment=arm_figures(_of(runs, playbook_id, PlaybookArm.TREATMENT), purchases),
            holdout=arm_figures(_of(runs, playbook_id, PlaybookArm.HOLDOUT), purchases),
        )
        for playbook_id in ids
    }


def _of(runs: list[RunFact], playbook_id: int, arm: PlaybookArm) -> list[RunFact]:
    return [r for r in runs if r.playbook_id == playbook_id and r.arm == arm]
