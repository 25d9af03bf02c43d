"""GraphQL types of honours: a member's badges, the public profile, the trust level."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.honours.badge_kind import BadgeKind
from api.posts.types import Post
from domain.honours import rules
from domain.honours.models import BadgeAward
from domain.honours.queries import Holder, PublicProfile, profile_posts
from domain.posts import queries as post_queries
from web.ids import encode_id


@strawberry.type(description="A badge a member holds, with when and why it was awarded.")
class Badge:
    kind: BadgeKind = strawberry.field(description="Which badge.")
    awarded_at: datetime = strawberry.field(description="When it was awarded.")
    reason: str = strawberry.field(description="Why it was awarded.")

    @classmethod
    def from_model(cls, award: BadgeAward) -> Badge:
        kind = BadgeKind.of(award.code)
        assert kind is not None, award.code  # awards are of catalogue codes
        return cls(kind=kind, awarded_at=award.awarded_at, reason=award.reason)


@strawberry.type(
    description="What anyone may see of a member: name, avatar, estate name, badges and "
    "published posts; never the phone, purchases or tier."
)
class PublicMember:
    profile: strawberry.Private[PublicProfile]

    @field(description="The member's global ID (the same as `Member.id`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Member", self.profile.member_id))

    @field(description="The member's nickname.")
    def display_name(self) -> str:
        return self.profile.display_name

    @field(description="Avatar image URL, if any.")
    def avatar_url(self) -> str | None:
        return self.profile.avatar_url

    @field(description="The estate's name only, if the member has one.")
    def estate_name(self) -> str | None:
        return self.profile.estate_name

    @field(description="The badge shown next to the member's name, if they chose one.")
    def shown_badge(self) -> BadgeKind | None:
        return BadgeKind.of(self.profile.shown_badge)

    @field(description="The badges the member holds, oldest first.")
    def badges(self) -> list[Badge]:
        return [Badge.from_model(award) for award in self.profile.badges]

    @field(description="The member's latest published posts (up to 20), newest first.")
    async def posts(self, info: Info[Context, Any]) -> list[Post]:
        viewer = info.context.member
        viewer_id = viewer.id if viewer else None
        posts = self.profile.posts
        if posts is None:  # a profile read in a list of people
            posts = await profile_posts(self.profile.member_id, viewer_id)
        ids = [post.id for post in posts]
        cards = await post_queries.post_cards_by_id(viewer_id, ids)
        return [Post.from_card(cards[i]) for i in ids if i in cards]


@strawberry.type(description="One requirement of the next trust level the member has not met.")
class LevelNeed:
    what: str = strawberry.field(description="The requirement, in Chinese, e.g. 已发布帖子.")
    target: int = strawberry.field(description="The number the level needs.")
    current: int = strawberry.field(description="Where the member stands.")
    at_most: bool = strawberry.field(
        description="True when `target` is a ceiling (e.g. reports upheld), not a floor."
    )


@strawberry.type(description="The viewer's trust level (0–3) and what the next one needs.")
class TrustLevel:
    level: int = strawberry.field(description="0 新邻居, 1 邻居, 2 熟邻, 3 老街坊.")
    name: str = strawberry.field(description="The level's Chinese name.")
    publishes_without_review: bool = strawberry.field(
        description="Whether posts publish at once instead of waiting for moderation."
    )
    report_weight: int = strawberry.field(description="How much the member's report counts.")
    next_level: int | None = strawberry.field(description="The level above; null at 3.")
    next_level_needs: list[LevelNeed] = strawberry.field(
        description="What the next level still needs; empty at level 3."
    )

    @classmethod
    def of(cls, facts: rules.TrustFacts) -> TrustLevel:
        level = rules.trust_level(facts)
        return cls(
            level=level,
            name=rules.LEVEL_NAMES[level],
            publishes_without_review=level >= rules.POSTING_FREELY_FROM,
            report_weight=rules.REPORT_WEIGHT[level],
            next_level=level + 1 if level < 3 else None,
            next_level_needs=[
                LevelNeed(what=n.what, target=n.target, current=n.current, at_most=n.at_most)
                for n in rules.next_level_needs(facts)
            ],
        )


@strawberry.type(description="A holder of a badge, for admins.")
class BadgeHolder:
    member_id: strawberry.ID = strawberry.field(description="The `Member` id.")
    display_name: str = strawberry.field(description="The member's nickname.")
    awarded_at: datetime = strawberry.field(description="When it was awarded.")
    reason: str = strawberry.field(description="Why it was awarded.")
    manual: bool = strawberry.field(description="Granted by an admin.")

    @classmethod
    def of(cls, holder: Holder) -> BadgeHolder:
        return cls(
            member_id=strawberry.ID(encode_id("Member", holder.member_id)),
            display_name=holder.display_name,
            awarded_at=holder.awarded_at,
            reason=holder.reason,
            manual=holder.manual,
        )


@strawberry.type(description="A catalogue badge with its current holders.")
class BadgeWithHolders:
    kind: BadgeKind = strawberry.field(description="Which badge.")
    holders: list[BadgeHolder] = strawberry.field(description="Earliest award first.")


@strawberry.type(description="The badge is granted.")
class GrantBadgeSuccess:
    badge: Badge = strawberry.field(description="The award.")


@strawberry.type(description="The badge is revoked and no longer shown.")
class RevokeBadgeSuccess:
    member_id: strawberry.ID = strawberry.field(description="The `Member` id.")


@strawberry.type(description="The badge shown next to the viewer's name is changed.")
class ChooseBadgeSuccess:
    shown_badge: BadgeKind | None = strawberry.field(description="Now shown; null: none.")
