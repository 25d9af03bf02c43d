"""Identity reads used by both GraphQL and the portal."""

from __future__ import annotations

from collections import defaultdict

from domain.identity.models import Estate, InterestTag, Member, MemberInterestTag, PickupPoint


async def list_estates() -> list[Estate]:
    """Every estate, archived ones too: where names of any estate are shown."""
    return await Estate.all().order_by("id")


async def list_active_estates() -> list[Estate]:
    """The estates a member may newly join: the registration and profile pickers."""
    return await Estate.filter(archived_at__isnull=True).order_by("id")


async def list_estates_with_pickup_points() -> list[Estate]:
    """The back office's list: every estate with all its pickup points (two statements)."""
    return await Estate.all().order_by("id").prefetch_related("pickup_points")


async def active_pickup_points(estate_id: int | None) -> list[PickupPoint]:
    """Where an estate's residents collect orders and rewards, oldest first."""
    if estate_id is None:
        return []
    return await PickupPoint.filter(estate_id=estate_id, archived_at__isnull=True).order_by("id")


async def pickup_points_by_estate_id(estate_ids: list[int]) -> dict[int, list[PickupPoint]]:
    """One query for any number of estates, archived points included (callers filter)."""
    found: dict[int, list[PickupPoint]] = defaultdict(list)
    for point in await PickupPoint.filter(estate_id__in=estate_ids).order_by("id"):
        found[point.estate_id].append(point)
    return found


async def list_interest_tags() -> list[InterestTag]:
    """The tags offered to choose from: retired ones are left out."""
    return await InterestTag.filter(retired_at__isnull=True).order_by("id")


async def tags_to_choose(chosen: list[InterestTag]) -> list[InterestTag]:
    """The profile's picker: the offered tags, then the retired ones the member still has (they
    may keep or drop them, not choose them anew)."""
    offered = await list_interest_tags()
    kept = [tag for tag in chosen if tag.retired_at is not None]
    return offered + sorted(kept, key=lambda tag: tag.id)


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


async def get_member(member_id: int) -> Member | None:
    return await Member.get_or_none(id=member_id)


async def find_member_by_phone(phone: str) -> Member | None:
    """The member registered with ``phone`` (normalised by the caller), if any."""
    return await Member.get_or_none(phone=phone)


async def phone_is_registered(phone: str) -> bool:
    return await Member.filter(phone=phone).exists()


async def get_estate(estate_id: int) -> Estate | None:
    return await Estate.get_or_none(id=estate_id)


async def get_pickup_point(point_id: int) -> PickupPoint | None:
    return await PickupPoint.get_or_none(id=point_id)


async def get_interest_tag(tag_id: int) -> InterestTag | None:
    """Any tag, retired ones too (the back office shows them)."""
    return await InterestTag.get_or_none(id=tag_id)
