"""Group reads shared by GraphQL and the portal."""

from __future__ import annotations

from functools import cache

from domain.groups.models import GroupHost, GroupMembership, InterestGroup
from domain.groups.policies import groups_hosted_by
from domain.identity.models import Member, Role
from domain.written import int_list, mark, one_of_ints, rows


async def groups_page(
    after_id: int | None, first: int, include_archived: bool = True
) -> list[InterestGroup]:
    """Groups with their lead hosts, oldest first; ``first + 1`` rows to tell if there is more.
    Without ``include_archived`` only the open groups (pickers and feed filters)."""
    query = InterestGroup.all()
    if not include_archived:
        query = query.filter(archived_at__isnull=True)
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    return await query.order_by("id").limit(first + 1).select_related("host")


async def group_ids_joined(member_id: int, group_ids: list[int]) -> set[int]:
    """Which of a page of groups the member belongs to: one written statement, read for every
    page of groups and events."""
    if not group_ids:
        return set()
    p = mark()
    found = await rows(_joined_sql(p), [member_id, int_list(p, group_ids)])
    return {int(row["group_id"]) for row in found}


@cache
def _joined_sql(p: str) -> str:
    return (
        f'SELECT "group_id" FROM "{GroupMembership._meta.db_table}" '  # noqa: S608
        f'WHERE "member_id" = {p}1 AND "group_id" {one_of_ints(p, 2)}'
    )


async def get_group_by_slug(slug: str) -> InterestGroup | None:
    return await InterestGroup.get_or_none(slug=slug).select_related("host")


async def hosts_by_group_id(group_ids: list[int]) -> dict[int, list[Member]]:
    """Every host of each group (lead and co-hosts), longest-serving first: one statement."""
    rows = (
        await GroupHost.filter(group_id__in=group_ids)
        .order_by("appointed_at", "id")
        .select_related("member")
    )
    found: dict[int, list[Member]] = {group_id: [] for group_id in group_ids}
    for row in rows:
        found[row.group_id].append(row.member)
    return found


async def groups_run_by(
    actor: Member, *, open_only: bool = False, limit: int | None = None
) -> list[InterestGroup]:
    """The groups ``actor`` runs (``policies.runs_group``), oldest first: every group for admins,
    those they host for hosts, none for anyone else. ``open_only`` leaves archived groups out
    (they take no new events)."""
    if actor.has_role(Role.ADMIN):
        query = InterestGroup.all()
    elif actor.has_role(Role.HOST):
        query = InterestGroup.filter(groups_hosted_by(actor.id))
    else:
        return []
    if open_only:
        query = query.filter(archived_at__isnull=True)
    query = query.order_by("id")
    return list(await (query.limit(limit) if limit is not None else query))


async def get_group(group_id: int) -> InterestGroup | None:
    return await InterestGroup.get_or_none(id=group_id)


async def list_open_groups() -> list[InterestGroup]:
    """Every group not archived, oldest first: where a member picks a group to post in."""
    return list(await InterestGroup.filter(archived_at__isnull=True).order_by("id"))


async def list_groups_with_estates() -> list[InterestGroup]:
    """Every group, archived ones too, oldest first, with its estate: the back office's list."""
    return list(await InterestGroup.all().order_by("id").select_related("estate"))


async def get_group_with_estate(group_id: int) -> InterestGroup | None:
    return await InterestGroup.get_or_none(id=group_id).select_related("estate")
