"""Leaderboards (this month's points, 推荐之星): ranks from the Redis boards, members of the page
in one query."""

from __future__ import annotations

from enum import Enum

import strawberry

from api.identity.types import Member
from domain.collaborators import Collaborators
from domain.identity import models as identity
from domain.identity import queries as members
from domain.points import leaderboard
from domain.referrals import leaderboard as referral_board


@strawberry.enum(description="Which leaderboard.")
class LeaderboardKind(Enum):
    POINTS = strawberry.enum_value(
        "POINTS",
        description="Points earned this calendar month (Shanghai time): contributions, check-ins, "
        "referrals and purchases; spending, refunds and corrections do not count.",
    )
    REFERRALS = strawberry.enum_value(
        "REFERRALS",
        description="推荐之星: neighbours invited whose first purchase has been recorded, all "
        "time.",
    )


@strawberry.type(description="One place on a leaderboard.")
class LeaderboardEntry:
    rank: int = strawberry.field(description="1 for the top; members with equal scores differ.")
    score: int = strawberry.field(
        description="Points earned this month, or qualified referrals for `REFERRALS`."
    )
    member: Member = strawberry.field(description="Who holds this place.")


@strawberry.type(description="A leaderboard, and where the viewer stands on it.")
class Leaderboard:
    entries: list[LeaderboardEntry] = strawberry.field(description="The top members, best first.")
    viewer_entry: LeaderboardEntry | None = strawberry.field(
        description="The viewer's own place; null when signed out or not on the board yet."
    )


async def points_leaderboard(
    c: Collaborators, viewer: identity.Member | None, first: int
) -> Leaderboard:
    now = c.clock.now()
    top = await leaderboard.top(c.redis, now, first)
    mine = await leaderboard.rank_of(c.redis, now, viewer.id) if viewer else None
    return await _board(top, viewer, mine)


async def referrals_leaderboard(
    c: Collaborators, viewer: identity.Member | None, first: int
) -> Leaderboard:
    top = await referral_board.top(c.redis, first)
    mine = await referral_board.rank_of(c.redis, viewer.id) if viewer else None
    return await _board(top, viewer, mine)


async def _board(
    top: list[tuple[int, int]], viewer: identity.Member | None, placed: tuple[int, int] | None
) -> Leaderboard:
    """The page's members in one query."""
    found = await members.members_by_id([member_id for member_id, _ in top])
    entries = [
        LeaderboardEntry(rank=n, score=score, member=Member.from_model(found[member_id]))
        for n, (member_id, score) in enumerate(top, start=1)
        if member_id in found
    ]
    mine = None
    if viewer is not None and placed is not None:
        rank, score = placed
        mine = LeaderboardEntry(rank=rank, score=score, member=Member.from_model(viewer))
    return Leaderboard(entries=entries, viewer_entry=mine)
