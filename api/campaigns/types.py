"""GraphQL types of co-creation campaigns: campaigns, entries, live tallies, mutation results.
While a campaign hides its results until close, no field carries a count (null or empty)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.identity.types import Member
from api.pagination import after_id, check_first, connection_of
from api.posts.types import Post
from domain.campaigns import live, models, queries, rules
from domain.campaigns.policies import may_read_entry
from domain.campaigns.services import windows
from domain.errors import NotFoundError
from domain.identity.models import Member as MemberRow
from domain.identity.models import Role
from domain.identity.policies import is_staff
from domain.posts import queries as post_queries


@strawberry.enum(description="What members enter in a campaign.")
class CampaignKind(Enum):
    NAMING = strawberry.enum_value("NAMING", description="Members propose names (命名大赛).")
    PHOTO = strawberry.enum_value("PHOTO", description="Members enter published PHOTO posts.")


@strawberry.enum(description="Where a campaign stands now.")
class CampaignStatus(Enum):
    DRAFT = strawberry.enum_value("DRAFT", description="Announced; proposals not open yet.")
    PROPOSING = strawberry.enum_value("PROPOSING", description="Members propose entries.")
    VOTING = strawberry.enum_value("VOTING", description="Members vote on approved entries.")
    CLOSED = strawberry.enum_value("CLOSED", description="Closed; the winner is named.")


@strawberry.enum(description="Where an entry stands in moderation.")
class EntryStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Waiting for a moderator.")
    APPROVED = strawberry.enum_value("APPROVED", description="In the running.")
    REJECTED = strawberry.enum_value("REJECTED", description="Refused by a moderator.")


def _viewer_id(info: Info[Context, Any]) -> int | None:
    return info.context.member.id if info.context.member else None


@strawberry.type(description="A proposed name or a photo competing in a campaign.")
class CampaignEntry(relay.Node):
    id: relay.NodeID[int]
    title: str = strawberry.field(description="The proposed name, or the photo's title.")
    description: str | None = strawberry.field(description="Why this name; null for none.")
    status: EntryStatus = strawberry.field(description="Where it stands in moderation.")
    vote_count: int | None = strawberry.field(
        description="Votes so far; null while the campaign hides its results until close."
    )
    viewer_has_voted: bool = strawberry.field(
        description="Whether the signed-in member voted for it (false when signed out)."
    )
    created_at: datetime = strawberry.field(
        description="When it was proposed: a tie in votes goes to the earlier entry."
    )
    model: strawberry.Private[models.CampaignEntry]
    post_card: strawberry.Private[post_queries.PostCard | None]

    @classmethod
    def from_model(
        cls,
        entry: models.CampaignEntry,
        visible: bool,
        voted: bool = False,
        card: post_queries.PostCard | None = None,
    ) -> CampaignEntry:
        """``entry`` with its proposer fetched."""
        return cls(
            id=entry.id,
            title=entry.title,
            description=entry.description,
            status=EntryStatus(entry.status.value),
            vote_count=entry.vote_count if visible else None,
            viewer_has_voted=voted,
            created_at=entry.created_at,
            model=entry,
            post_card=card,
        )

    @field(description="Who proposed it; credited by name when it wins.")
    def proposer(self) -> Member:
        return Member.from_model(self.model.proposer)

    @field(
        description="Why the safety checks held it for a moderator (matched word category, "
        "link, phone number, WeChat id): only for moderators and admins, else null."
    )
    def safety_flag(self, info: Info[Context, Any]) -> str | None:
        viewer = info.context.member
        if viewer is not None and (viewer.has_role(Role.MODERATOR) or viewer.has_role(Role.ADMIN)):
            return self.model.safety_flag
        return None

    @field(description="The PHOTO post entered; null for names.")
    def post(self) -> Post | None:
        return Post.from_card(self.post_card) if self.post_card else None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[CampaignEntry | None]:
        entries = await queries.entries_by_id([int(i) for i in node_ids])
        viewer = info.context.member
        shown = {pk: entry for pk, entry in entries.items() if may_read_entry(viewer, entry)}
        return [await entry_for(info, shown[int(i)]) if int(i) in shown else None for i in node_ids]


async def entries_of(
    info: Info[Context, Any], rows: list[models.CampaignEntry], visible: bool
) -> list[CampaignEntry]:
    return await entries_seen_by(info.context.member, rows, visible)


async def entries_seen_by(
    viewer: MemberRow | None, rows: list[models.CampaignEntry], visible: bool
) -> list[CampaignEntry]:
    """Entries with the viewer's votes and their photo posts: two statements per page at most."""
    viewer_id = viewer.id if viewer is not None else None
    voted = await queries.entry_ids_voted(viewer_id, [e.id for e in rows])
    post_ids = [e.post_id for e in rows if e.post_id is not None]
    # A photo the viewer may not read (hidden since it was entered) shows as no photo.
    cards = await post_queries.readable_post_cards(viewer, post_ids) if post_ids else {}
    return [
        CampaignEntry.from_model(
            e, visible, e.id in voted, cards.get(e.post_id) if e.post_id else None
        )
        for e in rows
    ]


