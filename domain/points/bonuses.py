"""Bonus points an operator's tier playbook gives: once per (playbook, tier change), with an
expiry of their own, under the ledger reason ``PLAYBOOK_BONUS`` and the playbook's name, so the
member's points history says why they came."""

from __future__ import annotations

from datetime import timedelta

from domain.aftercommit import atomic
from domain.collaborators import Collaborators
from domain.points.accounts import already_applied, credit, lock_account
from domain.points.models import LedgerEntry, LedgerReason
from domain.programme.queries import current_programme_rules


async def grant_playbook_bonus(
    c: Collaborators,
    member_id: int,
    playbook_name: str,
    ref: str,
    amount: int,
    expiry_days: int,
) -> LedgerEntry | None:
    """Credit ``amount`` points available at once and expiring ``expiry_days`` after now; None
    when ``ref`` (the playbook and tier change) was credited before, or for 0 points."""
    if amount <= 0:
        return None
    key = f"playbook:{ref}"
    now = c.clock.now()
    async with atomic():
        account = await lock_account(member_id, now)
        if await already_applied(key):
            return None
        rules = await current_programme_rules()
        description = f"等级礼遇：{playbook_name}"[:120]
        expires_at = now + timedelta(days=expiry_days)
        return await credit(
            account,
            amount,
            LedgerReason.PLAYBOOK_BONUS,
            description,
            key,
            now,
            rules,
            expires_at=expires_at,
        )
