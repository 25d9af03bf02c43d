"""When a demo member could have done something: between joining and the last time they opened
the app (``last_seen_at``, drawn by ``demo.residents``). Every later module keeps each member's
likes, comments, posts, votes, check-ins and orders inside that span, so the dashboard's monthly
active members counts the fifth of the community who came back lately, not everyone."""

from __future__ import annotations

import math
import random
from datetime import datetime

from domain.identity.models import Member


def last_seen(member: Member, now: datetime) -> datetime:
    """The latest moment the member may act at (never after ``now``)."""
    return min(now, member.last_seen_at) if member.last_seen_at else now


def around_at(member: Member, at: datetime, now: datetime) -> bool:
    """Whether the member had joined and had not yet drifted away at ``at``."""
    return member.created_at <= at <= last_seen(member, now)


def moment_between(
    rng: random.Random, member: Member, start: datetime, now: datetime, skew: float = 2.0
) -> datetime:
    """A moment after ``start`` while the member was around, soon after ``start`` more often."""
    start = max(start, member.created_at)
    end = last_seen(member, now)
    if start >= end:
        return end
    return start + (end - start) * math.pow(rng.random(), skew)
