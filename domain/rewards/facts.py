"""Facts of the points mall, announced after commit (see domain.facts)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.facts import Fact


@dataclass(frozen=True)
class RedemptionReserved(Fact):
    """A redemption was made: reserved at the pickup point, ready to collect with its code."""

    redemption_id: int
    member_id: int
    reward_name: str
    quantity: int
    pickup_code: str


@dataclass(frozen=True)
class PickupWaiting(Fact):
    """A reserved redemption has waited ``days`` days uncollected (the reminder job's finding;
    heard on every run that finds it, so its listener tells the member once)."""

    redemption_id: int
    member_id: int
    reward_name: str
    pickup_code: str
    days: int