async def entry_for(info: Info[Context, Any], entry: models.CampaignEntry) -> CampaignEntry:
    """One entry (read with its proposer) as the viewer sees it now."""
    return await entry_seen_by(info.context.member, entry)


async def entry_seen_by(viewer: MemberRow | None, entry: models.CampaignEntry) -> CampaignEntry:
    campaign = await models.Campaign.get(id=entry.campaign_id)
    (shown,) = await entries_seen_by(viewer, [entry], visible_results(campaign))
    return shown


async def entry_by_id(info: Info[Context, Any], entry_id: int) -> CampaignEntry:
    """The entry a mutation answers with, under the rule of ``node(id:)``: one the viewer may
    not read raises NotFoundError."""
    entry = (await queries.entries_by_id([entry_id])).get(entry_id)
    if entry is None or not may_read_entry(info.context.member, entry):
        raise NotFoundError()
    return await entry_for(info, entry)


async def campaign_by_id(info: Info[Context, Any], campaign_id: int) -> Campaign:
    rows = await models.Campaign.filter(id=campaign_id)
    (shown,) = await campaigns_of(info, rows)
    assert shown is not None
    return shown


def visible_results(campaign: models.Campaign) -> bool:
    return rules.results_visible(campaign.hide_results, campaign.closed_at is not None)


@strawberry.type(description="A page of entries, oldest first.")
class CampaignEntryConnection(relay.Connection[CampaignEntry]):
    pass


@strawberry.type(description="A co-creation campaign (命名大赛 / 最美春日).")
class Campaign(relay.Node):
    id: relay.NodeID[int]
    title: str = strawberry.field(description="The campaign's title.")
    kind: CampaignKind = strawberry.field(description="Names or photos.")
    status: CampaignStatus = strawberry.field(description="Where it stands now.")
    description: str = strawberry.field(description="What it is about and the prize.")
    proposal_starts_at: datetime | None = strawberry.field(
        description="When proposals open; null when open from the start."
    )
    proposal_ends_at: datetime | None = strawberry.field(
        description="When proposals close; null means at the start of voting."
    )
    voting_starts_at: datetime = strawberry.field(description="When voting opens.")
    voting_ends_at: datetime = strawberry.field(description="When voting closes.")
    votes_per_member: int = strawberry.field(description="Votes each member has, one per entry.")
    viewer_votes_left: int = strawberry.field(
        description="The signed-in member's votes left; 0 when signed out."
    )
    results_visible: bool = strawberry.field(
        description="False while results are hidden until close: counts are then null."
    )
    closed_at: datetime | None = strawberry.field(
        description="When it was closed (its winner named); null while open."
    )
    model: strawberry.Private[models.Campaign]

    @classmethod
    def from_model(cls, campaign: models.Campaign, now: datetime, votes_left: int) -> Campaign:
        return cls(
            id=campaign.id,
            title=campaign.title,
            kind=CampaignKind(campaign.kind.value),
            status=CampaignStatus(rules.status_at(windows(campaign), now).value),
            description=campaign.description,
            proposal_starts_at=campaign.proposal_starts_at,
            proposal_ends_at=campaign.proposal_ends_at,
            voting_starts_at=campaign.voting_starts_at,
            voting_ends_at=campaign.voting_ends_at,
            votes_per_member=campaign.votes_per_member,
            viewer_votes_left=votes_left,
            results_visible=visible_results(campaign),
            closed_at=campaign.closed_at,
            model=campaign,
        )

    @field(
        description="Approved entries, oldest first (staff and the proposer also see pending "
        "ones); `first` is 1–50."
    )
    async def entries(
        self, info: Info[Context, Any], first: int, after: str | None = None
    ) -> CampaignEntryConnection:
        check_first(first)
        viewer = info.context.member
        rows = await self.entry_rows(viewer, after_id(after), first)
        shown = {e.id: e for e in await entries_of(info, rows[:first], self.results_visible)}
        return connection_of(CampaignEntryConnection, rows, first, after, lambda r: shown[r.id])

    async def entry_rows(
        self, viewer: MemberRow | None, after: int | None, first: int
    ) -> list[models.CampaignEntry]:
        """The page of entries ``viewer`` may see (``first + 1`` rows)."""
        viewer_id = viewer.id if viewer else None
        return await queries.entries_page(self.model.id, viewer_id, is_staff(viewer), after, first)

    @field(description="The winning entry once closed; null before.")
    async def winner(self, info: Info[Context, Any]) -> CampaignEntry | None:
        return await self.winner_for(info.context.member)

    async def winner_for(self, viewer: MemberRow | None) -> CampaignEntry | None:
        if self.model.winner_entry_id is None:
            return None
        found = await queries.entries_by_id([self.model.winner_entry_id])
        entry = found.get(self.model.winner_entry_id)
        return await entry_seen_by(viewer, entry) if entry else None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[Campaign | None]:
        rows = await models.Campaign.filter(id__in=[int(i) for i in node_ids])
        return [c if c else None for c in await campaigns_of(info, rows, node_ids)]


