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

from api.campaigns.mutations.cast_vote import CastVoteResult, cast_vote
from api.campaigns.mutations.close_campaign import CloseCampaignResult, close_campaign
from api.campaigns.mutations.create_campaign import CreateCampaignResult, create_campaign
from api.campaigns.mutations.moderate_entry import ModerateEntryResult, moderate_entry
from api.campaigns.mutations.propose_entry import ProposeEntryResult, propose_entry
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
from api.events.mutations.cancel_event import CancelEventResult, cancel_event
from api.events.mutations.cancel_event_registration import (
    CancelEventRegistrationResult,
    cancel_event_registration,
)
from api.events.mutations.check_in_attendee import CheckInAttendeeResult, check_in_attendee
from api.events.mutations.create_event import CreateEventResult, create_event
from api.events.mutations.register_for_event import RegisterForEventResult, register_for_event
from api.events.mutations.update_event import UpdateEventResult, update_event
from api.events.queries import EventsQuery
from api.events.types import Event, EventRegistration
from api.groups.mutations.appoint_host import AppointHostResult, appoint_host
from api.groups.mutations.archive_group import ArchiveGroupResult, archive_group
from api.groups.mutations.create_group import CreateGroupResult, create_group
from api.groups.mutations.join_group import JoinGroupResult, join_group
from api.groups.mutations.leave_group import LeaveGroupResult, leave_group
from api.groups.mutations.remove_host import RemoveHostResult, remove_host
from api.groups.mutations.restore_group import RestoreGroupResult, restore_group
from api.groups.mutations.update_group import UpdateGroupResult, update_group
from api.groups.queries import GroupsQuery
from api.groups.types import InterestGroup
from api.identity.estate_changes import EstateChangesQuery
from api.identity.estates import EstatesAdminQuery
from api.identity.mutations.add_pickup_point import AddPickupPointResult, add_pickup_point
from api.identity.mutations.archive_estate import ArchiveEstateResult, archive_estate
from api.identity.mutations.archive_pickup_point import (
    ArchivePickupPointResult,
    archive_pickup_point,
)
from api.identity.mutations.create_estate import CreateEstateResult, create_estate
from api.identity.mutations.create_interest_tag import (
    CreateInterestTagResult,
    create_interest_tag,
)
from api.identity.mutations.decide_estate_change import (
    DecideEstateChangeResult,
    decide_estate_change,
)
from api.identity.mutations.decide_role_grant import DecideRoleGrantResult, decide_role_grant
from api.identity.mutations.grant_role import GrantRoleResult, grant_role
from api.identity.mutations.lift_suspension import LiftSuspensionResult, lift_suspension
from api.identity.mutations.log_in import LoginResult, log_in
from api.identity.mutations.log_out import LogoutResult, log_out
from api.identity.mutations.merge_interest_tags import (
    MergeInterestTagsResult,
    merge_interest_tags,
)
from api.identity.mutations.refresh_token import RefreshTokenResult, refresh_token
from api.identity.mutations.register import RegisterResult, register
from api.identity.mutations.rename_interest_tag import (
    RenameInterestTagResult,
    rename_interest_tag,
)
from api.identity.mutations.restore_estate import RestoreEstateResult, restore_estate
from api.identity.mutations.restore_interest_tag import (
    RestoreInterestTagResult,
    restore_interest_tag,
)
from api.identity.mutations.retire_interest_tag import (
    RetireInterestTagResult,
    retire_interest_tag,
)
from api.identity.mutations.revoke_role import RevokeRoleResult, revoke_role
from api.identity.mutations.suspend_member import SuspendMemberResult, suspend_member
from api.identity.mutations.update_estate import UpdateEstateResult, update_estate
from api.identity.mutations.update_pickup_point import (
    UpdatePickupPointResult,
    update_pickup_point,
)
from api.identity.mutations.update_profile import UpdateProfileResult, update_profile
from api.identity.mutations.wechat_login import WechatLoginResult, wechat_login
from api.identity.queries import IdentityQuery
from api.identity.staff_members import StaffMembersQuery
from api.identity.tag_admin import TagAdminQuery
from api.identity.types import Member, PickupPoint
from api.ids import strict_global_id_arguments
from api.permissions import COUNTS_MUTATION_LIMIT_ITSELF, IsAuthenticated, limit_every_mutation
from api.points.mutations.adjust_points import AdjustPointsResult, adjust_points
from api.points.mutations.check_in import CheckInResult, check_in
from api.points.queries import PointsQuery
from api.points.types import LedgerEntry
from api.posts.mutations.add_comment import AddCommentResult, add_comment
from api.posts.mutations.like_post import LikePostResult, like_post
from api.posts.mutations.moderate_post import ModeratePostResult, moderate_post
from api.posts.mutations.report_content import ReportContentResult, report_content
from api.posts.mutations.submit_post import SubmitPostResult, submit_post
from api.posts.mutations.unlike_post import UnlikePostResult, unlike_post
from api.posts.queries import PostsQuery
from api.posts.types import Post
from api.programme.mutations.publish_privacy_policy import (
    PublishPrivacyPolicyResult,
    publish_privacy_policy,
)
from api.programme.mutations.update_brand import UpdateBrandResult, update_brand
from api.programme.mutations.update_programme_rules import (
    UpdateProgrammeRulesResult,
    update_programme_rules,
)
from api.programme.queries import BrandQuery, ProgrammeQuery
from api.programme.types import Brand
from api.purchases.mutations.record_purchases import RecordPurchasesResult, record_purchases
from api.referrals.types import Referral
from api.rewards.mutations.cancel_redemption import CancelRedemptionResult, cancel_redemption
from api.rewards.mutations.create_reward import CreateRewardResult, create_reward
from api.rewards.mutations.fulfil_redemption import FulfilRedemptionResult, fulfil_redemption
from api.rewards.mutations.redeem_reward import RedeemRewardResult, redeem_reward
from api.rewards.mutations.restock_reward import RestockRewardResult, restock_reward
from api.rewards.mutations.retire_reward import RetireRewardResult, retire_reward
from api.rewards.mutations.update_reward import UpdateRewardResult, update_reward
from api.rewards.queries import RewardsQuery
from api.rewards.types import Redemption, Reward
from api.segments.mutations.submit_nps_response import (
    SubmitNpsResponseResult,
    submit_nps_response,
)
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
    StaffMembersQuery,
    ProgrammeQuery,
    EstatesAdminQuery,
    TagAdminQuery,
    BrandQuery,
):
    @strawberry.field(
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
class Mutation:
    wechat_login: WechatLoginResult = strawberry.mutation(
        resolver=wechat_login, description="Log in with a wx.login code."
    )
    register: RegisterResult = strawberry.mutation(
        resolver=register, description="Register with phone and password."
    )
    login: LoginResult = strawberry.mutation(
        resolver=log_in, description="Log in with phone and password."
    )
    refresh_token: RefreshTokenResult = strawberry.mutation(
        resolver=refresh_token, description="Rotate a refresh token into a new token pair."
    )
    logout: LogoutResult = strawberry.mutation(
        resolver=log_out,
        description="Revoke the current token.",
        permission_classes=[IsAuthenticated],
    )
    update_profile: UpdateProfileResult = strawberry.mutation(
        resolver=update_profile,
        description="Change the signed-in member's profile.",
        permission_classes=[IsAuthenticated],
        metadata=COUNTS_MUTATION_LIMIT_ITSELF,  # domain/identity/services.update_profile
    )
    decide_estate_change: DecideEstateChangeResult = strawberry.mutation(
        resolver=decide_estate_change,
        description="Hosts (of the estate asked for) and admins: approve or decline a member's "
        "estate change request (audited). Anyone else gets a top-level FORBIDDEN error.",
    )
    join_group: JoinGroupResult = strawberry.mutation(
        resolver=join_group,
        description="Join an interest group (joining twice changes nothing).",
        permission_classes=[IsAuthenticated],
    )
    leave_group: LeaveGroupResult = strawberry.mutation(
        resolver=leave_group,
        description="Leave an interest group.",
        permission_classes=[IsAuthenticated],
    )
    check_in: CheckInResult = strawberry.mutation(
        resolver=check_in,
        description="Check in for today (签到): once per Shanghai calendar day.",
        permission_classes=[IsAuthenticated],
    )
    redeem_reward: RedeemRewardResult = strawberry.mutation(
        resolver=redeem_reward,
        description="Spend points on a reward; safe to retry with the same idempotency key.",
        permission_classes=[IsAuthenticated],
        metadata=COUNTS_MUTATION_LIMIT_ITSELF,  # a replayed key is answered before any limit
    )
    cancel_redemption: CancelRedemptionResult = strawberry.mutation(
        resolver=cancel_redemption,
        description="Cancel one of the viewer's redemptions before pickup; the points come back.",
        permission_classes=[IsAuthenticated],
    )
    create_reward: CreateRewardResult = strawberry.mutation(
        resolver=create_reward, description="Admins: put a new reward in the points mall."
    )
    restock_reward: RestockRewardResult = strawberry.mutation(
        resolver=restock_reward, description="Admins: add items to a reward's stock."
    )
    fulfil_redemption: FulfilRedemptionResult = strawberry.mutation(
        resolver=fulfil_redemption,
        description="Hosts and admins: hand a redeemed item over against its pickup code.",
    )
    adjust_points: AdjustPointsResult = strawberry.mutation(
        resolver=adjust_points,
        description="Admins: correct a member's points with a reason; above 1,000 points a "
        "second admin approves.",
    )
    submit_post: SubmitPostResult = strawberry.mutation(
        resolver=submit_post,
        description="Submit a post: published at once for trusted authors (3 approved posts), "
        "else queued for moderation. Counts against the posting limits.",
        permission_classes=[IsAuthenticated],
    )
    like_post: LikePostResult = strawberry.mutation(
        resolver=like_post,
        description="Like a published post (liking twice counts once).",
        permission_classes=[IsAuthenticated],
    )
    unlike_post: UnlikePostResult = strawberry.mutation(
        resolver=unlike_post,
        description="Take back a like.",
        permission_classes=[IsAuthenticated],
    )
    add_comment: AddCommentResult = strawberry.mutation(
        resolver=add_comment,
        description="Comment on a published post. Counts against the posting limits.",
        permission_classes=[IsAuthenticated],
    )
    report_content: ReportContentResult = strawberry.mutation(
        resolver=report_content,
        description="Report a post (comments cannot be reported yet: `InvalidInput`). Three "
        "reporters hide a post until a moderator decides.",
        permission_classes=[IsAuthenticated],
    )
    moderate_post: ModeratePostResult = strawberry.mutation(
        resolver=moderate_post,
        description="Staff: moderate a post. Moderators and admins everywhere, hosts in their "
        "own groups; anyone else gets a top-level FORBIDDEN error.",
    )
    record_purchases: RecordPurchasesResult = strawberry.mutation(
        resolver=record_purchases,
        description="Admins: record the mall's orders. Idempotent on the order id; each new "
        "order earns pending points once and may reward its buyer's referral; bad rows are "
        "listed and the good ones recorded.",
    )
    propose_entry: ProposeEntryResult = strawberry.mutation(
        resolver=propose_entry,
        description="Propose a name (it waits for a moderator) or enter a published PHOTO post.",
        permission_classes=[IsAuthenticated],
    )
    cast_vote: CastVoteResult = strawberry.mutation(
        resolver=cast_vote,
        description="Vote for an approved entry: one vote per entry, `votesPerMember` per "
        "campaign, +1 point. Accounts under 72 h, suspended ones and other estates' residents "
        "get `NotEligible`.",
        permission_classes=[IsAuthenticated],
    )
    moderate_entry: ModerateEntryResult = strawberry.mutation(
        resolver=moderate_entry,
        description="Moderators and admins: approve or reject a proposed name (audited).",
    )
    create_campaign: CreateCampaignResult = strawberry.mutation(
        resolver=create_campaign, description="Admins: announce a naming or photo campaign."
    )
    close_campaign: CloseCampaignResult = strawberry.mutation(
        resolver=close_campaign,
        description="Admins: close a campaign now; the winner (most votes, a tie to the earlier "
        "entry) is named and its proposer paid once. Closing again changes nothing.",
    )

    register_for_event: RegisterForEventResult = strawberry.mutation(
        resolver=register_for_event,
        description="Register for an event: a seat (with a check-in code) while seats last, "
        "else the next place on the waitlist.",
        permission_classes=[IsAuthenticated],
    )
    cancel_event_registration: CancelEventRegistrationResult = strawberry.mutation(
        resolver=cancel_event_registration,
        description="Cancel the viewer's registration before the event starts; a freed seat "
        "goes to the first member on the waitlist at once.",
        permission_classes=[IsAuthenticated],
    )
    create_event: CreateEventResult = strawberry.mutation(
        resolver=create_event,
        description="Hosts (for the groups they host) and admins: publish an event. Anyone else "
        "gets a top-level FORBIDDEN error.",
    )
    submit_nps_response: SubmitNpsResponseResult = strawberry.mutation(
        resolver=submit_nps_response,
        description="Answer 0–10 to 你有多大可能把邻里推荐给朋友？, at most once a calendar "
        "quarter (`LimitReached` after that); an optional comment of up to 500 characters.",
        permission_classes=[IsAuthenticated],
    )
    check_in_attendee: CheckInAttendeeResult = strawberry.mutation(
        resolver=check_in_attendee,
        description="Hosts (of the event's group) and admins: check an attendee in by their code; "
        "attendance points are awarded once. Anyone else gets a top-level FORBIDDEN error.",
    )
    # ---- back office: groups ----
    create_group: CreateGroupResult = strawberry.mutation(
        resolver=create_group,
        description="Admins: create an interest group with its hosts (audited). Anyone else "
        "gets a top-level FORBIDDEN error.",
    )
    update_group: UpdateGroupResult = strawberry.mutation(
        resolver=update_group,
        description="Admins: change a group's name, slug, description, visibility or cover "
        "(audited). Anyone else gets a top-level FORBIDDEN error.",
    )
    archive_group: ArchiveGroupResult = strawberry.mutation(
        resolver=archive_group,
        description="Admins: archive a group, read-only from now (audited). Anyone else gets a "
        "top-level FORBIDDEN error.",
    )
    restore_group: RestoreGroupResult = strawberry.mutation(
        resolver=restore_group,
        description="Admins: reopen an archived group (audited). Anyone else gets a top-level "
        "FORBIDDEN error.",
    )
    appoint_host: AppointHostResult = strawberry.mutation(
        resolver=appoint_host,
        description="Admins: make a member a host (主理人) of a group, with the HOST role if they "
        "lack it (audited). Anyone else gets a top-level FORBIDDEN error.",
    )
    remove_host: RemoveHostResult = strawberry.mutation(
        resolver=remove_host,
        description="Admins: take a host off a group, never its last (audited); their roles stay. "
        "Anyone else gets a top-level FORBIDDEN error.",
    )
    # ---- back office: members ----
    grant_role: GrantRoleResult = strawberry.mutation(
        resolver=grant_role,
        description="Admins: grant HOST or MODERATOR at once; ADMIN answers "
        "`RoleGrantPendingApproval` until a second admin approves (audited). Anyone else gets a "
        "top-level FORBIDDEN error.",
    )
    revoke_role: RevokeRoleResult = strawberry.mutation(
        resolver=revoke_role,
        description="Admins: take HOST, MODERATOR or ADMIN away; never the caller's own ADMIN nor "
        "the last admin's (audited). Anyone else gets a top-level FORBIDDEN error.",
    )
    decide_role_grant: DecideRoleGrantResult = strawberry.mutation(
        resolver=decide_role_grant,
        description="Admins other than the requester and the member: approve or decline a "
        "pending grant of ADMIN, once (audited). Anyone else gets a top-level FORBIDDEN error.",
    )
    suspend_member: SuspendMemberResult = strawberry.mutation(
        resolver=suspend_member,
        description="Admins: suspend a member until a future date with a reason; every session "
        "and token of theirs ends at once, and until then every mutation of theirs but logout is "
        "refused with a top-level ACCOUNT_SUSPENDED error (audited).",
    )
    lift_suspension: LiftSuspensionResult = strawberry.mutation(
        resolver=lift_suspension,
        description="Admins: end a member's suspension now (audited). Anyone else gets a "
        "top-level FORBIDDEN error.",
    )

    # ---- back office: settings ----
    update_programme_rules: UpdateProgrammeRulesResult = strawberry.mutation(
        resolver=update_programme_rules,
        description="Admins: save the next version of the earn rules, daily cap, expiry policy "
        "and report threshold (audited). It applies to awards from now on; awards made keep "
        "their amounts and expiry. Anyone else gets a top-level FORBIDDEN error.",
    )
    publish_privacy_policy: PublishPrivacyPolicyResult = strawberry.mutation(
        resolver=publish_privacy_policy,
        description="Admins: publish a new privacy policy version (audited); registration "
        "records its version from now on. Anyone else gets a top-level FORBIDDEN error.",
    )
    # ---- back office: estates ----
    create_estate: CreateEstateResult = strawberry.mutation(
        resolver=create_estate,
        description="Admins: add an estate (小区), optionally with its first pickup points "
        "(audited). Anyone else gets a top-level FORBIDDEN error.",
    )
    update_estate: UpdateEstateResult = strawberry.mutation(
        resolver=update_estate,
        description="Admins: correct an estate's name, city, district or address (audited). "
        "Anyone else gets a top-level FORBIDDEN error.",
    )
    archive_estate: ArchiveEstateResult = strawberry.mutation(
        resolver=archive_estate,
        description="Admins: archive an estate: its members keep it and their history, no one "
        "new registers or moves into it (audited). Anyone else gets a top-level FORBIDDEN error.",
    )
    restore_estate: RestoreEstateResult = strawberry.mutation(
        resolver=restore_estate,
        description="Admins: open an archived estate to new members again (audited). Anyone "
        "else gets a top-level FORBIDDEN error.",
    )
    add_pickup_point: AddPickupPointResult = strawberry.mutation(
        resolver=add_pickup_point,
        description="Admins: add a pickup point (自提点) with its opening hours to an active "
        "estate (audited). Anyone else gets a top-level FORBIDDEN error.",
    )
    update_pickup_point: UpdatePickupPointResult = strawberry.mutation(
        resolver=update_pickup_point,
        description="Admins: correct a pickup point's name, address or opening hours (audited). "
        "Anyone else gets a top-level FORBIDDEN error.",
    )
    archive_pickup_point: ArchivePickupPointResult = strawberry.mutation(
        resolver=archive_pickup_point,
        description="Admins: archive a pickup point; residents no longer see it (audited). "
        "Anyone else gets a top-level FORBIDDEN error.",
    )
    # ---- back office: catalogue ----
    update_reward: UpdateRewardResult = strawberry.mutation(
        resolver=update_reward,
        description="Admins: change a reward's text, picture, cost (for redemptions from now on), "
        "per-member limit or availability window (audited).",
    )
    retire_reward: RetireRewardResult = strawberry.mutation(
        resolver=retire_reward,
        description="Admins: retire a reward: out of the mall, no new redemptions; reserved ones "
        "can still be picked up or cancelled (audited; retiring again changes nothing).",
    )
    update_event: UpdateEventResult = strawberry.mutation(
        resolver=update_event,
        description="Hosts (of the event's group) and admins: change an event's details; a "
        "capacity raise seats the waitlist at once (audited). Anyone else gets a top-level "
        "FORBIDDEN error.",
    )
    cancel_event: CancelEventResult = strawberry.mutation(
        resolver=cancel_event,
        description="Hosts (of the event's group) and admins: cancel an event that has not ended: "
        "every confirmed and waitlisted registration is cancelled, no points are lost (audited; "
        "cancelling again changes nothing). Anyone else gets a top-level FORBIDDEN error.",
    )
    # ---- back office: tags ----
    create_interest_tag: CreateInterestTagResult = strawberry.mutation(
        resolver=create_interest_tag,
        description="Admins: add an interest tag members can choose (audited). Anyone else gets "
        "a top-level FORBIDDEN error.",
    )
    rename_interest_tag: RenameInterestTagResult = strawberry.mutation(
        resolver=rename_interest_tag,
        description="Admins: rename an interest tag (audited with the old and new name).",
    )
    merge_interest_tags: MergeInterestTagsResult = strawberry.mutation(
        resolver=merge_interest_tags,
        description="Admins: merge one interest tag into another. Every member of the source "
        "carries the target once (a member who had both keeps one); the source is retired and "
        "points at the target (audited).",
    )
    retire_interest_tag: RetireInterestTagResult = strawberry.mutation(
        resolver=retire_interest_tag,
        description="Admins: stop offering an interest tag; members who have it keep it "
        "(audited).",
    )
    restore_interest_tag: RestoreInterestTagResult = strawberry.mutation(
        resolver=restore_interest_tag,
        description="Admins: offer a retired (not merged) interest tag again (audited).",
    )
    # ---- back office: firstrun ----
    update_brand: UpdateBrandResult = strawberry.mutation(
        resolver=update_brand,
        description="Admins: save the brand's next version (name, about page, logo). Anyone else "
        "gets a top-level FORBIDDEN (or UNAUTHENTICATED) error. There is no mutation that makes "
        "the first admin: that is the setup page's, with the server's one-time setup code.",
    )


limit_every_mutation(Mutation)


@strawberry.type(description="Live updates over graphql-transport-ws on /graphql.")
class Subscription(CampaignsSubscription):
    pass


strict_global_id_arguments(Query, Subscription)


class LinliSchema(strawberry.Schema):
    """strawberry's schema, logging client refusals at INFO instead of every error at ERROR."""

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
    return LinliSchema(
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
            Post,
            Referral,
            Event,
            EventRegistration,
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


schema = build_schema()
