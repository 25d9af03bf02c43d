"""Campaigns and seasoned voters for tests."""

from __future__ import annotations

from datetime import timedelta

from domain.campaigns import services
from domain.campaigns.models import Campaign, CampaignEntry, CampaignKind, EntryStatus
from domain.collaborators import Collaborators
from domain.identity.models import Estate, Member, Role
from tests.factories import make_member


async def voter(
    c: Collaborators, *, age: timedelta = timedelta(days=10), estate: Estate | None = None
) -> Member:
    """A member whose account is ``age`` old by the test clock."""
    member = await make_member(estate=estate)
    await Member.filter(id=member.id).update(created_at=c.clock.now() - age)
    return await Member.get(id=member.id)


async def admin(c: Collaborators) -> Member:
    return await make_member(roles=(Role.ADMIN,), display_name="运营")


async def voting_campaign(
    c: Collaborators,
    *,
    entries: int = 3,
    votes_per_member: int = 3,
    hide_results: bool = False,
    estate: Estate | None = None,
    kind: CampaignKind = CampaignKind.NAMING,
) -> tuple[Campaign, list[CampaignEntry]]:
    """A campaign in its voting window (opened an hour ago, ends in a day) with approved
    entries proposed one minute apart."""
    now = c.clock.now()
    campaign = await services.create_campaign(
        c,
        await admin(c),
        services.NewCampaign(
            kind=kind,
            title="咖啡豆命名大赛",
            description="给新豆子起个好名字",
            voting_starts_at=now - timedelta(hours=1),
            voting_ends_at=now + timedelta(days=1),
            votes_per_member=votes_per_member,
            hide_results=hide_results,
            estate_id=estate.id if estate else None,
        ),
    )
    proposer = await voter(c)
    made = []
    for i in range(entries):
        made.append(
            await CampaignEntry.create(
                campaign=campaign,
                proposer=proposer,
                title=f"名字{i + 1}",
                status=EntryStatus.APPROVED,
                created_at=now - timedelta(days=2) + timedelta(minutes=i),
            )
        )
    return campaign, made
