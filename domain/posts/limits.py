"""Posting limits: 5 posts or comments a minute and 30 a day; accounts younger than 72 hours
one per 2 minutes and 5 a day."""

from __future__ import annotations

from datetime import timedelta

from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.ratelimit import Limit, hit_all

NEW_ACCOUNT_AGE = timedelta(hours=72)
REGULAR = (Limit("ugc:minute", 5, 60), Limit("ugc:day", 30, 86_400))
NEW_ACCOUNT = (Limit("ugc:new:2min", 1, 120), Limit("ugc:new:day", 5, 86_400))


async def count_contribution(c: Collaborators, member: Member) -> None:
    """Count one post or comment against the member's limits; ``RateLimitedError`` past them."""
    is_new = c.clock.now() - member.created_at < NEW_ACCOUNT_AGE
    limits = NEW_ACCOUNT if is_new else REGULAR
    await hit_all(c.redis, [(limit, str(member.id)) for limit in limits])
