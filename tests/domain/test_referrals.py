"""Referrals at registration: one row per invitee, self-referral refused by phone and by WeChat
identity with nothing created, and the 推荐之星 board equal to its rebuild."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.collaborators import Collaborators
from domain.columns import column
from domain.identity import services
from domain.identity.errors import InvalidInviteCodeError, SelfReferralError
from domain.identity.models import Member, WechatIdentity
from domain.identity.wechat import WechatSession
from domain.purchases.models import Purchase
from domain.purchases.services import record_purchases
from domain.referrals import leaderboard
from domain.referrals.models import Referral, ReferralStatus
from tests.domain.purchase_helpers import make_admin, order
from tests.domain.test_identity_services import IP, registration
from tests.factories import make_estate, make_member


class _Wechat:
    """WeChat as seen by a user who has two openids (two of the brand's apps), one unionid."""

    def __init__(self, unionid: str) -> None:
        self.unionid = unionid

    async def code_to_session(self, code: str) -> WechatSession:
        return WechatSession(openid=code, session_key=f"sk-{code}", unionid=self.unionid)


async def test_registering_with_an_invite_code_creates_one_pending_referral(
    collaborators: Collaborators,
) -> None:
    estate, inviter = await make_estate(), await make_member()
    member = await services.register_member(
        collaborators, registration(estate.id, invite_code=inviter.invite_code), IP
    )
    referral = await Referral.get(invitee_id=member.id)
    assert (referral.referrer_id, referral.status) == (inviter.id, ReferralStatus.PENDING)
    assert referral.created_at == collaborators.clock.now() and referral.rewarded_at is None
    assert await Referral.all().count() == 1


async def test_registering_without_or_with_an_unknown_code_creates_no_referral(
    collaborators: Collaborators,
) -> None:
    estate = await make_estate()
    with pytest.raises(InvalidInviteCodeError):
        await services.register_member(
            collaborators, registration(estate.id, invite_code="ZZZZZZZZ"), IP
        )
    await services.register_member(collaborators, registration(estate.id), IP)
    assert not await Referral.exists()


async def test_registering_with_ones_own_phone_and_code_is_self_referral_and_creates_nothing(
    collaborators: Collaborators,
) -> None:
    estate = await make_estate()
    inviter = await make_member(phone="13812345678")
    with pytest.raises(SelfReferralError) as refused:
        await services.register_member(
            collaborators, registration(estate.id, invite_code=inviter.invite_code), IP
        )
    assert refused.value.code == "SELF_REFERRAL"
    assert await Member.all().count() == 1
    assert not await Referral.exists()


async def test_a_new_wechat_login_of_the_inviters_own_wechat_user_is_self_referral(
    collaborators: Collaborators,
) -> None:
    c = replace(collaborators, wechat=_Wechat(unionid="union-1"))  # type: ignore[arg-type]
    inviter, _ = await services.wechat_log_in(c, "openid-app-a", None, IP)
    with pytest.raises(SelfReferralError):
        await services.wechat_log_in(c, "openid-app-b", inviter.invite_code, IP)
    assert await Member.all().count() == 1
    assert await WechatIdentity.all().count() == 1
    assert not await Referral.exists()


async def test_a_new_wechat_user_with_an_invite_code_becomes_a_referral(
    collaborators: Collaborators,
) -> None:
    inviter = await make_member()
    member, is_new = await services.wechat_log_in(
        collaborators, "ok-openid-new", inviter.invite_code, IP
    )
    assert is_new and member.referred_by_id == inviter.id
    assert (await Referral.get(invitee_id=member.id)).referrer_id == inviter.id
    # Logging in again with a code changes nothing: only a new member becomes a referral.
    await services.wechat_log_in(collaborators, "ok-openid-new", inviter.invite_code, IP)
    assert await Referral.all().count() == 1


async def test_the_referral_board_counts_qualified_referrals_and_equals_its_rebuild(
    collaborators: Collaborators,
) -> None:
    estate, admin = await make_estate(), await make_admin()
    star, other = await make_member(), await make_member()
    invitees = []
    for n, inviter in enumerate((star, star, star, other, other)):
        reg = registration(estate.id, phone=f"1370000{n:04d}", invite_code=inviter.invite_code)
        invitees.append(await services.register_member(collaborators, reg, IP))
    buyers = invitees[:2] + invitees[3:4]  # star: 2 of 3 qualified, other: 1 of 2
    summary = await record_purchases(
        collaborators, admin, [order(collaborators, f"LB-{m.id}", m) for m in buyers]
    )
    assert (summary.recorded, summary.referrals_rewarded) == (3, 3)
    assert set(await column(Purchase.all(), "member_id")) == {m.id for m in buyers}
    live = await leaderboard.top(collaborators.redis, 10)
    assert live == [(star.id, 2), (other.id, 1)]
    await collaborators.redis.flushdb()  # Redis lost its data: the board heals on read
    assert await leaderboard.top(collaborators.redis, 10) == live
    assert await leaderboard.rebuild(collaborators.redis) == 2
    assert await leaderboard.top(collaborators.redis, 10) == live
    assert await leaderboard.rank_of(collaborators.redis, other.id) == (2, 1)
    assert await leaderboard.rank_of(collaborators.redis, invitees[0].id) is None
