"""Content safety in the services beyond posts: campaign proposals, display names and group
names; the cloud provider's stand-in; the matcher rebuilt when the list changes; uploads hashed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.campaigns import services as campaigns
from domain.campaigns.models import CampaignEntry, CampaignKind, EntryStatus
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError
from domain.groups import admin as groups
from domain.groups.models import InterestGroup
from domain.identity import services as identity
from domain.identity.models import Member, Role
from domain.posts import services as posts
from domain.posts.models import Post, PostKind, PostStatus
from domain.safety import services
from domain.safety.errors import ContentBlockedError
from domain.safety.provider import NoCloudModeration
from domain.safety.rules import FLAG_CLOUD, WordCategory
from tests.domain.campaign_helpers import voter
from tests.factories import make_member


async def admin() -> Member:
    return await make_member(roles=(Role.RESIDENT, Role.ADMIN))


async def naming_campaign(c: Collaborators, actor: Member) -> int:
    now = c.clock.now()
    campaign = await campaigns.create_campaign(
        c,
        actor,
        campaigns.NewCampaign(
            kind=CampaignKind.NAMING,
            title="新豆命名大赛",
            description="给新豆子起个好名字",
            proposal_ends_at=now + timedelta(days=2),
            voting_starts_at=now + timedelta(days=3),
            voting_ends_at=now + timedelta(days=6),
        ),
    )
    return campaign.id


async def test_proposals_are_refused_masked_or_held_like_posts(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    actor = await admin()
    await services.add_word(c, actor, "赌博", WordCategory.BLOCK)
    await services.add_word(c, actor, "笨蛋", WordCategory.REPLACE)
    campaign_id = await naming_campaign(c, actor)
    with pytest.raises(ContentBlockedError):
        await campaigns.propose_entry(c, await voter(c), campaign_id, "赌 博 豆")
    assert await CampaignEntry.all().count() == 0
    entry = await campaigns.propose_entry(c, await voter(c), campaign_id, "笨蛋豆", "笨蛋也爱喝")
    assert (entry.title, entry.description, entry.status) == (
        "＊＊豆",
        "＊＊也爱喝",
        EntryStatus.PENDING,
    )


async def test_names_refuse_blocked_words_and_contact_details_and_mask_replace_words(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    actor = await admin()
    await services.add_word(c, actor, "赌博", WordCategory.BLOCK)
    await services.add_word(c, actor, "笨蛋", WordCategory.REPLACE)
    member = await make_member(display_name="邻居小王")
    with pytest.raises(ContentBlockedError):
        await identity.update_profile(c, member, identity.ProfileChanges(display_name="赌·博王"))
    with pytest.raises(InvalidInputError):
        await identity.update_profile(
            c, member, identity.ProfileChanges(display_name="加vx abc1234")
        )
    assert (await Member.get(id=member.id)).display_name == "邻居小王"
    await identity.update_profile(c, member, identity.ProfileChanges(display_name="小笨蛋"))
    assert (await Member.get(id=member.id)).display_name == "小＊＊"
    values = groups.GroupInput(
        name="赌博交流群",
        slug="dubo",
        description="不该有的小组",
        estate_id=None,
        cover_image_id=None,
    )
    with pytest.raises(ContentBlockedError):
        await groups.create_group(c, actor, values, [actor.id])
    assert await InterestGroup.all().count() == 0


class StandInModeration(NoCloudModeration):
    """What a cloud provider would answer: risky for texts with 云端风险, and it counts calls."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def check_text(self, text: str) -> str | None:
        self.texts.append(text)
        return "risky" if "云端风险" in text else None

    async def check_image(self, data: bytes) -> str | None:
        return None


async def test_a_cloud_provider_holds_what_it_finds_risky_after_the_local_checks(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = collaborators
    provider = StandInModeration()
    monkeypatch.setattr(c.safety, "provider", provider)
    await services.add_word(c, await admin(), "赌博", WordCategory.BLOCK)
    author = await make_member()
    await Member.filter(id=author.id).update(created_at=c.clock.now() - timedelta(days=30))
    author = await Member.get(id=author.id)
    post = await posts.submit_post(
        c, author, posts.PostDraft(PostKind.STORY, "普通的标题", "正文里有云端风险的内容")
    )
    assert (post.status, post.safety_flag) == (PostStatus.PENDING, FLAG_CLOUD)
    assert provider.texts == ["普通的标题", "正文里有云端风险的内容"]
    with pytest.raises(ContentBlockedError):
        await posts.submit_post(
            c, author, posts.PostDraft(PostKind.STORY, "赌博的标题", "正文内容正文内容")
        )
    assert len(provider.texts) == 2  # a local block asks no one
    assert await Post.all().count() == 1


async def test_the_matcher_follows_the_list_as_it_changes(collaborators: Collaborators) -> None:
    c = collaborators
    actor = await admin()
    assert (await services.check_text(c, "赌博")).action == "ALLOW"
    word = await services.add_word(c, actor, "赌博", WordCategory.BLOCK)
    assert (await services.check_text(c, "赌博")).action == "BLOCK"
    await services.remove_word(c, actor, word.id)
    assert (await services.check_text(c, "赌博")).action == "ALLOW"
