"""Members' public cards (display name and avatar, what a leaderboard shows next to a rank),
kept in Redis for a minute so the board's page is read with no SQL. A profile change drops the
member's card after commit; a reader that read the old row just before that commit can put it
back, so a card is at most a minute old. Nothing private is kept: a card is what every viewer
of a board sees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from redis.asyncio import Redis

from domain.identity.models import Member

CARD_SECONDS = 60


@dataclass(frozen=True)
class MemberCard:
    id: int
    display_name: str
    avatar_url: str | None


CARD_PREFIX = "member:card:"


def _key(member_id: int) -> str:
    return f"{CARD_PREFIX}{member_id}"


async def cards_from_kept(
    redis: Redis, member_ids: list[int], kept: list[Any]
) -> dict[int, MemberCard]:
    """The cards of ``member_ids`` given what Redis kept under ``CARD_PREFIX`` + each id (None
    where nothing): those not kept are read in one statement, then kept."""
    found: dict[int, MemberCard] = {}
    for member_id, text in zip(member_ids, kept, strict=True):
        if text is not None:
            name, avatar = orjson.loads(text)
            found[member_id] = MemberCard(member_id, name, avatar)
    missing = [i for i in member_ids if i not in found]
    if missing:
        rows = await Member.filter(id__in=missing).values_list("id", "display_name", "avatar_url")
        async with redis.pipeline(transaction=False) as pipe:
            for member_id, name, avatar in rows:
                found[member_id] = MemberCard(member_id, name, avatar)
                pipe.set(_key(member_id), orjson.dumps([name, avatar]), ex=CARD_SECONDS)
            await pipe.execute()
    return found


async def forget_card(redis: Redis, member_id: int) -> None:
    await redis.delete(_key(member_id))
