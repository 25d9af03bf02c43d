"""Group reads shared by GraphQL and the portal."""

from __future__ import annotations

from domain.groups.models import GroupMembership, InterestGroup


async def groups_page(after_id: int | None, first: int) -> list[InterestGroup]:
    """Groups with their hosts, oldest first; ``first + 1`` rows to tell if there is more."""
    query = InterestGroup.all()
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    return await query.order_by("id").limit(first + 1).select_related("host")


async def group_ids_joined(member_id: int, group_ids: list[int]) -> set[int]:
    if not group_ids:
        return set()
    rows = await GroupMembership.filter(member_id=member_id, group_id__in=group_ids).values_list(
        "group_id", flat=True
    )
    return {int(group_id) for group_id in rows}  # type: ignore[call-overload]


async def get_group_by_slug(slug: str) -> InterestGroup | None:
    return await InterestGroup.get_or_none(slug=slug).select_related("host")
