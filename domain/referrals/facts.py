"""Facts of the referrals area, announced after commit (see domain.facts)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.facts import Fact


@dataclass(frozen=True)
class ReferralRewarded(Fact):
    """The invitee's first purchase qualified the referral: both sides were awarded."""

    referral_id: int
    referrer_id: int
    invitee_id: int
    points: int  # what the referrer was awarded
