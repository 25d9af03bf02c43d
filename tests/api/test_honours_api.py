"""Honours over GraphQL (api/contract/honours.graphql, backoffice_honours.graphql): each rule
badge awarded once by the action that earns it (or the nightly job for the periodic ones), read
through the public `member` profile; each trust-level rule through the actions it drives; the
shown badge; admins' manual badges, audited, refused to everyone else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.campaigns import services as campaigns
from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.events import services as events
from domain.honours.models import BadgeAward
from domain.identity.models import Member, Role
from domain.jobs import run_due_jobs
from domain.points.models import CheckIn
from domain.posts.models import AuditLogEntry, Post, PostKind, PostStatus, Report, ReportReason
from tests.api.test_identity_api import op
from tests.api.test_points_api import ADMIN, error_code, token_for
from tests.api.test_posts_api import RECIPE_INPUT, make_post
from tests.api.test_purchases_api import purchase
from tests.conftest import GraphQLClient
from tests.domain.campaign_helpers import voter, voting_campaign
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.domain.purchase_helpers import refer
from tests.domain.test_posts import veteran
from tests.domain.test_tiers import buys, member_aged, publishes
from tests.factories import make_estate, make_member
from web.ids import encode_id


def mid(member: Member | int) -> str:
    return encode_id("Member", member if isinstance(member, int) else member.id)


async def profile(gql: GraphQLClient, member: Member) -> dict[str, Any]:
    body = await gql(op("MemberProfile"), {"id": mid(member)})
    result: dict[str, Any] = body["data"]["member"]
    return result


async def badge_codes(gql: GraphQLClient, member: Member) -> list[str]:
    return [badge["kind"]["code"] for badge in (await profile(gql, member))["badges"]]


async def moderate(gql: GraphQLClient, token: str, post: Post, action: str) -> None:
    body = await gql(
        op("ModeratePost"), {"postId": encode_id("Post", post.id), "action": action}, token
    )
    assert body["data"]["moderatePost"]["__typename"] == "ModeratePostSuccess", body


async def submit(gql: GraphQLClient, token: str, kind: str = "STORY") -> dict[str, Any]:
    post: dict[str, Any] = {
        "kind": kind,
        "title": "阳台番茄大丰收",
        "body": "今年第一次在阳台种番茄，收获满满。",
    }
    if kind == "RECIPE":
        post["recipe"] = RECIPE_INPUT
    body = await gql(op("SubmitPost"), {"input": post}, token)
    result: dict[str, Any] = body["data"]["submitPost"]
    return result


# ---------- rule badges ----------


async def test_first_recipe_is_awarded_on_approval_and_on_a_trusted_publication_once(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    moderator = await token_for(collaborators, await make_member(roles=(Role.MODERATOR,)))
    cook = await make_member()
    pending = await make_post(collaborators, cook, status=PostStatus.PENDING, kind=PostKind.RECIPE)
    assert await badge_codes(gql, cook) == []
    await moderate(gql, moderator, pending, "APPROVE")
    assert await badge_codes(gql, cook) == ["FIRST_RECIPE"]
    badge = (await profile(gql, cook))["badges"][0]
    assert badge["reason"] == "发布了第一篇菜谱" and badge["kind"]["name"] == "初试厨艺"

    trusted = await veteran(collaborators)
    for _ in range(3):
        await make_post(collaborators, trusted)
    token = await token_for(collaborators, trusted)
    assert (await submit(gql, token, "STORY"))["post"]["status"] == "PUBLISHED"
    assert await badge_codes(gql, trusted) == []
    assert (await submit(gql, token, "RECIPE"))["post"]["status"] == "PUBLISHED"
    assert (await submit(gql, token, "RECIPE"))["post"]["status"] == "PUBLISHED"
    assert await badge_codes(gql, trusted) == ["FIRST_RECIPE"]
    assert await BadgeAward.filter(member_id=trusted.id).count() == 1


async def test_ten_featured_posts_earn_the_featured_badge(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    moderator = await token_for(collaborators, await make_member(roles=(Role.MODERATOR,)))
    author = await make_member()
    for _ in range(8):
        await make_post(collaborators, author, featured=True)
    ninth, tenth = await make_post(collaborators, author), await make_post(collaborators, author)
    unfeatured = await make_post(collaborators, await make_member())
    await moderate(gql, moderator, unfeatured, "FEATURE")
    await moderate(gql, moderator, ninth, "FEATURE")
    assert await badge_codes(gql, author) == []
    await moderate(gql, moderator, tenth, "FEATURE")
    assert await badge_codes(gql, author) == ["FEATURED_10"]


async def test_a_seventh_day_in_a_row_of_check_in_earns_the_streak_badge(
    gql: GraphQLClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    member = await make_member()
    today = clock.today()
    for n in range(1, 6):  # days 1–5 of a streak, ending the day before yesterday
        await CheckIn.create(
            member=member,
            day=today - timedelta(days=7 - n),
            streak=n,
            points=2,
            created_at=clock.now(),
        )
    token = await token_for(collaborators, member)
    clock.advance(days=-1)
    assert (await gql(op("CheckIn"), token=token))["data"]["checkIn"]["streak"] == 6
    assert await badge_codes(gql, member) == []
    clock.advance(days=1)
    assert (await gql(op("CheckIn"), token=token))["data"]["checkIn"]["streak"] == 7
    assert await badge_codes(gql, member) == ["STREAK_7"]


async def test_the_winning_proposer_gets_the_campaign_winner_badge(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    campaign, entries = await voting_campaign(collaborators)
    await campaigns.cast_vote(collaborators, await voter(collaborators), entries[1].id)
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    proposer = await Member.get(id=entries[1].proposer_id)
    assert await badge_codes(gql, proposer) == []
    body = await gql(op("CloseCampaign"), {"campaignId": encode_id("Campaign", campaign.id)}, token)
    assert body["data"]["closeCampaign"]["campaign"]["winner"]["title"] == "名字2"
    assert await badge_codes(gql, proposer) == ["CAMPAIGN_WINNER"]


async def test_a_fifth_event_attended_earns_the_event_regular_badge(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    host = await make_host()
    group = await make_group(host)
    host_token = await token_for(collaborators, host)
    member = await make_member()
    for n in range(5):
        event = await make_event(
            collaborators, group, starts_in=timedelta(hours=1), title=f"活动{n}"
        )
        registration = await events.register_for_event(collaborators, member, event.id)
        assert await badge_codes(gql, member) == []
        body = await gql(
            op("CheckInAttendee"), {"checkInCode": registration.check_in_code}, host_token
        )
        assert body["data"]["checkInAttendee"]["registration"]["status"] == "CHECKED_IN"
    assert await badge_codes(gql, member) == ["EVENT_REGULAR"]


async def test_a_fifth_rewarded_referral_makes_a_referral_star(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    referrer = await make_member()
    for n in range(5):
        invitee = await make_member()
        await refer(collaborators, referrer, invitee)
        assert await badge_codes(gql, referrer) == []
        body = await gql(
            op("RecordPurchases"),
            {"input": {"purchases": [purchase(collaborators, f"R-{n}", invitee)]}},
            token,
        )
        assert body["data"]["recordPurchases"]["recorded"] == 1
    codes = await badge_codes(gql, referrer)
    assert codes == ["REFERRAL_STAR"]
    assert (await profile(gql, referrer))["badges"][0]["kind"]["name"] == "推荐之星"


async def koc_town(c: Collaborators) -> Member:
    """Twenty buyers of rising spend; the biggest also posts: the one KOC once tiers are
    computed (as tests/domain/test_tiers.py's town)."""
    buyers = []
    for n in range(1, 21):
        buyer = await member_aged(c, 400)
        await buys(c, buyer, times=n, cents=1_000 * n, days_ago=21 - n)
        buyers.append(buyer)
    await publishes(c, buyers[-1])
    return buyers[-1]


async def test_the_nightly_job_awards_koc_of_the_quarter_and_missed_rule_badges_once(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    koc = await koc_town(collaborators)
    cook = await make_member()
    await make_post(collaborators, cook, kind=PostKind.RECIPE)  # published without the service
    await run_due_jobs(collaborators)
    assert await badge_codes(gql, koc) == ["KOC_QUARTER"]
    assert (await profile(gql, koc))["badges"][0]["reason"] == "2026年第4季度的关键意见消费者"
    assert await badge_codes(gql, cook) == ["FIRST_RECIPE"]
    awarded = await BadgeAward.all().values_list("member_id", "code")
    await run_due_jobs(collaborators)
    assert await BadgeAward.all().values_list("member_id", "code") == awarded
    assert sorted(code for _, code in awarded).count("KOC_QUARTER") == 1


# ---------- the public profile and the shown badge ----------


async def test_the_profile_shows_estate_name_badges_and_published_posts_never_phone_or_tier(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    estate = await make_estate()
    member = await make_member(display_name="番茄阿姨", estate=estate)
    await Member.filter(id=member.id).update(tier="KOC")
    shown = await make_post(collaborators, member, "阳台番茄大丰收")
    await make_post(collaborators, member, "还在审核的帖子", status=PostStatus.PENDING)
    body = await gql(op("MemberProfile"), {"id": mid(member)})
    data = body["data"]["member"]
    assert data["displayName"] == "番茄阿姨" and data["estateName"] == "翠湖花园"
    assert [p["id"] for p in data["posts"]] == [encode_id("Post", shown.id)]
    text = str(body)
    assert str(member.phone) not in text and "KOC" not in text
    missing = await gql(op("MemberProfile"), {"id": mid(999_999)})
    assert missing["data"]["member"] is None


async def test_a_member_shows_one_badge_they_hold_next_to_their_name(
    gql: GraphQLClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    member = await make_member()
    token = await token_for(collaborators, member)
    refused = (await gql(op("ChooseBadge"), {"code": "STREAK_7"}, token))["data"]["chooseBadge"]
    assert refused == {
        "__typename": "NotFound",
        "code": "BADGE_NOT_HELD",
        "message": "该会员没有这枚徽章",
    }
    await BadgeAward.create(
        member=member, code="STREAK_7", awarded_at=clock.now(), reason="连续签到"
    )
    chosen = (await gql(op("ChooseBadge"), {"code": "STREAK_7"}, token))["data"]["chooseBadge"]
    assert chosen["shownBadge"] == {"code": "STREAK_7", "name": "坚持签到"}
    assert (await profile(gql, member))["shownBadge"] == {"code": "STREAK_7", "name": "坚持签到"}
    cleared = (await gql(op("ChooseBadge"), {"code": None}, token))["data"]["chooseBadge"]
    assert cleared["shownBadge"] is None


# ---------- trust levels ----------


async def trust(gql: GraphQLClient, token: str) -> dict[str, Any]:
    result: dict[str, Any] = (await gql(op("MyTrustLevel"), token=token))["data"]["myTrustLevel"]
    return result


async def test_level_0_a_new_account_has_the_new_account_limits_and_waits_for_review(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    token = await token_for(collaborators, await make_member())
    level = await trust(gql, token)
    assert (level["level"], level["nextLevel"], level["publishesWithoutReview"]) == (0, 1, False)
    assert level["nextLevelNeeds"] == [
        {"what": "注册时长（小时）", "target": 72, "current": 0, "atMost": False}
    ]
    assert (await submit(gql, token))["post"]["status"] == "PENDING"
    assert (await submit(gql, token))["__typename"] == "RateLimited"  # one per 2 minutes


async def test_level_1_after_72_hours_has_the_regular_limits_but_still_waits_for_review(
    gql: GraphQLClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    member = await make_member()
    clock.advance(hours=72)
    token = await token_for(collaborators, member)
    level = await trust(gql, token)
    assert (level["level"], level["name"]) == (1, "邻居")
    assert [need["what"] for need in level["nextLevelNeeds"]] == ["已发布帖子"]
    assert [(await submit(gql, token))["post"]["status"] for _ in range(2)] == ["PENDING"] * 2


async def test_level_2_three_published_posts_publish_at_once_until_a_report_is_upheld(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await veteran(collaborators)
    posts = [await make_post(collaborators, member) for _ in range(3)]
    token = await token_for(collaborators, member)
    level = await trust(gql, token)
    assert (level["level"], level["publishesWithoutReview"], level["nextLevel"]) == (2, True, 3)
    assert (await submit(gql, token))["post"]["status"] == "PUBLISHED"
    # neighbours' reports hid one of the member's posts and no moderator restored it
    await Report.create(
        post=posts[0],
        reporter=await make_member(),
        reason=ReportReason.SPAM,
        created_at=member.created_at,
    )
    await Post.filter(id=posts[0].id).update(status=PostStatus.HIDDEN)
    level = await trust(gql, token)
    assert level["level"] == 1
    assert {"what": "被举报属实", "target": 0, "current": 1, "atMost": True} in level[
        "nextLevelNeeds"
    ]
    assert (await submit(gql, token))["post"]["status"] == "PENDING"


async def test_level_3_reporters_weigh_two_so_two_reports_hide_a_post(
    gql: GraphQLClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    regular = await make_member()
    await Member.filter(id=regular.id).update(created_at=clock.now() - timedelta(days=60))
    for n in range(20):
        post = await make_post(collaborators, regular, f"老街坊的第{n + 1}篇")
        await Post.filter(id=post.id).update(like_count=3)
    token = await token_for(collaborators, regular)
    level = await trust(gql, token)
    assert (level["level"], level["reportWeight"], level["nextLevelNeeds"]) == (3, 2, [])
    target = await make_post(collaborators, await make_member())
    report = {"postId": encode_id("Post", target.id), "reason": "SPAM"}
    await gql(
        op("ReportContent"), {"input": report}, await token_for(collaborators, await make_member())
    )
    assert (await Post.get(id=target.id)).status == PostStatus.PUBLISHED
    body = await gql(op("ReportContent"), {"input": report}, token)
    assert body["data"]["reportContent"]["__typename"] == "ReportContentSuccess"
    assert (await Post.get(id=target.id)).status == PostStatus.HIDDEN


# ---------- admins: manual badges ----------


async def test_an_admin_grants_and_revokes_a_manual_badge_with_a_reason_audited(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    admin = await make_member(roles=ADMIN)
    token = await token_for(collaborators, admin)
    member = await make_member(display_name="热心的老王")
    grant = {"memberId": mid(member), "code": "NEIGHBOUR_HERO", "reason": "组织社区义卖"}
    granted = (await gql(op("GrantBadge"), grant, token))["data"]["grantBadge"]
    assert granted["badge"]["kind"] == {"code": "NEIGHBOUR_HERO", "name": "热心邻居"}
    again = (await gql(op("GrantBadge"), grant, token))["data"]["grantBadge"]
    assert again["__typename"] == "BadgeAlreadyHeld"
    listed = (await gql(op("AdminBadges"), token=token))["data"]["adminBadges"]
    hero = next(b for b in listed if b["kind"]["code"] == "NEIGHBOUR_HERO")
    assert [(h["displayName"], h["reason"], h["manual"]) for h in hero["holders"]] == [
        ("热心的老王", "组织社区义卖", True)
    ]
    member_token = await token_for(collaborators, member)
    await gql(op("ChooseBadge"), {"code": "NEIGHBOUR_HERO"}, member_token)
    revoke = {**grant, "reason": "误发"}
    revoked = (await gql(op("RevokeBadge"), revoke, token))["data"]["revokeBadge"]
    assert revoked == {"__typename": "RevokeBadgeSuccess", "memberId": mid(member)}
    shown = await profile(gql, member)
    assert shown["badges"] == [] and shown["shownBadge"] is None
    entries = await AuditLogEntry.filter(target_type="MEMBER", target_id=member.id).order_by("id")
    assert [(e.action, e.actor_id, e.reason) for e in entries] == [
        ("BADGE_GRANTED", admin.id, "组织社区义卖"),
        ("BADGE_REVOKED", admin.id, "误发"),
    ]
    regranted = (await gql(op("GrantBadge"), grant, token))["data"]["grantBadge"]
    assert regranted["__typename"] == "GrantBadgeSuccess"
    assert await BadgeAward.filter(member_id=member.id).count() == 1


@pytest.mark.parametrize(
    ("change", "typename", "field"),
    [
        ({"code": "FIRST_RECIPE"}, "InvalidInput", "code"),
        ({"code": "NO_SUCH"}, "InvalidInput", "code"),
        ({"reason": "  "}, "InvalidInput", "reason"),
    ],
)
async def test_a_bad_grant_is_a_typed_error_and_changes_nothing(
    gql: GraphQLClient,
    collaborators: Collaborators,
    change: dict[str, str],
    typename: str,
    field: str,
) -> None:
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    member = await make_member()
    grant = {"memberId": mid(member), "code": "NEIGHBOUR_HERO", "reason": "组织社区义卖", **change}
    for name in ("GrantBadge", "RevokeBadge"):
        result = (await gql(op(name), grant, token))["data"][name[0].lower() + name[1:]]
        assert result["__typename"] == typename
        assert result["fieldErrors"][0]["field"] == field
    not_held = {"memberId": mid(member), "code": "NEIGHBOUR_HERO", "reason": "误发"}
    result = (await gql(op("RevokeBadge"), not_held, token))["data"]["revokeBadge"]
    assert result["code"] == "BADGE_NOT_HELD"
    assert not await BadgeAward.exists() and not await AuditLogEntry.exists()


@pytest.mark.parametrize("roles", [None, (Role.RESIDENT,), (Role.MODERATOR,), (Role.HOST,)])
async def test_admin_operations_are_refused_to_everyone_else(
    gql: GraphQLClient, collaborators: Collaborators, roles: tuple[Role, ...] | None
) -> None:
    member = await make_member()
    token = await token_for(collaborators, await make_member(roles=roles)) if roles else None
    grant = {"memberId": mid(member), "code": "NEIGHBOUR_HERO", "reason": "组织社区义卖"}
    expected = "FORBIDDEN" if roles else "UNAUTHENTICATED"
    for name, variables in (("GrantBadge", grant), ("RevokeBadge", grant), ("AdminBadges", {})):
        assert error_code(await gql(op(name), variables, token)) == expected, name
    assert not await BadgeAward.exists()
