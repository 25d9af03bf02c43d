"""Facts of the campaigns area, announced after commit (see domain.facts)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.facts import Fact


@dataclass(frozen=True)
class VotingOpened(Fact):
    """Voting is open (its start came, or an admin opened it now). Heard again by later runs of
    the due jobs; its listener tells each member of the estate once."""

    campaign_id: int
    estate_id: int | None
    title: str
    opened_by: int | None = None  # the admin who opened it now (None: its start came)


@dataclass(frozen=True)
class CampaignWon(Fact):
    campaign_id: int
    entry_id: int
    proposer_id: int
    title: str
