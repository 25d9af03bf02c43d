"""``leaderboard(kind, first)`` on the compiled path: the board read from Redis in one round trip
while it is complete (an incomplete one falls through, so the resolver's read heals it), with the
page's members as their cards kept in Redis, in the same round trip (a script, no statement),
where the document asks no more of them, else by the resolver's own read, shaped as values
(``Leaderboard`` and its entries are plain fields)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from api.compiled.shape import Builder, Getter, Selected, Value, ValueScope
from api.compiled.sql import Fallthrough, Run
from api.errors import ClientError
from api.pagination import check_first
from api.points.leaderboard import LeaderboardKind
from domain.identity import queries as members
from domain.identity.cards import CARD_PREFIX, cards_from_kept
from domain.points import leaderboard as points_board
from domain.referrals import leaderboard as referral_board
from domain.stores import Standing


@dataclass(frozen=True)
class Place:
    """A ``LeaderboardEntry``: its fields are these attributes."""

    rank: int
    score: int
    member: Any  # the member's card, or row (a model, as ``members_by_id`` gives it)


@dataclass(frozen=True)
class Board:
    entries: list[Place]
    viewer_entry: Place | None


async def _ranks(run: Run, kind: LeaderboardKind, first: int, cards: bool) -> Standing:
    """The board, and with ``cards`` the top members' kept cards, in one Redis round trip."""
    c = run.context.collaborators
    prefix = CARD_PREFIX if cards else ""
    if kind is LeaderboardKind.REFERRALS:
        found = await referral_board.read_complete(c.redis, first, run.viewer_id, prefix)
    else:
        found = await points_board.read_complete(
            c.redis, c.clock.now(), first, run.viewer_id, prefix
        )
    if found is None:
        raise Fallthrough("the board is being rebuilt")
    return found


def _cards_suffice(builder: Builder, field: Selected) -> bool:
    """Whether the entries' members ask only for what a member's card holds (kept in Redis,
    ``domain/identity/cards.py``); else the page's members are read whole."""
    for board in builder.collect(field.object_type(), field.nodes):
        if board.name != "entries":
            continue
        for entry in builder.collect(board.object_type(), board.nodes):
            if entry.name == "member":
                asked = {m.name for m in builder.collect(entry.object_type(), entry.nodes)}
                if not asked <= CARD_FIELDS:
                    return False
    return True


CARD_FIELDS = {"__typename", "id", "displayName", "avatarUrl"}


@dataclass(frozen=True)
class LeaderboardRoot:
    """``api/points/leaderboard.py::_board``: members gone from the database leave their place
    out (the ranks of the others stay), the viewer's place holds the viewer."""

    def compile(self, builder: Builder, field: Selected) -> tuple[Any, Getter]:
        scope = ValueScope([])
        shape = builder.object(field.object_type(), field.nodes, scope)
        cards = _cards_suffice(builder, field)
        arguments = field.arguments()
        builder.domain_reads = True
        builder.member_read = True  # the viewer's own place holds the viewer

        async def fetch(run: Run) -> Value:
            values = arguments(run)
            try:
                first = check_first(values["first"])
            except ClientError as error:
                raise Fallthrough(str(error)) from error
            standing = await _ranks(run, values["kind"], first, cards)
            top, placed = standing.top, standing.placed
            ids = [member_id for member_id, _ in top]
            found: Mapping[int, Any] = (
                await cards_from_kept(run.context.collaborators.redis, ids, standing.kept)
                if cards
                else await members.members_by_id(ids)
            )
            entries = [
                Place(n, score, found[member_id])
                for n, (member_id, score) in enumerate(top, start=1)
                if member_id in found
            ]
            viewer = run.member
            mine = Place(placed[0], placed[1], viewer) if placed and viewer else None
            value = Value(Board(entries, mine), run.viewer_id or 0, {})
            await scope.fill(run, value)
            return value

        return fetch, shape
