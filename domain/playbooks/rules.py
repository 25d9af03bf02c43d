"""Pure rules of tier playbooks: which arm a member falls in, and which playbooks a tier change
matches. No I/O."""

from __future__ import annotations

import hashlib

BUCKETS = 10_000  # a percent is 100 buckets, so holdouts are set to 0.01 of a point
MAX_HOLDOUT_PERCENT = 50


def in_holdout(member_id: int, playbook_id: int, percent: int) -> bool:
    """Whether the member is held out of the playbook: a stable hash of "playbook:member" puts
    each member in one of 10,000 buckets, and the first ``percent`` hundredths are held out. The
    same member always gets the same answer for the same playbook, and different playbooks hold
    out different members."""
    digest = hashlib.sha256(f"{playbook_id}:{member_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS < percent * (BUCKETS // 100)


def matches(to_tier: str, from_tier: str | None, change_to: str, change_from: str | None) -> bool:
    """A playbook fires on a change into its ``to_tier``, from its ``from_tier`` when it names
    one (a member's first tier has no ``from``: only a playbook without ``from_tier`` fires)."""
    return change_to == to_tier and (from_tier is None or from_tier == change_from)
