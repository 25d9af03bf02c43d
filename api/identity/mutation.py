"""Identity's mutation root fields: signing in and out, the profile, estate change decisions, and
the back office's roles, suspensions, estates with their pickup points and interest tags."""

from __future__ import annotations

import strawberry

from api.identity.mutations.add_pickup_point import AddPickupPointResult, add_pickup_point
from api.identity.mutations.archive_estate import ArchiveEstateResult, archive_estate
from api.identity.mutations.archive_pickup_point import (
    ArchivePickupPointResult,
    archive_pickup_point,
)
from api.identity.mutations.attest_estate_resident import (
    AttestEstateResidentResult,
    attest_estate_resident,
)
from api.identity.mutations.create_estate import CreateEstateResult, create_estate
from api.identity.mutations.create_interest_tag import CreateInterestTagResult, create_interest_tag
from api.identity.mutations.decide_estate_change import (
    DecideEstateChangeResult,
    decide_estate_change,
)
from api.identity.mutations.decide_role_grant import DecideRoleGrantResult, decide_role_grant
from api.identity.mutations.grant_role import GrantRoleResult, grant_role
from api.identity.mutations.lift_suspension import LiftSuspensionResult, lift_suspension
from api.identity.mutations.log_in import LoginResult, log_in
from api.identity.mutations.log_out import LogoutResult, log_out
from api.identity.mutations.merge_interest_tags import MergeInterestTagsResult, merge_interest_tags
from api.identity.mutations.refresh_token import RefreshTokenResult, refresh_token
from api.identity.mutations.register import RegisterResult, register
from api.identity.mutations.rename_interest_tag import RenameInterestTagResult, rename_interest_tag
from api.identity.mutations.restore_estate import RestoreEstateResult, restore_estate
from api.identity.mutations.restore_interest_tag import (
    RestoreInterestTagResult,
    restore_interest_tag,
)
from api.identity.mutations.retire_interest_tag import RetireInterestTagResult, retire_interest_tag
from api.identity.mutations.revoke_role import RevokeRoleResult, revoke_role
from api.identity.mutations.suspend_member import SuspendMemberResult, suspend_member
from api.identity.mutations.update_estate import UpdateEstateResult, update_estate
from api.identity.mutations.update_pickup_point import UpdatePickupPointResult, update_pickup_point
from api.identity.mutations.update_profile import UpdateProfileResult, update_profile
from api.identity.mutations.wechat_log_in import WechatLoginResult, wechat_log_in
from api.permissions import COUNTS_MUTATION_LIMIT_ITSELF, IsAuthenticated


@strawberry.type
class IdentityMutation:
    wechat_login: WechatLoginResult = strawberry.mutation(
        resolver=wechat_log_in, description="Log in with a wx.login code."
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
    attest_estate_resident: AttestEstateResidentResult = strawberry.mutation(
        resolver=attest_estate_resident,
        description="Hosts (of the member's estate) and admins: verify a member as a resident of "
        "their estate (audited). Anyone else gets a top-level FORBIDDEN error.",
    )
    decide_estate_change: DecideEstateChangeResult = strawberry.mutation(
        resolver=decide_estate_change,
        description="Hosts (of the estate asked for) and admins: approve or decline a member's "
        "estate change request (audited). Anyone else gets a top-level FORBIDDEN error.",
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
        description="Admins: stop offering an interest tag; members who have it keep it (audited).",
    )
    restore_interest_tag: RestoreInterestTagResult = strawberry.mutation(
        resolver=restore_interest_tag,
        description="Admins: offer a retired (not merged) interest tag again (audited).",
    )
