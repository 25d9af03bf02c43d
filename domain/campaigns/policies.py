"""Who may read which campaign entry. Campaigns themselves are open to everyone."""

from __future__ import annotations

from domain.campaigns.models import CampaignEntry, EntryStatus
from domain.identity.models import Member
from domain.identity.policies import is_staff


def may_read_entry(viewer: Member | None, entry: CampaignEntry) -> bool:
    """Approved entries for everyone; pending and rejected ones for staff and their proposer
    (the rule of ``entries_page``)."""
    return (
        entry.status == EntryStatus.APPROVED
        or is_staff(viewer)
        or (viewer is not None and entry.proposer_id == viewer.id)
    )
