"""Reading referrals: a member's invitees, newest first, each with the invitee in the same SQL."""

from __future__ import annotations

from domain.referrals.models import Referral


async def referrals_page(referrer_id: int, after_id: int | None, first: int) -> list[Referral]:
    """``first + 1`` rows, so the caller knows whether there is a next page."""
    query = Referral.filter(referrer_id=referrer_id)
    if after_id is not None:
        query = query.filter(id__lt=after_id)
    return await query.order_by("-id").limit(first + 1).select_related("invitee")


async def referrals_by_id(referrer_id: int, ids: list[int]) -> dict[int, Referral]:
    """Only ``referrer_id``'s own referrals: anyone else's look like none at all."""
    rows = await Referral.filter(id__in=ids, referrer_id=referrer_id).select_related("invitee")
    return {row.id: row for row in rows}


async def referral_counts(referrer_id: int) -> tuple[int, int]:
    """(invited, rewarded) for the portal's summary line."""
    invited = await Referral.filter(referrer_id=referrer_id).count()
    rewarded = await Referral.filter(referrer_id=referrer_id, status="REWARDED").count()
    return invited, rewarded
