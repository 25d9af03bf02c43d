"""Facts of the segments area, announced after commit (see domain.facts)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.facts import Fact


@dataclass(frozen=True)
class TierChanged(Fact):
    """The tier job moved a member from ``from_tier`` (None: never computed) to ``to_tier``."""

    member_id: int
    from_tier: str | None
    to_tier: str
