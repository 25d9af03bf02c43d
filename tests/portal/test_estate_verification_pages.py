"""Estate verification in the portal: the profile's "how to get verified" panel, the refusals an
unverified resident meets on the campaign and event pages, and the hosts' verification page."""

from __future__ import annotations

import httpx

from domain.campaigns.models import Vote
from domain.collaborators import Collaborators
from domain.events.models import EventRegistration
from domain.groups.models import InterestGroup
from domain.identity.models import EstateVerification, Role, VerifiedBy
from domain.posts.models import AuditLogEntry
from tests.domain.campaign_helpers import voter, voting_campaign
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.factories import make_estate, make_member
from tests.portal.test_points_pages import htmx, log_in


async def test_the_profile_tells_an_unverified_resident_how_to_get_verified(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    estate = await make_estate()
    newcomer = await make_member(estate=estate, verified=False)
    await log_in(client, newcomer)
    panel = (await client.get("/profile")).text.split('id="estate-verification"')[1]
    panel = panel.split("</section>")[0]
    assert "你还没有完成翠湖花园的居民认证" in panel
    for way in ("自提点取一次团购订单", "主理人为你认证", "已认证邻居的邀请码"):
        assert way in panel

    await EstateVerification.create(
        member=newcomer,
        estate=estate,
        via=VerifiedBy.ATTESTED,
        verified_at=collaborators.clock.now(),
    )
    panel = (await client.get("/profile")).text.split('id="estate-verification"')[1]
    assert "翠湖花园的认证居民（主理人认证）" in panel.split("</section>")[0]


async def test_an_unverified_resident_is_told_why_on_the_vote_and_the_event_pages(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    c = collaborators
    estate = await make_estate()
    campaign, entries = await voting_campaign(c, estate=estate)
    group = await make_group(await make_host())
    await InterestGroup.filter(id=group.id).update(estate_id=estate.id)
    event = await make_event(c, group)
    newcomer = await voter(c, estate=estate)
    await EstateVerification.filter(member_id=newcomer.id).delete()
    csrf = await log_in(client, newcomer)

    voted = await client.post(
        f"/campaigns/{campaign.id}/vote", data={"entry_id": entries[0].id}, headers=htmx(csrf)
    )
    assert voted.status_code == 422 and "完成小区认证后才能参与" in voted.text
    registered = await client.post(f"/events/{event.id}/register", headers=htmx(csrf))
    assert registered.status_code == 422 and "完成小区认证后才能参与" in registered.text
    assert not await Vote.exists() and not await EventRegistration.exists()


async def test_a_host_verifies_a_resident_of_their_estate_from_the_residents_page(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    estate, other = await make_estate(), await make_estate("云栖苑")
    newcomer = await make_member(estate=estate, verified=False, display_name="新来的小周")
    elsewhere = await make_member(estate=other, verified=False, display_name="别处的老李")
    host = await make_member(estate=estate, roles=(Role.RESIDENT, Role.HOST))

    await log_in(client, await make_member(estate=estate))
    assert (await client.get("/staff/residents")).status_code == 403

    csrf = await log_in(client, host)
    listed = (await client.get("/staff/residents")).text
    assert f'id="resident-{newcomer.id}"' in listed and "新来的小周" in listed
    assert f'id="resident-{host.id}"' not in listed  # verified (the factory's default)
    assert "别处的老李" not in listed

    refused = await client.post(f"/staff/residents/{elsewhere.id}/attest", headers=htmx(csrf))
    assert refused.status_code == 422
    assert not await EstateVerification.filter(member_id=elsewhere.id).exists()

    done = await client.post(f"/staff/residents/{newcomer.id}/attest", headers=htmx(csrf))
    assert done.status_code == 200
    assert "已认证：新来的小周 是翠湖花园的居民" in done.text
    assert f'id="resident-{newcomer.id}"' not in done.text
    row = await EstateVerification.get(member_id=newcomer.id)
    assert (row.via, row.vouched_by_id) == (VerifiedBy.ATTESTED, host.id)
    assert await AuditLogEntry.filter(action="ESTATE_ATTESTED", actor_id=host.id).count() == 1


async def test_an_admin_chooses_the_estate_whose_residents_to_verify(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    estate, other = await make_estate(), await make_estate("云栖苑")
    there = await make_member(estate=other, verified=False, display_name="别处的老李")
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    assert "选择一个小区" in (await client.get("/staff/residents")).text
    listed = (await client.get(f"/staff/residents?estate={other.id}")).text
    assert f'id="resident-{there.id}"' in listed
    assert (await client.get(f"/staff/residents?estate={estate.id}")).status_code == 200
