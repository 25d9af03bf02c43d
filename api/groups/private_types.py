"""GraphQL types of private groups' join requests."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from api.fields import field
from api.identity.types import Member
from domain.groups import models
from web.ids import encode_id


@strawberry.enum(description="Where a join request stands.")
class JoinRequestStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Waiting for a host's answer.")
    APPROVED = strawberry.enum_value("APPROVED", description="A host let the member in.")
    DECLINED = strawberry.enum_value("DECLINED", description="A host declined it.")
    EXPIRED = strawberry.enum_value(
        "EXPIRED", description="Nobody answered within 14 days; the member may ask again."
    )


@strawberry.type(description="A member's request to join a private group.")
class GroupJoinRequest:
    id: strawberry.ID = strawberry.field(description="The request's id (`decideJoinRequest`).")
    message: str = strawberry.field(description="What the member wrote to the hosts.")
    status: JoinRequestStatus = strawberry.field(description="Where the request stands.")
    requested_at: datetime = strawberry.field(description="When the member (last) asked.")
    model: strawberry.Private[models.GroupJoinRequest]

    @classmethod
    def from_model(cls, row: models.GroupJoinRequest) -> GroupJoinRequest:
        return cls(
            id=strawberry.ID(encode_id("GroupJoinRequest", row.id)),
            message=row.message,
            status=JoinRequestStatus(row.status.value),
            requested_at=row.requested_at,
            model=row,
        )

    @field(description="Who asked.")
    async def member(self) -> Member:
        await self.model.fetch_related("member")
        return Member.from_model(self.model.member)


@strawberry.type(description="The request is pending (asking again keeps one request).")
class RequestToJoinGroupSuccess:
    request: GroupJoinRequest = strawberry.field(description="The pending request.")


@strawberry.type(description="The request was approved (the member is in) or declined.")
class DecideJoinRequestSuccess:
    request: GroupJoinRequest = strawberry.field(description="The request as decided.")


@strawberry.type(description="The member is in the group (or was already).")
class InviteToGroupSuccess:
    member: Member = strawberry.field(description="The member invited.")


@strawberry.type(description="The member is out of the group and may not ask again for 30 days.")
class RemoveFromGroupSuccess:
    member_id: strawberry.ID = strawberry.field(description="`Member.id` of the member removed.")
