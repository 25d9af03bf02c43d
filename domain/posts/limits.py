"""Posting limits by trust level (domain/honours/rules.py): 5 posts or comments a minute and 30
a day; level 0 (accounts younger than 72 hours, not yet trusted) one per 2 minutes and 5 a day."""

from __future__ import annotations

from domain.collaborators import Collaborators
from domain.honours.queries import trust_level_of
from domain.honours.rules import REGULAR_LIMITS_FROM
from domain.identity.models import Member
from domain.ratelimit import Limit, hit_all

REGULAR = (Limit("ugc:minute", 5, 60), Limit("ugc:day", 30, 86_400))
NEW_ACCOUNT = (Limit("ugc:new:2min", 1, 120), Limit("ugc:new:day", 5, 86_400))


async def count_contribution(c: Collaborators, member: Member, level: int | None = None) -> None:
    """Count one post or comment against the limits of the member's trust level (computed when
    not given); ``RateLimitedError`` past them."""
    if level is None:
        level = await trust_level_of(member, c.clock.now())
    limits = REGULAR if level >= REGULAR_LIMITS_FROM else NEW_ACCOUNT
    await hit_all(c.redis, [(limit, str(member.id)) for limit in limits])