async def campaigns_of(
    info: Info[Context, Any], rows: list[models.Campaign], order: Iterable[str] | None = None
) -> list[Campaign | None]:
    now = info.context.collaborators.clock.now()
    return await campaigns_seen_by(_viewer_id(info), now, rows, order)


async def campaign_seen_by(
    viewer_id: int | None, now: datetime, campaign_id: int
) -> Campaign | None:
    """``campaign(id)``: the campaign as the viewer sees it now; None when there is none."""
    campaign = await queries.get_campaign(campaign_id)
    rows = [campaign] if campaign is not None else []
    (found,) = await campaigns_seen_by(viewer_id, now, rows, [str(campaign_id)])
    return found


async def campaigns_seen_by(
    viewer_id: int | None,
    now: datetime,
    rows: list[models.Campaign],
    order: Iterable[str] | None = None,
) -> list[Campaign | None]:
    left = await queries.votes_left_by_campaign(viewer_id, rows)
    by_id = {c.id: Campaign.from_model(c, now, left[c.id]) for c in rows}
    ids = [int(i) for i in order] if order is not None else [c.id for c in rows]
    return [by_id.get(i) for i in ids]


@strawberry.type(description="Campaigns, newest first.")
class CampaignConnection(relay.Connection[Campaign]):
    pass


@strawberry.type(description="One entry's votes in a live tally.")
class EntryTally:
    entry_id: strawberry.ID = strawberry.field(description="`CampaignEntry.id`.")
    vote_count: int | None = strawberry.field(
        description="Votes so far; null while results are hidden."
    )


@strawberry.type(
    description="A campaign's live tally, pushed at most once a second. While results are "
    "hidden until close, `entries` is empty."
)
class CampaignTally:
    campaign_id: strawberry.ID = strawberry.field(description="`Campaign.id`.")
    results_visible: bool = strawberry.field(description="False while results are hidden.")
    entries: list[EntryTally] = strawberry.field(description="Entries with at least one vote.")

    @classmethod
    def of(cls, tally: live.Tally) -> CampaignTally:
        shown = tally.shown()
        return cls(
            campaign_id=strawberry.ID(str(relay.GlobalID("Campaign", str(tally.campaign_id)))),
            results_visible=shown.visible,
            entries=[
                EntryTally(
                    entry_id=strawberry.ID(str(relay.GlobalID("CampaignEntry", str(entry_id)))),
                    vote_count=count,
                )
                for entry_id, count in sorted(shown.counts.items())
            ],
        )


@strawberry.type(description="The entry was proposed (names wait for a moderator).")
class ProposeEntrySuccess:
    entry: CampaignEntry = strawberry.field(description="The new entry.")


@strawberry.type(description="The vote counted.")
class CastVoteSuccess:
    entry: CampaignEntry = strawberry.field(description="The entry voted for, as it is now.")
    campaign: Campaign = strawberry.field(description="The campaign, with the votes left.")


@strawberry.type(description="The moderation decision was applied (or had been already).")
class ModerateEntrySuccess:
    entry: CampaignEntry = strawberry.field(description="The entry as it is now.")


@strawberry.type(description="The campaign was created.")
class CreateCampaignSuccess:
    campaign: Campaign = strawberry.field(description="The new campaign.")


@strawberry.type(description="Voting is open now; the estate's members are told.")
class OpenVotingSuccess:
    campaign: Campaign = strawberry.field(description="The campaign, now voting.")


@strawberry.type(description="The campaign is closed (closing again changes nothing).")
class CloseCampaignSuccess:
    campaign: Campaign = strawberry.field(description="The closed campaign with its winner.")
