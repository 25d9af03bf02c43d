"""Co-creation campaigns: naming and photo contests, their entries, ballots and votes."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.identity.models import Estate, Member
    from domain.posts.models import Post

# Model docstrings become table comments: keep them free of semicolons (statement splitting).


class CampaignKind(StrEnum):
    NAMING = "NAMING"
    PHOTO = "PHOTO"


class EntryStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class Campaign(Model):
    """A naming or photo contest with a proposal window and a voting window."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(CampaignKind, max_length=8)
    title = fields.CharField(max_length=60)
    description = fields.TextField()
    estate: fields.ForeignKeyNullableRelation[Estate] = fields.ForeignKeyField(
        "linli.Estate", related_name="campaigns", null=True, on_delete=fields.RESTRICT
    )
    proposal_starts_at = fields.DatetimeField(null=True)
    proposal_ends_at = fields.DatetimeField(null=True)
    voting_starts_at = fields.DatetimeField()
    voting_ends_at = fields.DatetimeField()
    votes_per_member = fields.IntField(default=3)
    hide_results = fields.BooleanField(default=False)
    # Set once, by the conditional update that closes the campaign.
    closed_at = fields.DatetimeField(null=True)
    winner_entry_id = fields.IntField(null=True)
    created_by: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="campaigns_created", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()

    estate_id: int | None
    created_by_id: int

    class Meta:
        table = "campaign"
        indexes = (("closed_at", "voting_ends_at"),)


class CampaignEntry(Model):
    """A proposed name, or a published photo post, competing in a campaign."""

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "linli.Campaign", related_name="entries", on_delete=fields.CASCADE
    )
    proposer: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="campaign_entries", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=40)
    description = fields.CharField(max_length=200, null=True)
    post: fields.ForeignKeyNullableRelation[Post] = fields.ForeignKeyField(
        "linli.Post", related_name="campaign_entries", null=True, on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(EntryStatus, max_length=10, default=EntryStatus.PENDING)
    vote_count = fields.IntField(default=0)
    # Why the safety checks held it for a moderator (None: they did not).
    safety_flag = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField()

    campaign_id: int
    proposer_id: int
    post_id: int | None

    class Meta:
        table = "campaign_entry"
        indexes = (("campaign_id", "status", "id"),)
        unique_together = (("campaign", "post"),)


class Ballot(Model):
    """A member's votes left in one campaign, spent by a conditional update."""

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "linli.Campaign", related_name="ballots", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="ballots", on_delete=fields.CASCADE
    )
    votes_left = fields.IntField()

    campaign_id: int
    member_id: int

    class Meta:
        table = "campaign_ballot"
        unique_together = (("campaign", "member"),)


class Vote(Model):
    """One member's vote for one entry, at most one per entry and member."""

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "linli.Campaign", related_name="votes", on_delete=fields.CASCADE
    )
    entry: fields.ForeignKeyRelation[CampaignEntry] = fields.ForeignKeyField(
        "linli.CampaignEntry", related_name="votes", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="votes", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()

    campaign_id: int
    entry_id: int
    member_id: int

    class Meta:
        table = "campaign_vote"
        unique_together = (("entry", "member"),)
        indexes = (("campaign_id", "member_id"),)
