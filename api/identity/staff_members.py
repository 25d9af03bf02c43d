"""Admins' view of members: one member's record (roles, suspension, activity, points, moderation)
and the grants of ADMIN waiting for a second admin."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.identity.types import Member, Role
from api.permissions import require_role
from api.points.types import LedgerEntry
from domain.errors import InvalidInputError
from domain.identity import member_record, models, roles
from domain.identity.models import Role as DomainRole
from domain.identity.suspensions import is_suspended
from domain.posts.models import AuditLogEntry
from domain.privacy.access_log import record_reads
from domain.privacy.record_models import AccessKind
from web.ids import decode_required_id, encode_id


@strawberry.enum(description="Where a grant of a role stands.")
class RoleGrantStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Waiting for a second admin.")
    APPROVED = strawberry.enum_value("APPROVED", description="The member holds the role now.")
    DECLINED = strawberry.enum_value("DECLINED", description="The role was not granted.")


@strawberry.type(description="A grant of ADMIN that a second admin approves or declines.")
class RoleGrantRequest:
    model: strawberry.Private[models.RoleGrantRequest]

    @field(description="The request's ID, for `decideRoleGrant`.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("RoleGrantRequest", self.model.id))

    @field(description="The role asked for.")
    def role(self) -> Role:
        return Role(self.model.role)

    @field(description="Where the request stands.")
    def status(self) -> RoleGrantStatus:
        return RoleGrantStatus(self.model.status.value)

    @field(description="The member who would hold the role.")
    async def member(self) -> Member:
        return Member.from_model(await self.model.member)

    @field(description="The admin who asked.")
    async def requested_by(self) -> Member:
        return Member.from_model(await self.model.requested_by)

    @field(description="When it was asked.")
    def created_at(self) -> datetime:
        return self.model.created_at

    @field(description="When it was decided; null while pending.")
    def decided_at(self) -> datetime | None:
        return self.model.decided_at


@strawberry.type(description="A member's suspension: they read but change nothing until it ends.")
class Suspension:
    reason: str = strawberry.field(description="Why, as the admin wrote it.")
    until: datetime | None = strawberry.field(
        description="When it ends: `suspendMember` always sets it; null only on a suspension "
        "recorded before end dates were required, which lasts until lifted."
    )


@strawberry.type(description="How much a member has done, all time.")
class ActivityCounts:
    posts: int = strawberry.field(description="Posts submitted (any status).")
    comments: int = strawberry.field(description="Comments written.")
    votes: int = strawberry.field(description="Campaign votes cast.")
    event_registrations: int = strawberry.field(description="Event registrations, any status.")
    redemptions: int = strawberry.field(description="Rewards redeemed, any status.")


@strawberry.type(description="One audit log entry about the member or their content.")
class AuditEntry:
    action: str = strawberry.field(description="What was done, e.g. `MEMBER_SUSPENDED`.")
    target_type: str = strawberry.field(description="`MEMBER`, `POST` or `COMMENT`.")
    target_id: int = strawberry.field(description="The database id of the target.")
    actor_name: str = strawberry.field(description="The staff member who did it.")
    reason: str | None = strawberry.field(description="The reason given, if any.")
    created_at: datetime = strawberry.field(description="When.")

    @classmethod
    def from_model(cls, entry: AuditLogEntry) -> AuditEntry:
        return cls(
            action=entry.action,
            target_type=entry.target_type,
            target_id=entry.target_id,
            actor_name=entry.actor.display_name,
            reason=entry.reason,
            created_at=entry.created_at,
        )


@strawberry.type(description="Admins: one member's record, read in a fixed number of statements.")
class MemberRecord:
    record: strawberry.Private[member_record.MemberRecord]
    now: strawberry.Private[datetime]

    @field(description="The member (phone masked as everywhere).")
    def member(self) -> Member:
        return Member.from_model(self.record.member)

    @field(description="The roles the member holds.")
    def roles(self) -> list[Role]:
        return [Role(r) for r in self.record.member.roles]

    @field(description="The suspension in force; null when there is none.")
    def suspension(self) -> Suspension | None:
        member = self.record.member
        if not is_suspended(member, self.now):
            return None
        return Suspension(reason=member.suspension_reason or "", until=member.suspended_until)

    @field(description="Counts of the member's activity.")
    def activity(self) -> ActivityCounts:
        c = self.record.counts
        return ActivityCounts(
            posts=c.posts,
            comments=c.comments,
            votes=c.votes,
            event_registrations=c.registrations,
            redemptions=c.redemptions,
        )

    @field(description="The latest ledger entries (20), newest first.")
    def points_history(self) -> list[LedgerEntry]:
        return [LedgerEntry.from_model(e) for e in self.record.ledger]

    @field(description="The latest audit entries (20) about the member or their content.")
    def moderation_record(self) -> list[AuditEntry]:
        return [AuditEntry.from_model(e) for e in self.record.audit]

    @field(description="How many reports were made against the member's content.")
    def reports_against(self) -> int:
        return self.record.reports_against_count

    @field(description="Grants of a role to this member waiting for a second admin.")
    def pending_role_grants(self) -> list[RoleGrantRequest]:
        return [RoleGrantRequest(model=r) for r in self.record.pending_grants]


@strawberry.type
class StaffMembersQuery:
    @field(
        description="Admins: one member's record; null when there is no such member. Anyone "
        "else gets a top-level FORBIDDEN error."
    )
    async def member_record(
        self, info: Info[Context, Any], member_id: strawberry.ID
    ) -> MemberRecord | None:
        admin = require_role(info, DomainRole.ADMIN)
        try:
            pk = decode_required_id(member_id, "Member", "memberId")
        except InvalidInputError:
            return None
        record = await member_record.get_member_record(pk)
        if record is None:
            return None
        now = info.context.collaborators.clock.now()
        await record_reads(admin, [pk], AccessKind.MEMBER_PAGE, now)
        return MemberRecord(record=record, now=now)

    @field(
        description="Admins: grants of ADMIN waiting for a second admin, oldest first. Anyone "
        "else gets a top-level FORBIDDEN error."
    )
    async def pending_role_grants(self, info: Info[Context, Any]) -> list[RoleGrantRequest]:
        require_role(info, DomainRole.ADMIN)
        return [RoleGrantRequest(model=r) for r in await roles.list_pending_role_grants()]
