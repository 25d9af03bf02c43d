"""Identity reads used by both GraphQL and the portal."""

from __future__ import annotations

from collections import defaultdict

from domain.identity.models import Estate, InterestTag, Member, MemberInterestTag


async def list_estates() -> list[Estate]:
    return await Estate.all().order_by("id")


async def list_interest_tags() -> list[InterestTag]:
    return await InterestTag.all().order_by("id")


async def interest_tags_by_member_id(member_ids: list[int]) -> dict[int, list[InterestTag]]:
    """One query for any number of members (the loader behind ``interestTags``)."""
    links = (
        await MemberInterestTag.filter(member_id__in=member_ids)
        .select_related("tag")
        .order_by("tag_id")
    )
    found: dict[int, list[InterestTag]] = defaultdict(list)
    for link in links:
        found[link.member_id].append(link.tag)
    return found


async def estates_by_id(estate_ids: list[int]) -> dict[int, Estate]:
    return {estate.id: estate for estate in await Estate.filter(id__in=estate_ids)}


async def members_by_id(member_ids: list[int]) -> dict[int, Member]:
    return {member.id: member for member in await Member.filter(id__in=member_ids)}
