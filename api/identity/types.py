"""GraphQL types of identity: estates, interest tags, members and the signed-in viewer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.honours.badge_kind import BadgeKind
from api.identity.verification import EstateVerification, estate_verification_of
from api.notifications.viewer import ViewerNotifications
from api.pagination import after_id, check_first, connection_of
from api.points.types import Points
from api.privacy.viewer import ViewerPrivacy
from api.rewards.types import Redemption, RedemptionConnection, redeemed_counts
from domain.identity import models, policies
from domain.identity.rules import mask_phone
from domain.points import queries as points
from domain.rewards import queries as rewards
from domain.segments import models as segment_models
from domain.segments import queries as segment_queries
from domain.segments.queries import Rfm
from web.ids import encode_id

if TYPE_CHECKING:
    from api.identity.estate_changes import EstateChangeRequest
    from api.posts.types import PostConnection
    from api.referrals.types import ReferralConnection


@strawberry.enum(description="What a member may do besides being a resident.")
class Role(Enum):
    RESIDENT = "RESIDENT"
    HOST = "HOST"
    MODERATOR = "MODERATOR"
    ADMIN = "ADMIN"


@strawberry.enum(description="A member's segment, recomputed by the tier computation.")
class Tier(Enum):
    KOC = strawberry.enum_value("KOC", description="Key opinion consumer: a trusted voice (达人).")
    HIGH_VALUE = strawberry.enum_value("HIGH_VALUE", description="Buys often and much.")
    POTENTIAL = strawberry.enum_value("POTENTIAL", description="Engaged, could become high value.")
    DORMANT = strawberry.enum_value("DORMANT", description="Has not been active for a while.")
    NEWCOMER = strawberry.enum_value("NEWCOMER", description="Joined recently.")


def tier_of(value: str | None) -> Tier | None:
    """A member's stored tier as the enum; null for none or one this schema does not know."""
    return _TIERS.get(value) if value is not None else None


_TIERS: dict[str, Tier] = {tier.name: tier for tier in Tier}  # stored as the name


def roles_of(stored: list[str]) -> list[Role]:
    """A member's stored roles as the enum, in their stored order."""
    return [Role(r) for r in stored]


_TIER_DESCRIPTION = "The member's tier; null until the tier computation has run for them."


@strawberry.type(description="Recency, frequency and monetary value over the last 365 days.")
class RfmScores:
    recency_days: int | None = strawberry.field(
        description="Days since the last purchase; null without a purchase in the window."
    )
    frequency: int = strawberry.field(description="Purchases in the window.")
    monetary_cents: int = strawberry.field(description="Spend in the window, in cents.")
    score: int = strawberry.field(
        description="R + F + M quintile scores (3–15) against the latest tier computation; 0 "
        "before the first one or without purchases."
    )

    @classmethod
    def from_rfm(cls, rfm: Rfm) -> RfmScores:
        return cls(
            recency_days=rfm.recency_days,
            frequency=rfm.frequency,
            monetary_cents=rfm.monetary_cents,
            score=rfm.score,
        )


@strawberry.type(description="One change of a member's tier, with the scores that caused it.")
class TierChange:
    from_tier: Tier | None = strawberry.field(description="Null for the first tier.")
    to_tier: Tier
    score: int = strawberry.field(description="R + F + M at the time.")
    recency_days: int | None
    frequency: int
    monetary_cents: int
    changed_at: datetime

    @classmethod
    def from_model(cls, row: segment_models.TierChange) -> TierChange:
        return cls(
            from_tier=Tier(row.from_tier) if row.from_tier else None,
            to_tier=Tier(row.to_tier),
            score=row.score,
            recency_days=row.recency_days,
            frequency=row.frequency,
            monetary_cents=row.monetary_cents,
            changed_at=row.computed_at,
        )


