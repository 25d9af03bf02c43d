"""Identity rows are stamped by the injected clock, never the wall clock: a report that counts
who joined in a month reads the same on any day the tests run."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity import services
from domain.identity.models import AuthToken, Member, MemberInterestTag, WechatIdentity
from tests.domain.test_identity_services import IP, registration
from tests.factories import make_estate, make_tag

LONG_AGO = datetime(2020, 3, 1, 8, 30, tzinfo=UTC)


async def test_a_member_registered_joins_tags_and_gets_tokens_at_the_injected_clocks_time(
    collaborators: Collaborators,
) -> None:
    c = replace(collaborators, clock=FrozenClock(LONG_AGO))
    estate, tag = await make_estate(), await make_tag("咖啡")
    member = await services.register_member(c, registration(estate.id), IP)
    await services.update_profile(c, member, services.ProfileChanges(interest_tag_ids=[tag.id]))
    await services.issue_api_tokens(c, member)
    assert (await Member.get(id=member.id)).created_at == LONG_AGO
    assert {t.created_at for t in await AuthToken.filter(member_id=member.id)} == {LONG_AGO}
    assert (await MemberInterestTag.get(member_id=member.id)).created_at == LONG_AGO


async def test_a_wechat_member_and_identity_are_stamped_by_the_injected_clock(
    collaborators: Collaborators,
) -> None:
    c = replace(collaborators, clock=FrozenClock(LONG_AGO))
    member, created = await services.wechat_log_in(c, "ok-clock-openid", None, IP)
    identity = await WechatIdentity.get(member_id=member.id)
    assert created and (await Member.get(id=member.id)).created_at == LONG_AGO
    assert identity.created_at == LONG_AGO and identity.updated_at == LONG_AGO
