"""Campaigns' mutation root fields: entries, votes, moderation, announcing and closing."""

from __future__ import annotations

import strawberry

from api.campaigns.mutations.cast_vote import CastVoteResult, cast_vote
from api.campaigns.mutations.close_campaign import CloseCampaignResult, close_campaign
from api.campaigns.mutations.create_campaign import CreateCampaignResult, create_campaign
from api.campaigns.mutations.moderate_entry import ModerateEntryResult, moderate_entry
from api.campaigns.mutations.open_voting import OpenVotingResult, open_voting
from api.campaigns.mutations.propose_entry import ProposeEntryResult, propose_entry
from api.permissions import IsAuthenticated


@strawberry.type
class CampaignsMutation:
    propose_entry: ProposeEntryResult = strawberry.mutation(
        resolver=propose_entry,
        description="Propose a name (it waits for a moderator) or enter a published PHOTO post.",
        permission_classes=[IsAuthenticated],
    )
    cast_vote: CastVoteResult = strawberry.mutation(
        resolver=cast_vote,
        description="Vote for an approved entry: one vote per entry, `votesPerMember` per "
        "campaign, +1 point. Accounts under 72 h, suspended ones and other estates' residents "
        "get `NotEligible`.",
        permission_classes=[IsAuthenticated],
    )
    moderate_entry: ModerateEntryResult = strawberry.mutation(
        resolver=moderate_entry,
        description="Moderators and admins: approve or reject a proposed name (audited).",
    )
    create_campaign: CreateCampaignResult = strawberry.mutation(
        resolver=create_campaign, description="Admins: announce a naming or photo campaign."
    )
    open_voting: OpenVotingResult = strawberry.mutation(
        resolver=open_voting,
        description="Admins: open a campaign's voting now instead of at `votingStartsAt` (a "
        "proposal window still open ends now); audited, and the estate's members are told. "
        "`VotingAlreadyOpen` once voting has started or the campaign is closed.",
    )
    close_campaign: CloseCampaignResult = strawberry.mutation(
        resolver=close_campaign,
        description="Admins: close a campaign now; the winner (most votes, a tie to the earlier "
        "entry) is named and its proposer paid once. Closing again changes nothing.",
    )