@strawberry.type(
    description="A pickup point (自提点) of an estate: where its residents collect orders and "
    "redeemed rewards."
)
class PickupPoint(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="The point's name, e.g. 「南门快递柜旁」.")
    address: str = strawberry.field(description="Where it is, e.g. 「3号楼架空层」.")
    opening_hours: str = strawberry.field(description="When it is open, e.g. 「每天 9:00–21:00」.")
    archived: bool = strawberry.field(
        description="True once an admin archived it: residents no longer see it listed."
    )

    @classmethod
    def from_model(cls, point: models.PickupPoint) -> PickupPoint:
        return cls(
            id=point.id,
            name=point.name,
            address=point.address,
            opening_hours=point.opening_hours,
            archived=point.archived_at is not None,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[PickupPoint | None]:
        """Active points for anyone (residents look for them); archived ones for admins."""
        ids = [int(i) for i in node_ids]
        admin = _is_admin(info)
        found = {
            p.id: p
            for p in await models.PickupPoint.filter(id__in=ids)
            if admin or p.archived_at is None
        }
        return [cls.from_model(found[i]) if i in found else None for i in ids]


def _is_admin(info: Info[Context, Any]) -> bool:
    viewer = info.context.member
    return viewer is not None and viewer.has_role(models.Role.ADMIN)


@strawberry.type(description="A housing estate (小区).")
class Estate(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="The estate's name, e.g. 「翠湖花园」.")
    city: str = strawberry.field(description="City, e.g. 上海.")
    district: str = strawberry.field(description="District, e.g. 浦东新区.")
    address: str = strawberry.field(
        description="Street address, e.g. 「锦绣路 1888 弄」; empty when not set."
    )
    archived: bool = strawberry.field(
        description="True once an admin archived the estate: its members keep it, but it takes "
        "no new registrations and is not offered in `estates`."
    )

    @classmethod
    def from_model(cls, estate: models.Estate) -> Estate:
        return cls(
            id=estate.id,
            name=estate.name,
            city=estate.city,
            district=estate.district,
            address=estate.address,
            archived=estate.archived,
        )

    @field(
        description="Where the estate's residents collect orders and rewards, oldest first. "
        "`includeArchived` adds archived points for admins only (ignored for anyone else)."
    )
    async def pickup_points(
        self, info: Info[Context, Any], include_archived: bool = False
    ) -> list[PickupPoint]:
        points = await info.context.loaders.pickup_points.load(self.id)
        shown = include_archived and _is_admin(info)
        return [PickupPoint.from_model(p) for p in points or [] if shown or p.archived_at is None]

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[Estate | None]:
        loaded = await info.context.loaders.estate.load_many([int(i) for i in node_ids])
        return [cls.from_model(e) if e else None for e in loaded]


@strawberry.type(description="An interest tag members choose (手冲爱好者, 亲子家庭, …).")
class InterestTag(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="The tag as shown, in Chinese.")
    retired: bool = strawberry.field(
        description="True once an admin retired it (or merged it into another tag): no longer "
        "offered to choose, but members who have it keep it until they drop it."
    )

    @classmethod
    def from_model(cls, tag: models.InterestTag) -> InterestTag:
        return cls(id=tag.id, name=tag.name, retired=tag.retired_at is not None)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[InterestTag | None]:
        ids = [int(i) for i in node_ids]
        found = {t.id: t for t in await models.InterestTag.filter(id__in=ids)}
        return [cls.from_model(found[i]) if i in found else None for i in ids]


async def estate_by_id(info: Info[Context, Any], estate_id: int | None) -> Estate | None:
    if estate_id is None:
        return None
    estate = await info.context.loaders.estate.load(estate_id)
    return Estate.from_model(estate) if estate else None


@strawberry.type(description="A member as other members see them.")
class Member(relay.Node):
    id: relay.NodeID[int]
    display_name: str = strawberry.field(description="The member's nickname.")
    avatar_url: str | None = strawberry.field(description="Avatar image URL, if any.")
    model: strawberry.Private[models.Member]
    # Read for a whole page by the staff member list only (never per item, never for others).
    rfm_scores: strawberry.Private[RfmScores | None] = None

    @classmethod
    def from_model(cls, member: models.Member) -> Member:
        return cls(
            id=member.id,
            display_name=member.display_name,
            avatar_url=member.avatar_url,
            model=member,
        )

    @field(description="The phone number masked as `138****5678`.")
    def phone_masked(self) -> str | None:
        return mask_phone(self.model.phone)

    @field(description="The badge the member chose to show next to their name, if any.")
    def shown_badge(self) -> BadgeKind | None:
        return BadgeKind.of(self.model.shown_badge)

    @field(description="The whole phone number: only for the member and admins.")
    def phone(self, info: Info[Context, Any]) -> str | None:
        if policies.can_see_full_phone(info.context.member, self.model):
            return self.model.phone
        return None

    @field(description="The member's estate.")
    async def estate(self, info: Info[Context, Any]) -> Estate | None:
        return await estate_by_id(info, self.model.estate_id)

    @field(description=_TIER_DESCRIPTION)
    def tier(self) -> Tier | None:
        return tier_of(self.model.tier)

    @field(
        description="Staff only, in `members`: recency, frequency and monetary value with the "
        "score; null everywhere else."
    )
    def rfm(self) -> RfmScores | None:
        return self.rfm_scores

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[Member | None]:
        ids = [int(i) for i in node_ids]
        found = {m.id: m for m in await models.Member.filter(id__in=ids)}
        return [cls.from_model(found[i]) if i in found else None for i in ids]


@strawberry.type(description="The signed-in member: their own, private view of themselves.")
class Viewer(ViewerNotifications, ViewerPrivacy):
    model: strawberry.Private[models.Member]

    @field(description="The member's global ID (the same as `Member.id`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Member", self.model.id))

    @field(description="The member's nickname.")
    def display_name(self) -> str:
        return self.model.display_name

    @field(description="Avatar image URL, if any.")
    def avatar_url(self) -> str | None:
        return self.model.avatar_url

    @field(description="The member's own phone number, in full.")
    def phone(self) -> str | None:
        return self.model.phone

    @field(description="The phone number masked as `138****5678`.")
    def phone_masked(self) -> str | None:
        return mask_phone(self.model.phone)

    @field(description="The member's roles; every member is a RESIDENT.")
    def roles(self) -> list[Role]:
        return roles_of(self.model.roles)

    @field(description="The member's estate (null until chosen, e.g. after WeChat login).")
    async def estate(self, info: Info[Context, Any]) -> Estate | None:
        return await estate_by_id(info, self.model.estate_id)

    @field(
        description="Whether the member is verified as a resident of their estate, and how to "
        "get verified when not."
    )
    async def estate_verification(self) -> EstateVerification:
        return await estate_verification_of(self.model.id, self.model.estate_id)

    @field(
        description="The member's request to move to another estate while it waits for a host "
        "or admin of that estate; null when none waits. `estate` stays the old one until then."
    )
    async def pending_estate_change(
        self,
    ) -> Annotated[EstateChangeRequest, strawberry.lazy("api.identity.estate_changes")] | None:
        from api.identity.estate_changes import pending_of  # it imports this module's types

        return await pending_of(self.model.id)

    @field(description="Interest tags: chosen by the member or added by a host.")
    async def interest_tags(self, info: Info[Context, Any]) -> list[InterestTag]:
        tags = await info.context.loaders.interest_tags.load(self.model.id)
        return [InterestTag.from_model(t) for t in tags or []]

    @field(description="The member's invite code, shared as a link or poster.")
    def referral_code(self) -> str:
        return self.model.invite_code

    @field(description="When the member joined.")
    def joined_at(self) -> datetime:
        return self.model.created_at

    @field(description=_TIER_DESCRIPTION)
    def tier(self) -> Tier | None:
        return tier_of(self.model.tier)

    @field(
        description="The member's own tier changes, newest first, with the scores that caused "
        "each; `first` is 1–50."
    )
    async def tier_history(self, first: int = 10) -> list[TierChange]:
        check_first(first)
        rows = await segment_queries.tier_history(self.model.id, first)
        return [TierChange.from_model(row) for row in rows]

    @field(
        description="Days in a row checked in, up to today or yesterday; 0 once a day is missed."
    )
    async def check_in_streak(self, info: Info[Context, Any]) -> int:
        today = info.context.collaborators.clock.today()
        streak, _ = await points.check_in_state(self.model.id, today)
        return streak

    @field(description="Whether the member checked in today (Shanghai calendar day).")
    async def checked_in_today(self, info: Info[Context, Any]) -> bool:
        today = info.context.collaborators.clock.today()
        _, done = await points.check_in_state(self.model.id, today)
        return done

    @field(description="The member's points and ledger.")
    async def points(self) -> Points:
        return await Points.of(self.model.id)

    @field(description="The member's redemptions, newest first; `first` is 1–50.")
    async def redemptions(self, first: int, after: str | None = None) -> RedemptionConnection:
        check_first(first)
        rows = await rewards.redemptions_page(self.model.id, after_id(after), first)
        counts = redeemed_counts(self.model.id)
        return connection_of(
            RedemptionConnection, rows, first, after, lambda r: Redemption.from_model(r, counts)
        )

    @field(
        description="The member's own posts in every status, newest first, with the moderation "
        "note of rejected and hidden ones; `first` is 1–50."
    )
    async def posts(
        self, first: int, after: str | None = None
    ) -> Annotated[PostConnection, strawberry.lazy("api.posts.types")]:
        from api.posts.queries import my_posts  # posts' types use Member: import when used

        return await my_posts(self.model.id, first, after)

    @field(
        description="Neighbours who joined with the viewer's invite code, newest first, each "
        "with whether their first purchase has rewarded the invitation; `first` is 1–50."
    )
    async def referrals(
        self, first: int, after: str | None = None
    ) -> Annotated[ReferralConnection, strawberry.lazy("api.referrals.types")]:
        from api.referrals.types import my_referrals  # referrals' types use Member

        return await my_referrals(self.model.id, first, after)


@strawberry.type(description="Signed in: tokens for the `Authorization: Bearer` header.")
class AuthSuccess:
    access_token: str = strawberry.field(description="Bearer token, valid for 2 hours.")
    refresh_token: str = strawberry.field(description="Single-use refresh token, 30 days.")
    expires_at: datetime = strawberry.field(description="When the access token expires.")
    is_new_member: bool = strawberry.field(description="True when this login created the member.")
    viewer: Viewer = strawberry.field(description="The signed-in member.")


@strawberry.type(description="Signed out: the token and its refresh token are revoked.")
class LogoutSuccess:
    ok: bool = strawberry.field(description="Always true.")


@strawberry.type(description="The profile was saved.")
class UpdateProfileSuccess:
    viewer: Viewer = strawberry.field(description="The member as now saved.")

    @field(
        description="A change of estate is not made at once: it is this request, waiting for a "
        "host or admin of the new estate (null when none waits, e.g. the first choice of a "
        "resident without an estate). `viewer.estate` keeps the old estate until approval."
    )
    async def estate_change_request(
        self,
    ) -> Annotated[EstateChangeRequest, strawberry.lazy("api.identity.estate_changes")] | None:
        from api.identity.estate_changes import pending_of

        return await pending_of(self.viewer.model.id)
