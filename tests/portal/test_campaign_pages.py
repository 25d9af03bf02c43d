"""Campaign pages: the list by status, a campaign's entries with vote buttons and votes left, a
vote swapped in place, typed refusals at 422, proposals, hidden counts, admin moderation."""

from __future__ import annotations

from datetime import timedelta

import httpx

from domain.campaigns import services
from domain.campaigns.models import Campaign, CampaignEntry, CampaignKind, EntryStatus, Vote
from domain.collaborators import Collaborators
from domain.identity.models import Role
from tests.domain.campaign_helpers import voter, voting_campaign
from tests.factories import make_member
from tests.portal.test_points_pages import htmx, log_in


async def test_the_list_groups_campaigns_by_status(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    campaign, _ = await voting_campaign(collaborators)
    closed, _ = await voting_campaign(collaborators)
    await services.close_campaign(collaborators, closed.id)
    page = await client.get("/campaigns")
    assert page.status_code == 200
    voting = page.text.split('id="campaigns-voting"')[1].split('id="campaigns-open"')[0]
    assert f'id="campaign-{campaign.id}"' in voting and f'id="campaign-{closed.id}"' not in voting
    assert f'id="campaign-{closed.id}"' in page.text.split('id="campaigns-closed"')[1]


async def test_a_vote_from_the_page_swaps_the_entries_with_votes_left(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    campaign, entries = await voting_campaign(collaborators)
    member = await voter(collaborators)
    csrf = await log_in(client, member)
    page = await client.get(f"/campaigns/{campaign.id}")
    assert (
        "还剩 3 票" in page.text and f'data-tally-src="/campaigns/{campaign.id}/tally"' in page.text
    )
    response = await client.post(
        f"/campaigns/{campaign.id}/vote", data={"entry_id": entries[0].id}, headers=htmx(csrf)
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="entries" id="entries">')
    assert "还剩 2 票" in response.text and "已投票" in response.text
    again = await client.post(
        f"/campaigns/{campaign.id}/vote", data={"entry_id": entries[0].id}, headers=htmx(csrf)
    )
    assert again.status_code == 422 and "已经给这个作品投过票" in again.text
    assert await Vote.filter(member_id=member.id).count() == 1


async def test_a_newcomer_is_told_why_they_cannot_vote(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    campaign, entries = await voting_campaign(collaborators)
    csrf = await log_in(client, await voter(collaborators, age=timedelta(hours=2)))
    response = await client.post(
        f"/campaigns/{campaign.id}/vote", data={"entry_id": entries[0].id}, headers=htmx(csrf)
    )
    assert response.status_code == 422 and "72 小时" in response.text
    assert not await Vote.all().exists()


async def test_hidden_results_show_no_counts_on_the_page(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    campaign, entries = await voting_campaign(collaborators, hide_results=True)
    await services.cast_vote(collaborators, await voter(collaborators), entries[0].id)
    page = await client.get(f"/campaigns/{campaign.id}")
    assert "票数将在活动结束后公布" in page.text
    assert "data-count-for" not in page.text and "<progress" not in page.text


async def test_a_name_proposed_on_the_page_waits_and_an_admin_approves_it(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    campaign, _ = await voting_campaign(collaborators)
    now = collaborators.clock.now()
    await Campaign.filter(id=campaign.id).update(
        voting_starts_at=now + timedelta(days=1), voting_ends_at=now + timedelta(days=2)
    )
    member = await voter(collaborators)
    csrf = await log_in(client, member)
    bad = await client.post(
        f"/campaigns/{campaign.id}/propose", data={"title": ""}, headers=htmx(csrf)
    )
    assert bad.status_code == 422 and "名字应为" in bad.text
    good = await client.post(
        f"/campaigns/{campaign.id}/propose", data={"title": "晨光"}, headers=htmx(csrf)
    )
    assert good.status_code == 200 and "审核通过后" in good.text
    entry = await CampaignEntry.get(title="晨光")
    assert entry.status == EntryStatus.PENDING
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    admin_csrf = await log_in(client, admin)
    queue = await client.get("/admin/campaigns")
    assert f'id="pending-{entry.id}"' in queue.text
    decided = await client.post(
        f"/admin/campaigns/entries/{entry.id}/approve", headers=htmx(admin_csrf)
    )
    assert decided.status_code == 200
    assert (await CampaignEntry.get(id=entry.id)).status == EntryStatus.APPROVED


async def test_residents_cannot_open_the_campaign_admin(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    await log_in(client, await voter(collaborators))
    assert (await client.get("/admin/campaigns")).status_code == 403


async def test_the_campaign_page_sends_as_many_statements_for_one_entry_as_for_twenty(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    from tests.sqlcount import count_sql

    small, _ = await voting_campaign(collaborators, entries=1)
    large, entries = await voting_campaign(collaborators, entries=20)
    member = await voter(collaborators)
    await log_in(client, member)
    for entry in entries[:3]:
        await services.cast_vote(collaborators, member, entry.id)
    seen = []
    for campaign in (small, large):
        with count_sql() as statements:
            page = await client.get(f"/campaigns/{campaign.id}")
        assert page.status_code == 200
        seen.append(len(statements))
    print(f"campaign page SQL statements for 1 and 20 entries: {seen}")
    assert seen[0] == seen[1]


async def test_an_admin_closes_a_campaign_from_the_admin_page_once(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    from domain.points.models import LedgerEntry, LedgerReason

    campaign, entries = await voting_campaign(collaborators)
    await services.cast_vote(collaborators, await voter(collaborators), entries[1].id)
    resident_csrf = await log_in(client, await voter(collaborators))
    refused = await client.post(
        f"/admin/campaigns/{campaign.id}/close", headers=htmx(resident_csrf)
    )
    assert refused.status_code == 403
    assert (await Campaign.get(id=campaign.id)).closed_at is None
    csrf = await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    admin_page = await client.get("/admin/campaigns")
    assert f'id="pending-campaign-{campaign.id}"' in admin_page.text
    for _ in range(2):
        closed = await client.post(f"/admin/campaigns/{campaign.id}/close", headers=htmx(csrf))
        assert closed.status_code == 200 and "已结束" in closed.text
    assert (await Campaign.get(id=campaign.id)).winner_entry_id == entries[1].id
    assert await LedgerEntry.filter(reason=LedgerReason.CAMPAIGN_WON).count() == 1
    shown = await client.get(f"/campaigns/{campaign.id}")
    assert 'id="winner"' in shown.text and "名字2" in shown.text.split('id="winner"')[1]


async def test_an_admin_opens_voting_from_the_admin_page_once(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    now = collaborators.clock.now()
    campaign = await services.create_campaign(
        collaborators,
        await make_member(roles=(Role.RESIDENT, Role.ADMIN)),
        services.NewCampaign(
            kind=CampaignKind.NAMING,
            title="小区咖啡角命名",
            description="给咖啡角起个名字",
            voting_starts_at=now + timedelta(days=3),
            voting_ends_at=now + timedelta(days=5),
        ),
    )
    resident_csrf = await log_in(client, await voter(collaborators))
    url = f"/admin/campaigns/{campaign.id}/open-voting"
    refused = await client.post(url, headers=htmx(resident_csrf))
    assert refused.status_code == 403
    assert (await Campaign.get(id=campaign.id)).voting_starts_at > now
    csrf = await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    admin_page = await client.get("/admin/campaigns")
    upcoming = admin_page.text.split('id="upcoming-campaigns"')[1]
    assert f'id="pending-upcoming-campaign-{campaign.id}"' in upcoming
    assert "立即开始投票" in upcoming
    without_token = await client.post(url, headers={"HX-Request": "true"})
    assert without_token.status_code == 403
    opened = await client.post(url, headers=htmx(csrf))
    assert opened.status_code == 200 and "已开始投票" in opened.text
    assert (await Campaign.get(id=campaign.id)).voting_starts_at == now
    again = await client.post(url, headers=htmx(csrf))
    assert again.status_code == 422 and "投票已经开始" in again.text
