"""The monthly leaderboard: ranks from the Redis board, members of the page in one query."""

from __future__ import annotations

from enum import Enum

import strawberry

from api.identity.types import Member
from domain.collaborators import Collaborators
from domain.identity import models as identity
from domain.identity import queries as members
from domain.points import leaderboard


@strawberry.enum(description="Which leaderboard.")
class LeaderboardKind(Enum):
    POINTS = strawberry.enum_value(
        "POINTS",
        description="Points earned this calendar month (Shanghai time): contributions, check-ins, "
        "referrals and purchases; spending, refunds and corrections do not count.",
    )
    REFERRALS = strawberry.enum_value(
        "REFERRALS",
        description="Neighbours invited. Not served yet: the board is empty until referrals ship.",
    )


@strawberry.type(description="One place on a leaderboard.")
class LeaderboardEntry:
    rank: int = strawberry.field(description="1 for the top; members with equal scores differ.")
    score: int = strawberry.field(description="Points earned this month (or neighbours invited).")
    member: Member = strawberry.field(description="Who holds this place.")


@strawberry.type(description="A leaderboard of this month, and where the viewer stands on it.")
class Leaderboard:
    entries: list[LeaderboardEntry] = strawberry.field(
        description="The top members, best first; empty for `REFERRALS` until referrals ship."
    )
    viewer_entry: LeaderboardEntry | None = strawberry.field(
        description="The viewer's own place; null when signed out, not on the board yet, or for "
        "`REFERRALS` until referrals ship."
    )


async def points_leaderboard(
    c: Collaborators, viewer: identity.Member | None, first: int
) -> Leaderboard:
    now = c.clock.now()
    top = await leaderboard.top(c.redis, now, first)
    found = await members.members_by_id([member_id for member_id, _ in top])
    entries = [
        LeaderboardEntry(rank=n, score=score, member=Member.from_model(found[member_id]))
        for n, (member_id, score) in enumerate(top, start=1)
        if member_id in found
    ]
    mine = None
    if viewer is not None:
        placed = await leaderboard.rank_of(c.redis, now, viewer.id)
        if placed is not None:
            rank, score = placed
            mine = LeaderboardEntry(rank=rank, score=score, member=Member.from_model(viewer))
    return Leaderboard(entries=entries, viewer_entry=mine)
