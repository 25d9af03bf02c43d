"""Moving estates: the member asks, a host or admin of the target estate decides, and until then
the member keeps every right and limit of the estate they have."""

from __future__ import annotations

import asyncio

import pytest

from domain.campaigns import services as campaigns
from domain.campaigns.errors import NotEligibleError
from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import NotFoundError, PermissionDeniedError
from domain.identity import estate_changes, services
from domain.identity.errors import EstateChangeDecidedError
from domain.identity.models import (
    Estate,
    EstateChangeRequest,
    EstateChangeStatus,
    EstateVerification,
    Member,
    Role,
    VerifiedBy,
)
from domain.posts.models import AuditLogEntry
from tests.domain.campaign_helpers import voter, voting_campaign
from tests.factories import make_estate, make_member


async def ask(c: Collaborators, member: Member, estate: Estate) -> EstateChangeRequest:
    await services.update_profile(c, member, services.ProfileChanges(estate_id=estate.id))
    request = await estate_changes.pending_estate_change(member.id)
    assert request is not None
    return request


async def estates() -> tuple[Estate, Estate]:
    return await make_estate("阳光花园"), await make_estate("绿地小区")


async def test_a_member_keeps_the_old_estate_until_a_host_of_the_target_approves(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    a, b = await estates()
    member = await make_member(estate=a)
    host_a = await make_member(estate=a, roles=(Role.RESIDENT, Role.HOST))
    host_b = await make_member(estate=b, roles=(Role.RESIDENT, Role.HOST))
    request = await ask(c, member, b)
    assert (await Member.get(id=member.id)).estate_id == a.id
    assert (request.from_estate_id, request.to_estate_id) == (a.id, b.id)
    assert [r.id for r in await estate_changes.list_pending_estate_changes(host_a, None, 10)] == []
    with pytest.raises(NotFoundError):  # the old estate's host is not the one to decide
        await estate_changes.decide_estate_change(c, host_a, request.id, approve=True)
    listed = await estate_changes.list_pending_estate_changes(host_b, None, 10)
    assert [r.id for r in listed] == [request.id]

    decided = await estate_changes.decide_estate_change(c, host_b, request.id, approve=True)

    assert decided.status == EstateChangeStatus.APPROVED and decided.decided_by_id == host_b.id
    assert decided.decided_at == c.clock.now()
    assert (await Member.get(id=member.id)).estate_id == b.id
    entry = await AuditLogEntry.get(target_type="MEMBER", target_id=member.id)
    assert (entry.actor_id, entry.action) == (host_b.id, "ESTATE_APPROVED")
    assert await estate_changes.pending_estate_change(member.id) is None


async def test_a_declined_request_leaves_the_member_where_they_were_and_is_decided_once(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    a, b = await estates()
    member = await make_member(estate=a)
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    request = await ask(c, member, b)
    await estate_changes.decide_estate_change(c, admin, request.id, approve=False)
    with pytest.raises(EstateChangeDecidedError):
        await estate_changes.decide_estate_change(c, admin, request.id, approve=True)
    assert (await Member.get(id=member.id)).estate_id == a.id
    saved = await EstateChangeRequest.get(id=request.id)
    assert (saved.status, saved.decided_by_id) == (EstateChangeStatus.DECLINED, admin.id)
    actions = await column(AuditLogEntry.filter(target_id=member.id), "action")
    assert actions == ["ESTATE_DECLINED"]


async def test_a_resident_who_asked_to_switch_cannot_vote_in_the_other_estates_campaign(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    a, b = await estates()
    resident = await voter(c, estate=a)
    _, entries = await voting_campaign(c, estate=b)
    request = await ask(c, resident, b)
    with pytest.raises(NotEligibleError):
        await campaigns.cast_vote(c, await Member.get(id=resident.id), entries[0].id)
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    await estate_changes.decide_estate_change(c, admin, request.id, approve=True)
    # Approving vouches for them in the new estate: verified there, by the admin who let them in.
    verified = await EstateVerification.get(member_id=resident.id, estate_id=b.id)
    assert (verified.via, verified.vouched_by_id) == (VerifiedBy.ATTESTED, admin.id)
    await campaigns.cast_vote(c, await Member.get(id=resident.id), entries[0].id)
    assert await entries[0].votes.all().count() == 1  # type: ignore[attr-defined]


async def test_asking_again_replaces_the_waiting_request_and_ones_own_estate_withdraws_it(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    a, b = await estates()
    third = await make_estate("金桥新村")
    member = await make_member(estate=a)
    first = await ask(c, member, b)
    assert (await ask(c, member, b)).id == first.id  # the same ask twice is one request
    second = await ask(c, member, third)
    assert (await EstateChangeRequest.get(id=first.id)).status == EstateChangeStatus.CANCELLED
    await services.update_profile(c, member, services.ProfileChanges(estate_id=a.id))
    assert (await EstateChangeRequest.get(id=second.id)).status == EstateChangeStatus.CANCELLED
    assert await estate_changes.pending_estate_change(member.id) is None
    assert (await Member.get(id=member.id)).estate_id == a.id


async def test_a_resident_without_an_estate_chooses_freely_but_a_host_without_one_asks(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    a, _ = await estates()
    newcomer = await make_member()
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    await services.update_profile(c, newcomer, services.ProfileChanges(estate_id=a.id))
    await services.update_profile(c, host, services.ProfileChanges(estate_id=a.id))
    assert (await Member.get(id=newcomer.id)).estate_id == a.id
    assert (await Member.get(id=host.id)).estate_id is None
    assert await estate_changes.pending_estate_change(host.id) is not None


async def test_no_one_decides_their_own_request_and_residents_decide_none(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    a, b = await estates()
    admin = await make_member(estate=a, roles=(Role.RESIDENT, Role.ADMIN))
    request = await ask(c, admin, b)
    with pytest.raises(NotFoundError):
        await estate_changes.decide_estate_change(c, admin, request.id, approve=True)
    with pytest.raises(PermissionDeniedError):
        await estate_changes.decide_estate_change(
            c, await make_member(estate=b), request.id, approve=True
        )
    assert (await EstateChangeRequest.get(id=request.id)).status == EstateChangeStatus.PENDING


async def test_an_admin_sets_an_estate_directly_and_the_waiting_request_is_cancelled(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    a, b = await estates()
    third = await make_estate("金桥新村")
    member = await make_member(estate=a)
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    waiting = await ask(c, member, b)
    with pytest.raises(PermissionDeniedError):
        await estate_changes.set_member_estate(c, member, member.id, third.id)
    await estate_changes.set_member_estate(c, admin, member.id, third.id)
    assert (await Member.get(id=member.id)).estate_id == third.id
    assert (await EstateChangeRequest.get(id=waiting.id)).status == EstateChangeStatus.CANCELLED
    entry = await AuditLogEntry.get(target_id=member.id)
    assert (entry.actor_id, entry.action) == (admin.id, "ESTATE_SET")


@pytest.mark.postgres_only
async def test_concurrent_decisions_on_one_request_decide_it_once(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    a, b = await estates()
    member = await make_member(estate=a)
    admins = [await make_member(roles=(Role.RESIDENT, Role.ADMIN)) for _ in range(6)]
    request = await ask(c, member, b)
    results = await asyncio.gather(
        *(
            estate_changes.decide_estate_change(c, admin, request.id, approve=n % 2 == 0)
            for n, admin in enumerate(admins)
        ),
        return_exceptions=True,
    )
    decided = [r for r in results if isinstance(r, EstateChangeRequest)]
    assert len(decided) == 1
    assert all(isinstance(r, EstateChangeDecidedError) for r in results if r not in decided)
    assert await AuditLogEntry.filter(target_id=member.id).count() == 1
    expected = b.id if decided[0].status == EstateChangeStatus.APPROVED else a.id
    assert (await Member.get(id=member.id)).estate_id == expected


@pytest.mark.postgres_only
async def test_concurrent_asks_of_one_member_leave_one_waiting_request(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    a, b = await estates()
    others = [await make_estate(f"小区{n}") for n in range(5)]
    member = await make_member(estate=a)
    await asyncio.gather(
        *(
            services.update_profile(c, member, services.ProfileChanges(estate_id=e.id))
            for e in [b, *others]
        ),
        return_exceptions=True,
    )
    assert await EstateChangeRequest.filter(member=member, status="PENDING").count() == 1
    assert (await Member.get(id=member.id)).estate_id == a.id
