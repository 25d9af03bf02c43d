"""Campaign reads for GraphQL and the portal: a fixed number of statements per page."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, Literal

from tortoise.expressions import Q

from domain.campaigns.models import Ballot, Campaign, CampaignEntry, EntryStatus, Vote
from domain.campaigns.rules import CampaignStatus
from domain.identity.models import Member
from domain.written import (
    aliased_columns,
    built_with,
    by_unique,
    int_list,
    mark,
    one_of_ints,
    rows,
)

# Who reads a campaign's entries: each sees a different set (``entries_page``).
Reader = Literal["anyone", "member", "staff"]


def _status_filter(status: CampaignStatus, now: datetime) -> Q:
    open_ = Q(closed_at__isnull=True)
    if status == CampaignStatus.CLOSED:
        return Q(closed_at__isnull=False)
    if status == CampaignStatus.VOTING:
        return open_ & Q(voting_starts_at__lte=now)
    if status == CampaignStatus.DRAFT:
        return open_ & Q(voting_starts_at__gt=now) & Q(proposal_starts_at__gt=now)
    return (
        open_
        & Q(voting_starts_at__gt=now)
        & (Q(proposal_starts_at__isnull=True) | Q(proposal_starts_at__lte=now))
    )


async def campaigns_page(
    now: datetime, status: CampaignStatus | None, after: int | None, first: int
) -> list[Campaign]:
    """Newest first; ``first + 1`` rows so the caller knows whether there is a next page."""
    query = Campaign.all()
    if status is not None:
        query = query.filter(_status_filter(status, now))
    if after is not None:
        query = query.filter(id__lt=after)
    return await query.order_by("-id").limit(first + 1)


async def campaigns_before_voting(now: datetime, first: int) -> list[Campaign]:
    """Open campaigns whose voting has not started (announced or taking proposals), the
    soonest to vote first: those an admin may open voting for now."""
    query = Campaign.filter(closed_at__isnull=True, voting_starts_at__gt=now)
    return await query.order_by("voting_starts_at", "id").limit(first)


async def votes_left_by_campaign(
    member_id: int | None, campaigns: list[Campaign]
) -> dict[int, int]:
    """The member's votes left in each campaign (all of them before the first vote)."""
    left = {c.id: c.votes_per_member for c in campaigns}
    if member_id is None or not campaigns:
        return {c.id: 0 for c in campaigns}
    p = mark()
    found = await rows(_ballots_sql(p), [member_id, int_list(p, list(left))])
    left.update({int(row["campaign_id"]): int(row["votes_left"]) for row in found})
    return left


# The two reads every campaign answer makes, written once: through the query builder each
# cost more than PostgreSQL spends running it.
@cache
def _ballots_sql(p: str) -> str:
    return (
        f'SELECT "campaign_id", "votes_left" FROM "{Ballot._meta.db_table}" '  # noqa: S608
        f'WHERE "member_id" = {p}1 AND "campaign_id" {one_of_ints(p, 2)}'
    )


@cache
def _voted_sql(p: str) -> str:
    return (
        f'SELECT "entry_id" FROM "{Vote._meta.db_table}" '  # noqa: S608
        f'WHERE "member_id" = {p}1 AND "entry_id" {one_of_ints(p, 2)}'
    )


async def entries_page(
    campaign_id: int, viewer_id: int | None, staff: bool, after: int | None, first: int
) -> list[CampaignEntry]:
    """Approved entries oldest first with their proposers; staff and the proposer also see
    their pending ones."""
    params: list[Any] = [campaign_id, first + 1]
    reader: Reader = "staff" if staff else "anyone" if viewer_id is None else "member"
    sql = _entries_page_sql(mark(), reader, after is not None)
    if reader == "member":
        params.append(viewer_id)
    if after is not None:
        params.append(after)
    return [
        built_with(CampaignEntry, row, "e", proposer=(Member, "m"))
        for row in await rows(sql, params)
    ]


@cache
def _entries_page_sql(p: str, reader: Reader, after: bool) -> str:
    """What ``CampaignEntry.filter(…).order_by("id").limit(…).select_related("proposer")``
    sends, written once: through the query builder, with the entries' members built, the page
    cost half of a campaign's answer. A member's page binds the member as ``{p}3``."""
    approved, pending = EntryStatus.APPROVED.value, EntryStatus.PENDING.value
    if reader == "staff":
        visible = f"e.\"status\" IN ('{approved}', '{pending}')"
    elif reader == "member":
        visible = (
            f"(e.\"status\" = '{approved}' "
            f'OR (e."proposer_id" = {p}3 AND e."status" = \'{pending}\'))'
        )
    else:
        visible = f"e.\"status\" = '{approved}'"
    later = f' AND e."id" > {p}{4 if reader == "member" else 3}' if after else ""
    return (
        f"SELECT {aliased_columns('e', CampaignEntry)}, {aliased_columns('m', Member)} "  # noqa: S608
        f'FROM "{CampaignEntry._meta.db_table}" e '
        f'JOIN "{Member._meta.db_table}" m ON m."id" = e."proposer_id" '
        f'WHERE e."campaign_id" = {p}1 AND {visible}{later} ORDER BY e."id" LIMIT {p}2'
    )


async def entry_ids_voted(viewer_id: int | None, entry_ids: list[int]) -> set[int]:
    if viewer_id is None or not entry_ids:
        return set()
    p = mark()
    found = await rows(_voted_sql(p), [viewer_id, int_list(p, entry_ids)])
    return {int(row["entry_id"]) for row in found}


async def entries_by_id(ids: list[int]) -> dict[int, CampaignEntry]:
    if not ids:
        return {}
    found = await CampaignEntry.filter(id__in=ids).select_related("proposer")
    return {e.id: e for e in found}


async def pending_entries(first: int) -> list[CampaignEntry]:
    """The entry moderation queue, oldest first."""
    return (
        await CampaignEntry.filter(status=EntryStatus.PENDING)
        .order_by("id")
        .limit(first)
        .select_related("proposer", "campaign")
    )


async def get_campaign(campaign_id: int) -> Campaign | None:
    return await by_unique(Campaign, "id", campaign_id)


async def campaign_exists(campaign_id: int) -> bool:
    return await Campaign.filter(id=campaign_id).exists()
