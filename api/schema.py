"""The GraphQL schema, with its limits: depth, tokens, aliases, masked errors, caches; and
introspection and field suggestions only in debug."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from api.attribution.queries import AttributionQuery
from api.campaigns.mutation import CampaignsMutation
from api.campaigns.queries import CampaignsQuery
from api.campaigns.subscriptions import CampaignsSubscription
from api.campaigns.types import Campaign, CampaignEntry
from api.errors import (
    AdjustmentPendingApproval,
    AlreadyCheckedIn,
    AlreadyFulfilled,
    AlreadyReported,
    ClientError,
    EstateArchived,
    EstateNameTaken,
    EventCancelled,
    EventOver,
    GroupArchived,
    GroupNameTaken,
    IdempotencyMismatch,
    InsufficientPoints,
    InvalidCredentials,
    InvalidInput,
    InvalidInviteCode,
    InvalidToken,
    InvalidTransition,
    LastHost,
    LimitReached,
    MaskUnexpectedErrors,
    NotCancellable,
    NotFound,
    PhoneTaken,
    PolicyVersionTaken,
    RateLimited,
    RedemptionCancelled,
    RewardRetired,
    RewardSoldOut,
    RoleGrantPendingApproval,
    RulesChanged,
    SecondAdminRequired,
    SelfReferral,
    SlugTaken,
    TagMerged,
    TagNameTaken,
    TagRetired,
    WechatLoginFailed,
    log_errors,
)
from api.events.mutation import EventsMutation
from api.events.queries import EventsQuery
from api.events.types import Event, EventRegistration
from api.fields import field
from api.groups.mutation import GroupsMutation
from api.groups.queries import GroupsQuery
from api.groups.types import InterestGroup
from api.honours.mutation import HonoursMutation
from api.honours.queries import HonoursQuery
from api.identity.estate_changes import EstateChangesQuery
from api.identity.estates import EstatesAdminQuery
from api.identity.mutation import IdentityMutation
from api.identity.queries import IdentityQuery
from api.identity.staff_members import StaffMembersQuery
from api.identity.tag_admin import TagAdminQuery
from api.identity.types import Member, PickupPoint
from api.ids import strict_global_id_arguments
from api.kpis.queries import KpisQuery
from api.lift.queries import LiftQuery
from api.notifications.mutation import NotificationsMutation
from api.notifications.push_mutation import PushMutation
from api.notifications.subscriptions import NotificationsSubscription
from api.notifications.types import Notification
from api.permissions import limit_every_mutation
from api.playbooks.mutation import PlaybooksMutation
from api.playbooks.queries import PlaybooksQuery
from api.points.mutation import PointsMutation
from api.points.queries import PointsQuery
from api.points.types import LedgerEntry
from api.posts.mutation import PostsMutation
from api.posts.queries import PostsQuery
from api.posts.types import Post
from api.privacy.mutation import PrivacyMutation
from api.products.mutation import ProductsMutation
from api.products.queries import ProductsQuery
from api.products.types import Product
from api.programme.mutation import ProgrammeMutation
from api.programme.queries import BrandQuery, ProgrammeQuery
from api.programme.types import Brand
from api.purchases.mutation import PurchasesMutation
from api.referrals.types import Referral
from api.rewards.mutation import RewardsMutation
from api.rewards.queries import RewardsQuery
from api.rewards.types import Redemption, Reward
from api.safety.mutation import SafetyMutation
from api.safety.queries import SafetyQuery
from api.search.queries import SearchQuery
from api.segments.mutation import SegmentsMutation
from api.segments.queries import SegmentsQuery
from settings import Limits

# Instants a client sends: an offset is required, and the value must be convertible to UTC and
# within years that mean something here (so no arithmetic on it can overflow later).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def parse_aware_datetime(value: object) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise ClientError("时间格式无效")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise ClientError("时间格式无效") from error
    if parsed.utcoffset() is None:
        raise ClientError("时间须带时区，例如 2026-11-21T10:00:00+08:00")
    try:
        in_utc = parsed.astimezone(UTC)
    except OverflowError as error:
        raise ClientError("时间超出范围") from error
    if not EARLIEST <= in_utc < LATEST:
        raise ClientError("时间超出范围")
    return parsed


AWARE_DATETIME = strawberry.scalar(
    name="DateTime",
    description="Date with time (isoformat)",
    serialize=datetime.isoformat,
    parse_value=parse_aware_datetime,
)


@strawberry.type(description="Everything the mini-program and staff tools read.")
class Query(
    IdentityQuery,
    EstateChangesQuery,
    GroupsQuery,
    PointsQuery,
    RewardsQuery,
    PostsQuery,
    CampaignsQuery,
    EventsQuery,
    SegmentsQuery,
    KpisQuery,
    StaffMembersQuery,
    ProgrammeQuery,
    EstatesAdminQuery,
    TagAdminQuery,
    BrandQuery,
    SearchQuery,
    HonoursQuery,
    SafetyQuery,
    PlaybooksQuery,
    LiftQuery,
    ProductsQuery,
    AttributionQuery,
):
    @field(
        description="Any object by its global ID; null when there is none. A malformed ID "
        "(not one this server hands out) is a top-level BAD_USER_INPUT error."
    )
    async def node(self, info: strawberry.Info, id: relay.GlobalID) -> relay.Node | None:
        # ``id`` passed api/ids.py's strict check: canonical, ASCII digits, within int4.
        try:
            return await id.resolve_node(info, required=False)
        except (KeyError, ValueError):  # an unknown type name is the same as no such object
            return None


@strawberry.type(description="Everything the mini-program and staff tools change.")
class Mutation(
    IdentityMutation,
    GroupsMutation,
    PointsMutation,
    RewardsMutation,
    PostsMutation,
    PurchasesMutation,
    CampaignsMutation,
    EventsMutation,
    SegmentsMutation,
    ProgrammeMutation,
    PushMutation,
    NotificationsMutation,
    HonoursMutation,
    SafetyMutation,
    PrivacyMutation,
    PlaybooksMutation,
    ProductsMutation,
):
    pass


limit_every_mutation(Mutation)


@strawberry.type(description="Live updates over graphql-transport-ws on /graphql.")
class Subscription(CampaignsSubscription, NotificationsSubscription):
    pass


strict_global_id_arguments(Query, Subscription)


class LinliSchema(strawberry.Schema):
    """strawberry's schema, logging client refusals at INFO instead of every error at ERROR.
    ``limit_rules`` and ``limits`` are its request limits, for whoever checks a document
    ahead of a request (the compiled plans, once per registered document)."""

    limit_rules: tuple[Any, ...] = ()
    limits: Limits = Limits()

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_errors(errors)


def build_schema(debug: bool = False, limits: Limits | None = None) -> strawberry.Schema:
    limits = limits or Limits()
    # The limiters' rule classes are built once: ValidationCache keys on the rules, and a limiter
    # made per request brings a new class each time (every request would validate again).
    limit_rules = [
        *QueryDepthLimiter(max_depth=limits.graphql_max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.graphql_max_aliases).validation_rules,
    ]
    extensions: list[Any] = [
        lambda: AddValidationRules(limit_rules),
        lambda: MaxTokensLimiter(max_token_count=limits.graphql_max_tokens),
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        MaskUnexpectedErrors,
    ]
    if not debug:
        extensions.append(DisableIntrospection)
    schema = LinliSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[
            Campaign,
            CampaignEntry,
            Member,
            InterestGroup,
            LedgerEntry,
            Reward,
            Redemption,
            Product,
            Post,
            Referral,
            Event,
            EventRegistration,
            Notification,
            InvalidInput,
            RateLimited,
            NotFound,
            InvalidCredentials,
            PhoneTaken,
            InvalidInviteCode,
            SelfReferral,
            InvalidToken,
            WechatLoginFailed,
            InsufficientPoints,
            AlreadyCheckedIn,
            IdempotencyMismatch,
            AdjustmentPendingApproval,
            RewardSoldOut,
            LimitReached,
            NotCancellable,
            AlreadyFulfilled,
            RedemptionCancelled,
            InvalidTransition,
            AlreadyReported,
            GroupArchived,
            SlugTaken,
            GroupNameTaken,
            LastHost,
            # ---- back office: members ----
            RoleGrantPendingApproval,
            SecondAdminRequired,
            RulesChanged,
            PolicyVersionTaken,
            PickupPoint,
            EstateArchived,
            EstateNameTaken,
            RewardRetired,
            EventCancelled,
            EventOver,
            TagNameTaken,
            TagRetired,
            TagMerged,
            Brand,
        ],
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not debug),
        scalar_overrides={datetime: AWARE_DATETIME},
    )
    schema.limit_rules = tuple(limit_rules)
    schema.limits = limits
    return schema


schema = build_schema()
