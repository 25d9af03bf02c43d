"""A member's own standing (tier, scores, purchases to move up) on a hand-made world, and hosts
tagging the members of their groups (only theirs; admins anyone)."""

from __future__ import annotations

import pytest

from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import InvalidInputError, PermissionDeniedError
from domain.identity.models import Member, MemberInterestTag, Role
from domain.identity.services import ProfileChanges, update_profile
from domain.segments.host_tags import OwnTagError, add_member_tag, remove_member_tag
from domain.segments.recompute import recompute_tiers
from domain.segments.rfm import Tier
from domain.segments.standing import member_standing
from tests.domain.events_helpers import make_group, make_host
from tests.domain.host_console_helpers import buys, join
from tests.factories import make_member, make_tag


@pytest.fixture
async def five_buyers(collaborators: Collaborators) -> list[Member]:
    """Five buyers, the last purchase of each 10 days ago, 1 to 5 purchases of ¥100. By hand:
    recency scores 5 for all (the same days: everyone reaches the cuts), frequency and spend
    1..5 (cuts 2/3/4/5 purchases), so scores 7, 9, 11, 13, 15; 5 % of 5 buyers takes the top
    score whole and 20 % (one buyer) is nearest without the 13s, so the KOC and high-value cuts
    are both 15, the top buyer's score."""
    members = [await make_member(display_name=f"买家{n}") for n in range(1, 6)]
    for n, member in enumerate(members, start=1):
        await buys(collaborators, member, n, 10_000, days_ago=10)
    await recompute_tiers(collaborators)
    return [await Member.get(id=m.id) for m in members]


async def test_a_member_needs_the_purchases_counted_by_hand_to_move_up(
    collaborators: Collaborators, five_buyers: list[Member]
) -> None:
    one, two, _, four, five = five_buyers
    # Purchases today keep recency at 5; frequency and spend follow the count: the one-time
    # buyer needs 5 purchases (5 + 5 + 5 = 15), i.e. 4 more; the two-time buyer 3 more.
    first = await member_standing(collaborators, one)
    assert first.tier == Tier.POTENTIAL and (first.r, first.f, first.m) == (5, 1, 1)
    assert first.purchases_to_move_up == 4 and first.next_tier == Tier.HIGH_VALUE
    second = await member_standing(collaborators, two)
    assert second.score == 9 and second.purchases_to_move_up == 3
    assert (await member_standing(collaborators, four)).purchases_to_move_up == 1
    top = await member_standing(collaborators, five)
    assert top.tier == Tier.HIGH_VALUE and top.score == 15  # no posts: not KOC
    assert top.purchases_to_move_up is None and top.next_tier is None


async def test_before_any_tier_run_there_is_no_nudge(collaborators: Collaborators) -> None:
    member = await make_member()
    await buys(collaborators, member, 2, 5_000, days_ago=3)
    standing = await member_standing(collaborators, member)
    assert standing.tier is None and standing.purchases_to_move_up is None
    assert standing.score == 0


@pytest.fixture
async def two_groups(collaborators: Collaborators) -> dict[str, Member]:
    host, other_host = await make_host("阿哲"), await make_host("小林")
    mine, theirs = await make_group(host), await make_group(other_host, "亲子烘焙", "baking")
    member, outsider = await make_member(display_name="王阿姨"), await make_member()
    await join(collaborators, mine, member)
    await join(collaborators, theirs, outsider)
    return {"host": host, "member": member, "outsider": outsider}


async def test_a_host_tags_a_member_of_their_group_and_takes_the_tag_off_again(
    collaborators: Collaborators, two_groups: dict[str, Member]
) -> None:
    host, member = two_groups["host"], two_groups["member"]
    tag = await make_tag("手冲爱好者")
    link = await add_member_tag(collaborators, host, member.id, tag.id)
    again = await add_member_tag(collaborators, host, member.id, tag.id)
    assert again.id == link.id and link.created_at == collaborators.clock.now()
    stored = await MemberInterestTag.filter(member_id=member.id).values("tag_id", "added_by_id")
    assert stored == [{"tag_id": tag.id, "added_by_id": host.id}]
    assert await remove_member_tag(host, member.id, tag.id) is True
    assert not await MemberInterestTag.filter(member_id=member.id).exists()
    assert await remove_member_tag(host, member.id, tag.id) is False


async def test_a_host_cannot_tag_a_member_outside_their_groups(
    collaborators: Collaborators, two_groups: dict[str, Member]
) -> None:
    tag = await make_tag("亲子家庭")
    with pytest.raises(PermissionDeniedError):
        await add_member_tag(collaborators, two_groups["host"], two_groups["outsider"].id, tag.id)
    with pytest.raises(PermissionDeniedError):
        await add_member_tag(collaborators, two_groups["member"], two_groups["member"].id, tag.id)
    assert not await MemberInterestTag.all().exists()
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    await add_member_tag(collaborators, admin, two_groups["outsider"].id, tag.id)
    assert await MemberInterestTag.filter(member_id=two_groups["outsider"].id).count() == 1


async def test_a_members_own_choice_stays_and_an_unknown_tag_is_refused(
    collaborators: Collaborators, two_groups: dict[str, Member]
) -> None:
    host, member = two_groups["host"], two_groups["member"]
    own, added = await make_tag("阳台种菜"), await make_tag("手冲爱好者")
    await update_profile(collaborators, member, ProfileChanges(interest_tag_ids=[own.id]))
    with pytest.raises(OwnTagError):
        await remove_member_tag(host, member.id, own.id)
    with pytest.raises(InvalidInputError):
        await add_member_tag(collaborators, host, member.id, 9999)
    await add_member_tag(collaborators, host, member.id, added.id)
    # The member saving their own choice again keeps the tag the host added.
    await update_profile(collaborators, member, ProfileChanges(interest_tag_ids=[]))
    left = await column(MemberInterestTag.filter(member_id=member.id), "tag_id")
    assert left == [added.id]
